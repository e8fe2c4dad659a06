import path from 'node:path';
import { Flags } from '@oclif/core';
import { BaseCommand } from '../lib/base-command.js';
import { runSweep, type SweepOutcome } from '../lib/bench/sweep.js';
import { durationFlag, orFail, stackFlags } from '../lib/config/flags.js';
import { parallelismPoints } from '../lib/config/lists.js';
import { checkOutputDir } from '../lib/config/output-paths.js';
import { jobOverrides } from '../lib/config/job-flags.js';
import { resolveStackConfig } from '../lib/config/stack-config.js';
import { sweepFlags } from '../lib/config/sweep-flags.js';
import { loadFlags } from '../lib/config/source-flags.js';
import { EXIT, UsageError } from '../lib/errors.js';
import { faultFlag } from '../lib/config/fault-flags.js';
import { renderSweep, sweepCsv } from '../lib/render/sweep.js';
import { writeFileAtomic } from '../lib/results/store.js';
import { sweepReportFile } from '../lib/results/sweep-record.js';

export default class Sweep extends BaseCommand {
  static override summary =
    'Measure the same workload under each Spark trigger, Flink setting and rate; one table and CSV';

  static override description = `Spark triggers and Flink settings advance together (point k: Spark's k-th trigger, Flink's k-th combination of buffer timeout, batch size and batch interval; the shorter list keeps its last value); delivery guarantees, state backends and checkpoint intervals are crossed, each combination repeating that sequence; each --rate repeats it all. Only the job whose setting changed is restarted. Every point is saved as ordinary runs, listed in results/<sweep-id>/sweep.json and sweep.csv; \`compare <sweep-id>\` shows it again. A point that fails is recorded with its reason and the sweep goes on. --find-max-rate instead searches each engine's sustainable throughput (doubling the rate, then halving the bracket with the engine alone).

Scale is outermost: each --partitions count (the topic deleted and created again with that many partitions, every job restarted without its checkpoints) and, within it, each --parallelism repeats all of the above; with --find-max-rate one search runs at each scale, and the report draws sustainable throughput and p99 against parallelism and partitions. --parallelism 1,2,4 sets every engine; --parallelism flink=1,2,4 --parallelism baseline=1,2 gives engines their own lists, which advance together. The baseline's consumer threads may not exceed the partitions.`;

  static override examples = [
    '<%= config.bin %> sweep --trigger 0,1s,5s,15s,30s --buffer-timeout 0,10ms,100ms --duration 1m',
    '<%= config.bin %> sweep --rate 1000,10000,50000 --duration 1m --isolate',
    '<%= config.bin %> sweep --flink-batch-size 100,1000,5000 --flink-batch-interval 0,200ms --engines flink,baseline',
    '<%= config.bin %> sweep --find-max-rate --slo-p99 1s --duration 30s',
    '<%= config.bin %> sweep --delivery at-least-once,exactly-once --state-backend hashmap,rocksdb --duration 2m',
    '<%= config.bin %> sweep --find-max-rate --engines flink,baseline --parallelism 1,2 --partitions 6',
    '<%= config.bin %> sweep --engines flink,baseline --parallelism 1,2,4 --partitions 3,6,12 --rate 5000 --duration 1m',
    '<%= config.bin %> sweep --parallelism flink=1,2,4 --parallelism baseline=1,2 --partitions 6 --duration 1m',
  ];

  static override flags = {
    ...stackFlags,
    ...sweepFlags,
    ...loadFlags,
    duration: durationFlag({
      description: 'How long to produce at each point',
      default: 60_000,
      bareUnit: 's',
      minMs: 1000,
    }),
    warmup: durationFlag({
      description:
        'Warm-up excluded at each point [default: detected per engine by MSER-5, the latest start for all]',
      bareUnit: 's',
    }),
    repeat: Flags.integer({ description: 'Runs per point', min: 1, max: 100, default: 1 }),
    isolate: Flags.boolean({ description: 'Engines one at a time at each point, on the same workload' }),
    'drain-timeout': durationFlag({
      description: 'Longest wait for the engines to catch up after each point',
      default: 60_000,
      bareUnit: 's',
    }),
    'schedule-lag-bound': durationFlag({
      description: 'Schedule-lag p99 above which a point is invalid',
      default: 50,
      bareUnit: 'ms',
    }),
    'results-dir': Flags.string({ description: 'Where results are saved', default: 'results' }),
    fault: faultFlag(),
    format: Flags.option({
      description: 'Output format',
      options: ['table', 'csv', 'markdown'] as const,
      default: 'table' as const,
    })(),
  };

