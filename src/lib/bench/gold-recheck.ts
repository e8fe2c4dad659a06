import type pg from 'pg';
import type { Engine } from '../config/defaults.js';
import { connect } from '../engines/postgres.js';
import { goldTables } from '../engines/schema.js';
import { ConfigError, UsageError } from '../errors.js';
import type { GoldRecord, RunRecord } from '../results/record.js';
import { loadRun } from '../results/store.js';
import { readState } from '../runtime/state.js';
import { checkSegmentsGold, goldIncompleteReasons, type RunGoldOptions } from './gold.js';
import type { AirflowGoldCheck } from './gold-airflow.js';

/** What `gold check` is asked. */
export interface GoldRecheckOptions {
  /** Directory of result folders. */
  resultsDir: string;
  /** The stack the run was made on (its Kafka topic holds the run's events). */
  stateDir: string;
  /** The run to check again. */
  runId: string;
}

/** A past run's gold checked again, as the tables are now. */
export interface GoldRecheck {
  /** The run checked. */
  runId: string;
  /** When it was checked, ISO-8601. */
  checkedAt: string;
  /** Every producer's verdict, in the shape of the run record's `gold`. */
  gold: GoldRecord;
  /** Each producer's wrong, missing or extra windows (Airflow's too), one sentence per table; empty when right. */
  reasons: string[];
}

/**
 * Checks a past run's gold again: the truth from the run's events read back from the stack's Kafka topic, each
 * producer's rows as its tables hold them now (Spark and Flink when the run had gold on; Airflow when the run
 * triggered its DAG, or when it has rows of the run from its own schedule). Errors name the fix: an unknown run,
 * no stack, nothing to check, the run's events gone from the topic.
 */
export async function recheckGold(options: GoldRecheckOptions): Promise<GoldRecheck> {
  const { record } = loadRun(options.resultsDir, options.runId);
  const stack = readState(options.stateDir)?.config;
  if (!stack) {
    throw new UsageError(
      `No stack runs in ${options.stateDir}: checking gold reads the run's events back from the stack's Kafka topic and the gold tables from its PostgreSQL`,
      { suggestions: ['Start the stack the run was made on with `crypto-bench up` (same --state-dir)'] },
    );
  }
  const client = await connect(stack);
  try {
    const segments = runSegments(record);
    const airflowRunId = segments[0]?.eventRunId ?? record.runId;
    const airflow = await airflowOf(client, record, airflowRunId);
    const streaming = record.config.jobs?.gold !== false;
    if (!streaming && !airflow) {
      throw new UsageError(
        `Run ${record.runId} has no gold to check: it ran with gold off (--no-gold) and Airflow has no gold row of it`,
        { suggestions: [`Build Airflow's: \`crypto-bench airflow trigger gold --run ${airflowRunId}\``] },
      );
    }
    const gold = await checkSegmentsGold(
      stack,
      client,
      segments.map((segment, index): Omit<RunGoldOptions, 'stack' | 'client'> => ({
        ...segment,
        engines: streaming ? segment.engines : [],
        firstProducedAtUs: Date.parse(record.startedAt) * 1000,
        settle: false,
        airflow: index === 0 && airflow ? () => Promise.resolve(airflow) : undefined,
      })),
    );
    if (!gold || gold.truthEvents === 0) {
      throw new ConfigError(
        `None of run ${record.runId}'s events are left in the stack's Kafka topic: its truth cannot be computed`,
        {
          suggestions: [
            'Check gold on the stack the run was made on, before `down --volumes` or Kafka retention removes its events',
          ],
        },
      );
    }
    const reasons = Object.values(goldIncompleteReasons(gold)).flat();
    return { runId: record.runId, checkedAt: new Date().toISOString(), gold, reasons };
  } finally {
    await client.end();
  }
}

/** The run's producing phases: one, or one per engine under `--isolate` (events under `<run-id>-<engine>`). */
function runSegments(record: RunRecord): { engines: Engine[]; eventRunId: string }[] {
  const engines = record.config.engines;
  return record.config.isolate
    ? engines.map((engine) => ({ engines: [engine], eventRunId: `${record.runId}-${engine}` }))
    : [{ engines, eventRunId: record.runId }];
}

/** Airflow's part: the DAG run the run triggered, or its own rows of the run; undefined when it has none. */
async function airflowOf(
  client: pg.Client,
  record: RunRecord,
  runId: string,
): Promise<AirflowGoldCheck | undefined> {
  const triggered = record.gold?.producers.airflow?.airflowRun;
  if (triggered) return { run: triggered };
  const table = goldTables('airflow').tenMinutes;
  const exists = await client.query<{ t: string | null }>('SELECT to_regclass($1)::text AS t', [table]);
  if (exists.rows[0]?.t == null) return undefined;
  const rows = await client.query(`SELECT 1 FROM ${table} WHERE run_id = $1 LIMIT 1`, [runId]);
  return rows.rowCount ? {} : undefined;
}
