import { Args, Flags } from '@oclif/core';
import { AIRFLOW_DAGS, dagId } from '../../lib/airflow/settings.js';
import { triggerDag, type TriggerResult } from '../../lib/airflow/trigger.js';
import { BaseCommand } from '../../lib/base-command.js';
import { durationFlag, stateDirFlag } from '../../lib/config/flags.js';
import { ENGINES } from '../../lib/config/defaults.js';
import { resolveStackConfig } from '../../lib/config/stack-config.js';
import { UsageError } from '../../lib/errors.js';
import { renderTrigger } from '../../lib/render/airflow.js';

export default class AirflowTrigger extends BaseCommand {
  static override summary =
    "Run a DAG now through Airflow's REST API and wait for its scheduler to finish it";

  static override description = `A paused DAG is unpaused for the run and paused again when it ends, so no scheduled run follows unasked. Exits non-zero when the run fails, with the failed tasks' last log lines. gold: with --run, every window of that benchmark run; with --interval, the windows that closed in it. nightly: a benchmark run compared with the previous scheduled one (settings: the Airflow Variable crypto_bench_nightly, or --conf).`;

  static override examples = [
    '<%= config.bin %> airflow trigger gold --run 20261201-083000-abcd',
    '<%= config.bin %> airflow trigger gold --interval 2026-12-01T08:00:00Z,2026-12-01T09:00:00Z --source-engine flink',
    `<%= config.bin %> airflow trigger nightly --conf '{"flags":["--duration","1m"],"max_regression_pct":10}'`,
  ];

  static override args = {
    dag: Args.string({
      description: `DAG: ${Object.keys(AIRFLOW_DAGS).join(' or ')} (or its id)`,
      required: true,
    }),
  };

  static override flags = {
    'state-dir': stateDirFlag,
    run: Flags.string({ description: 'gold: only this benchmark run, every window of it' }),
    'source-engine': Flags.option({
      description: 'gold: whose raw table to read [default: baseline]',
      options: ENGINES,
    })(),
    interval: Flags.string({
      description: 'The data interval START,END (ISO-8601); gold builds the windows that closed in it',
    }),
    conf: Flags.string({
      description: "The run's conf, a JSON object (merged with --run and --source-engine)",
    }),
    wait: Flags.boolean({ description: 'Wait until the run finishes', default: true, allowNo: true }),
    timeout: durationFlag({
      description: 'How long to wait for the run',
      default: 1_800_000,
      bareUnit: 's',
      minMs: 1000,
    }),
  };

  async run(): Promise<TriggerResult> {
    const { args, flags } = await this.parse(AirflowTrigger);
    const id = dagId(args.dag);
    if (!id) {
      throw new UsageError(`Unknown DAG "${args.dag}"`, {
        suggestions: [`Choose from ${Object.keys(AIRFLOW_DAGS).join(', ')}`],
      });
    }
    const conf = {
      ...parseConf(flags.conf),
      ...(flags.run ? { run_id: flags.run } : {}),
      ...(flags['source-engine'] ? { source_engine: flags['source-engine'] } : {}),
    };
    const { stateDir } = resolveStackConfig({ 'state-dir': flags['state-dir'] });
    const result = await triggerDag({
      stateDir,
      dagId: id,
      conf,
      dataInterval: parseInterval(flags.interval),
      wait: flags.wait,
      timeoutMs: flags.timeout,
    });
    this.log(renderTrigger(result));
    return result;
  }
}

function parseConf(text: string | undefined): Record<string, unknown> {
  if (text === undefined) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`--conf is not valid JSON (${(error as Error).message})`, {
      suggestions: [`Pass an object, e.g. --conf '{"max_regression_pct": 10}'`],
    });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new UsageError('--conf must be a JSON object', {
      suggestions: [`e.g. --conf '{"max_regression_pct": 10}'`],
    });
  }
  return parsed as Record<string, unknown>;
}

function parseInterval(text: string | undefined): [string, string] | undefined {
  if (text === undefined) return undefined;
  const parts = text.split(',').map((part) => part.trim());
  const times = parts.map((part) => Date.parse(part));
  if (parts.length !== 2 || times.some(Number.isNaN) || (times[0] as number) >= (times[1] as number)) {
    throw new UsageError(`--interval ${text}: give START,END as ISO-8601 times with START before END`, {
      suggestions: ['e.g. --interval 2026-12-01T08:00:00Z,2026-12-01T09:00:00Z'],
    });
  }
  return times.map((t) => new Date(t).toISOString()) as [string, string];
}