  async run(): Promise<SweepOutcome> {
    const { flags } = await this.parse(Sweep);
    if (flags['min-rate'] > flags['max-rate'])
      throw new UsageError(`--min-rate ${flags['min-rate']} is above --max-rate ${flags['max-rate']}`);
    if (flags.warmup !== undefined && flags.warmup >= flags.duration)
      throw new UsageError('--warmup must be shorter than --duration');
    if (flags['checkpoint-interval']?.some((ms) => ms < 10))
      throw new UsageError('--checkpoint-interval: give at least 10ms');
    const parallelisms = orFail('parallelism', parallelismPoints(flags.parallelism ?? []));
    // A stack the sweep starts begins at the first partition count; a running one is moved to each in turn.
    const stack = resolveStackConfig({ ...flags, partitions: flags.partitions?.[0] });
    checkOutputDir('--results-dir', flags['results-dir']);
    checkOutputDir('--state-dir', stack.stateDir);
    return this.interruptible(async (signal) => {
      const resultsDir = path.resolve(flags['results-dir']);
      const outcome = await runSweep(
        {
          stack,
          // The swept settings are axes; --[no-]gold is the one job setting applied to the whole sweep.
          jobOverrides: jobOverrides({ gold: flags.gold }),
          axes: {
            ratesEventsPerSec: flags.rate ?? [],
            sparkTriggers: flags.trigger ?? [],
            flinkBufferTimeoutsMs: flags['buffer-timeout'] ?? [],
            flinkBatchSizes: flags['flink-batch-size'] ?? [],
            flinkBatchIntervalsMs: flags['flink-batch-interval'] ?? [],
            deliveries: flags.delivery ?? [],
            stateBackends: flags['state-backend'] ?? [],
            checkpointIntervalsMs: flags['checkpoint-interval'] ?? [],
            parallelisms,
            partitions: flags.partitions ?? [],
          },
          seed: flags.seed,
          symbols: flags.symbols,
          producers: flags.producers,
          producerPriority: flags['producer-priority'],
          durationMs: flags.duration,
          warmupMs: flags.warmup,
          resultsDir,
          drainTimeoutMs: flags['drain-timeout'],
          scheduleLagBoundUs: flags['schedule-lag-bound'] * 1000,
          repeat: flags.repeat,
          isolate: flags.isolate,
          findMaxRate: flags['find-max-rate'],
          sloP99Us: flags['slo-p99'] * 1000,
          minRateEventsPerSec: flags['min-rate'],
          maxRateEventsPerSec: flags['max-rate'],
          faults: flags.fault,
          signal,
        },
        this.progress(),
      );
      await writeFileAtomic(
        path.join(resultsDir, outcome.sweep.sweepId, 'sweep.csv'),
        sweepCsv(outcome.sweep, outcome.runs),
      );
      this.log(
        flags.format === 'csv'
          ? sweepCsv(outcome.sweep, outcome.runs)
          : renderSweep(outcome.sweep, outcome.runs, flags.format),
      );
      this.logToStderr(`Charts: ${sweepReportFile(resultsDir, outcome.sweep.sweepId)}`);
      if (outcome.sweep.interrupted) process.exitCode = EXIT.interrupted;
      else if (outcome.sweep.points.some((p) => p.status === 'failed')) process.exitCode = EXIT.job;
      else if (outcome.sweep.points.some((p) => p.status === 'incomplete'))
        process.exitCode = EXIT.incompleteRun;
      return outcome;
    });
  }
}
