import type pg from 'pg';
import { DEFAULTS, type Engine } from '../config/defaults.js';
import type { StackConfig } from '../config/stack-config.js';
import { goldTables, type GoldProducer } from '../engines/schema.js';
import { describe } from '../errors.js';
import { checkGold, goldFreshness, type GoldCheck, type GoldClosing } from '../metrics/gold-check.js';
import type { GoldEvent } from '../metrics/gold.js';
import { JOB_WATERMARK_DELAY_MS } from '../producer/event-time.js';
import type {
  EngineResult,
  GoldProducerRecord,
  GoldRecord,
  GoldTableName,
  GoldTableRecord,
  RunRecord,
} from '../results/record.js';
import { readGoldRows, readSentEvents } from './gold-read.js';
import type { RunOptions } from './options.js';
import type { Segment } from './summarize.js';

/** Window length of each gold table, µs. */
const TABLE_WINDOWS_US: Record<GoldTableName, number> = { tenMinutes: 600_000_000, hourly: 3_600_000_000 };
/** How long to wait for the streaming jobs' closed windows to land after the run drained. */
const SETTLE_TIMEOUT_MS = 30_000;

/** Words for the record: where the truth's events come from. */
export const TRUTH_SOURCE = `the run's events read back from the Kafka topic ${DEFAULTS.topic}: every event the producer sent and Kafka acknowledged, none an engine committed`;

/** What {@link checkRunGold} needs. */
export interface RunGoldOptions {
  stack: StackConfig;
  client: pg.Client;
  /** The run id the events carry. */
  eventRunId: string;
  /** Streaming engines of the run whose gold is on. */
  engines: Engine[];
  /** produced_at of the run's first event, epoch µs: where reading the topic back starts. */
  firstProducedAtUs: number;
  /** Also check Airflow's tables when they exist. */
  withAirflow: boolean;
}

/**
 * Gold, checked: reads the run's events back from Kafka (the truth's source), waits until the streaming jobs'
 * closed windows have landed (at most 30 s), and checks every producer's two tables (spark, flink; airflow
 * when its tables exist) with {@link checkGold}. Null when no producer of gold took part.
 */
export async function checkRunGold(options: RunGoldOptions): Promise<GoldRecord | null> {
  const { client, eventRunId } = options;
  const producers: GoldProducer[] = options.engines.filter(
    (engine): engine is 'spark' | 'flink' => engine === 'spark' || engine === 'flink',
  );
  if (options.withAirflow && (await tableExists(client, goldTables('airflow').tenMinutes)))
    producers.push('airflow');
  if (producers.length === 0) return null;
  const events = await readSentEvents(options.stack, eventRunId, options.firstProducedAtUs);
  const record: GoldRecord = { truthSource: TRUTH_SOURCE, truthEvents: events.length, producers: {} };
  const deadline = Date.now() + SETTLE_TIMEOUT_MS;
  for (const producer of producers) {
    try {
      record.producers[producer] = await checkProducer(client, producer, eventRunId, events, deadline);
    } catch (error) {
      const nothing = tableRecord(
        checkGold({ events: [], rows: [], windowUs: 1, watermarkDelayUs: 0, closing: { kind: 'watermark' } }),
      );
      record.producers[producer] = {
        ...semantics(producer),
        tables: { tenMinutes: nothing, hourly: nothing },
        problems: [`could not check its gold: ${describe(error)}`],
      };
    }
  }
  return record;
}

/** How a producer's windows close: Spark and Flink by their 10 s watermark, Airflow by its schedule. */
function semantics(producer: GoldProducer): Pick<GoldProducerRecord, 'closing' | 'watermarkDelayMs'> {
  return producer === 'airflow'
    ? { closing: 'schedule', watermarkDelayMs: null }
    : { closing: 'watermark', watermarkDelayMs: JOB_WATERMARK_DELAY_MS };
}

function tableRecord(check: GoldCheck): GoldTableRecord {
  const { freshnessUs, ...rest } = check;
  return { ...rest, freshness: goldFreshness({ ...check, freshnessUs }) };
}

