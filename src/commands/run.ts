import { Flags } from '@oclif/core';
import path from 'node:path';
import { BaseCommand } from '../lib/base-command.js';
import { runBenchmark, type RunOutcome } from '../lib/bench/run.js';
import { durationFlag, stackFlags } from '../lib/config/flags.js';
import { checkOutputDir } from '../lib/config/output-paths.js';
import { jobFlags, jobOverrides } from '../lib/config/job-flags.js';
import { loadFlags, resolveSource, sourceFlags } from '../lib/config/source-flags.js';
import { resolveStackConfig } from '../lib/config/stack-config.js';
import { EXIT, UsageError } from '../lib/errors.js';
import { faultFlag } from '../lib/config/fault-flags.js';
import { renderRunSummary } from '../lib/render/summary.js';

export default class Run extends BaseCommand {
  static override summary = 'Produce events, measure every engine end to end, save and print the results';

  static override description = `Brings the stack up if it is not (and down again afterwards), gives the run a fresh id, produces from the chosen source for --duration while a live panel shows rates, latencies and freshness, waits until every engine has drained, then reads every committed row's latency from PostgreSQL and saves results/<run-id>/ (run.json, latency.csv, timeseries.csv). Ctrl-C stops producing and still saves what was measured, marked interrupted.`;

  static override examples = [
    '<%= config.bin %> run --duration 5m --rate 1000',
    '<%= config.bin %> run --duration 3m --rate 1000 --producer-priority high',
    '<%= config.bin %> run --duration 5m --engines spark,flink --repeat 3',
    '<%= config.bin %> run --duration 1m --rate 5000 --isolate',
    '<%= config.bin %> run --duration 1m --rate 250000 --producers 2 --symbols 10',
    '<%= config.bin %> run --duration 1m --partitions 12 --symbols 24',
    '<%= config.bin %> run --duration 1m --trigger 5s --buffer-timeout 10ms',
    '<%= config.bin %> run --source coinbase-ws --duration 10m',
    '<%= config.bin %> run --source replay --file ticks.ndjson --speed 10 --json',
    '<%= config.bin %> run --duration 90s --disorder 2s --late 0.01:30s --event-time-start 2026-12-01T09:59:30Z',
    '<%= config.bin %> run --duration 3m --rate 1000 --fault flink:kill@60s --fault kafka:pause@120s+5s',
    '<%= config.bin %> run --duration 25m --rate 1000 --gold-airflow',
  ];

  static override flags = {
    ...stackFlags,
    ...jobFlags,
    ...sourceFlags,
    ...loadFlags,
    duration: durationFlag({
      description: 'How long to produce',
      default: 120_000,
      bareUnit: 's',
      minMs: 1000,
    }),
    warmup: durationFlag({
      description:
        'Warm-up excluded from the figures [default: detected per engine by MSER-5, the latest start for all]',
      bareUnit: 's',
    }),
    isolate: Flags.boolean({
      description:
        'Run the engines one at a time on the same workload instead of in parallel (no competition for cores)',
    }),
    repeat: Flags.integer({
      description: 'Runs to make; results give the median and a 95% interval',
      min: 1,
      max: 100,
      default: 1,
    }),
    'drain-timeout': durationFlag({
      description: 'Longest wait for the engines to catch up after producing',
      default: 60_000,
      bareUnit: 's',
    }),
    'schedule-lag-bound': durationFlag({
      description: 'Schedule-lag p99 above which the run is invalid',
      default: 50,
      bareUnit: 'ms',
    }),
    'results-dir': Flags.string({ description: 'Where results are saved', default: 'results' }),
    fault: faultFlag(),
    'gold-airflow': Flags.boolean({
      description:
        "After the run, have Airflow (running beside the stack: `airflow up`) build the run's gold with its DAG and check it against the same truth as Spark's and Flink's",
    }),
  };

  async run(): Promise<RunOutcome> {
    const { flags } = await this.parse(Run);
    if (flags.warmup !== undefined && flags.warmup >= flags.duration) {
      throw new UsageError(
        `--warmup ${flags.warmup / 1000}s leaves nothing of --duration ${flags.duration / 1000}s to measure`,
      );
    }
    if (flags.isolate && (flags.source === 'coinbase-rest' || flags.source === 'coinbase-ws')) {
      throw new UsageError(
        `--isolate replays the same workload for each engine, which a live source (${flags.source}) cannot`,
        {
          suggestions: [
            'Record live ticks with `crypto-bench record`, then run --source replay --file FILE --isolate',
          ],
        },
      );
    }
    const stack = resolveStackConfig(flags);
    checkOutputDir('--results-dir', flags['results-dir']);
    checkOutputDir('--state-dir', stack.stateDir);
    return this.interruptible(async (signal) => {
      const resultsDir = path.resolve(flags['results-dir']);
      const outcome = await runBenchmark(
        {
          stack,
          jobOverrides: jobOverrides(flags),
          source: resolveSource(flags, flags.duration),
          symbols: flags.symbols,
          producers: flags.producers,
          producerPriority: flags['producer-priority'],
          partitions: flags.partitions,
          durationMs: flags.duration,
          warmupMs: flags.warmup,
          resultsDir,
          drainTimeoutMs: flags['drain-timeout'],
          scheduleLagBoundUs: flags['schedule-lag-bound'] * 1000,
          isolate: flags.isolate,
          repeat: flags.repeat,
          faults: flags.fault,
          goldAirflow: flags['gold-airflow'],
          signal,
        },
        this.progress(),
      );
      this.log(renderRunSummary(outcome.runs, resultsDir));
      if (outcome.runs.some((run) => run.status === 'interrupted')) process.exitCode = EXIT.interrupted;
      else if (outcome.runs.some((run) => run.status === 'invalid')) process.exitCode = EXIT.invalidRun;
      else if (outcome.runs.some((run) => run.status === 'incomplete')) process.exitCode = EXIT.incompleteRun;
      return outcome;
    });
  }
}