async function checkProducer(
  client: pg.Client,
  producer: GoldProducer,
  runId: string,
  events: GoldEvent[],
  settleDeadlineMs: number,
): Promise<GoldProducerRecord> {
  const tables = goldTables(producer);
  const names: Record<GoldTableName, string> = { tenMinutes: tables.tenMinutes, hourly: tables.hourly };
  const problems: string[] = [];
  const check = async (name: GoldTableName): Promise<GoldCheck> => {
    const rows = await readGoldRows(client, names[name], runId);
    const closing: GoldClosing =
      producer === 'airflow'
        ? {
            kind: 'schedule',
            closedBeforeUs: Math.max(-Infinity, ...rows.map((r) => r.windowStartUs + TABLE_WINDOWS_US[name])),
          }
        : { kind: 'watermark' };
    return checkGold({
      events,
      rows,
      windowUs: TABLE_WINDOWS_US[name],
      watermarkDelayUs: JOB_WATERMARK_DELAY_MS * 1000,
      closing,
    });
  };
  let checks = { tenMinutes: await check('tenMinutes'), hourly: await check('hourly') };
  // A streaming job writes a window once its watermark passed it: give the last closed windows time to land.
  while (
    producer !== 'airflow' &&
    Date.now() < settleDeadlineMs &&
    (checks.tenMinutes.missingWindows > 0 || checks.hourly.missingWindows > 0)
  ) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    checks = { tenMinutes: await check('tenMinutes'), hourly: await check('hourly') };
  }
  if (producer === 'airflow' && checks.tenMinutes.closedWindows === 0) {
    problems.push('Airflow has written no gold row of this run yet: no window of it was judged');
  }
  return {
    ...semantics(producer),
    tables: { tenMinutes: tableRecord(checks.tenMinutes), hourly: tableRecord(checks.hourly) },
    problems,
  };
}

async function tableExists(client: pg.Client, table: string): Promise<boolean> {
  const result = await client.query<{ t: string | null }>('SELECT to_regclass($1)::text AS t', [table]);
  return result.rows[0]?.t != null;
}

/** Gold of every segment of a run (one, or one per engine under `--isolate`), merged; null when none took part. */
export async function checkSegmentsGold(
  stack: StackConfig,
  client: pg.Client,
  segments: readonly { engines: Engine[]; eventRunId: string; firstProducedAtUs: number }[],
): Promise<GoldRecord | null> {
  const checked: GoldRecord[] = [];
  for (const [index, segment] of segments.entries()) {
    const gold = await checkRunGold({ stack, client, ...segment, withAirflow: index === 0 });
    if (gold) checked.push(gold);
  }
  const [first, ...rest] = checked;
  if (!first) return null;
  return {
    ...first,
    producers: Object.assign({}, first.producers, ...rest.map((g) => g.producers)) as GoldRecord['producers'],
  };
}

const TABLE_LABELS: Record<GoldTableName, string> = { tenMinutes: '10-minute', hourly: 'hourly' };

/**
 * Why each producer's gold makes the run incomplete: wrong, missing or extra closed windows, one sentence per
 * table, naming the first wrong window and field. Empty for a producer whose gold is right.
 */
export function goldIncompleteReasons(gold: GoldRecord): Partial<Record<GoldProducer, string[]>> {
  const reasons: Partial<Record<GoldProducer, string[]>> = {};
  for (const [producer, result] of Object.entries(gold.producers) as [GoldProducer, GoldProducerRecord][]) {
    const list: string[] = [];
    for (const name of ['tenMinutes', 'hourly'] as const) {
      const t = result.tables[name];
      if (t.wrongWindows + t.missingWindows + t.extraWindows === 0) continue;
      const first = t.wrong[0];
      const detail = first
        ? ` (first: ${first.symbol} ${new Date(first.windowStartUs / 1000).toISOString()} ${first.field} expected ${String(first.expected)}, got ${String(first.actual)})`
        : '';
      list.push(
        `${producer} gold ${TABLE_LABELS[name]} windows: ${t.wrongWindows} wrong, ${t.missingWindows} missing, ${t.extraWindows} extra of ${t.closedWindows} closed${detail}`,
      );
    }
    if (list.length > 0) reasons[producer] = list;
  }
  return reasons;
}

/**
 * Gold, checked, when the jobs computed it: each wrong, missing or extra gold window goes to its engine's
 * `incompleteReasons` (Airflow's, having no engine result, to the run's reasons).
 */
export async function goldOfRun(
  client: pg.Client,
  record: RunRecord,
  segments: Segment[],
  options: RunOptions,
  engines: Partial<Record<Engine, EngineResult>>,
): Promise<{ record: RunRecord['gold']; airflowReasons: string[] }> {
  if (record.config.jobs?.gold === false) return { record: null, airflowReasons: [] };
  try {
    const gold = await checkSegmentsGold(
      options.stack,
      client,
      segments.map((s) => ({
        engines: s.engines,
        eventRunId: s.eventRunId,
        firstProducedAtUs: s.report.firstProducedAtUs,
      })),
    );
    if (!gold) return { record: null, airflowReasons: [] };
    const reasons = goldIncompleteReasons(gold);
    for (const engine of ['spark', 'flink'] as const) {
      const result = engines[engine];
      if (!result || !reasons[engine]) continue;
      result.incompleteReasons = [...(result.incompleteReasons ?? []), ...reasons[engine]];
    }
    return { record: gold, airflowReasons: reasons.airflow ?? [] };
  } catch (error) {
    for (const result of Object.values(engines)) result.problems.push(`gold not checked: ${describe(error)}`);
    return { record: null, airflowReasons: [] };
  }
}
