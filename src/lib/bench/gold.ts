import type pg from 'pg';
import { DEFAULTS, type Engine } from '../config/defaults.js';
import type { StackConfig } from '../config/stack-config.js';
import { goldTables, type GoldProducer } from '../engines/schema.js';
import { describe } from '../errors.js';
import {
  checkGold,
  goldFreshness,
  type GoldCheck,
  type GoldClosing,
  type WrittenGoldRow,
} from '../metrics/gold-check.js';
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
import { airflowSourceEngine, buildAirflowGold, type AirflowGoldCheck } from './gold-airflow.js';
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
  /** Streaming engines of the run whose gold is on (none when gold was off). */
  engines: Engine[];
  /** produced_at of the run's first event, epoch µs: where reading the topic back starts. */
  firstProducedAtUs: number;
  /**
   * Airflow's part, asked once the streaming producers are checked (so its DAG run never overlaps their
   * settling); absent: Airflow is not checked.
   */
  airflow?: () => Promise<AirflowGoldCheck>;
  /** Wait (at most 30 s) for the streaming jobs' last closed windows to land: true right after a run. */
  settle: boolean;
}

/**
 * Gold, checked: reads the run's events back from Kafka (the truth's source), waits until the streaming jobs'
 * closed windows have landed (at most 30 s, when `settle`), and checks every producer's two tables (spark,
 * flink; then airflow when asked) with {@link checkGold}. Null when no producer of gold took part.
 */
export async function checkRunGold(options: RunGoldOptions): Promise<GoldRecord | null> {
  const { client, eventRunId } = options;
  const streaming = options.engines.filter(
    (engine): engine is 'spark' | 'flink' => engine === 'spark' || engine === 'flink',
  );
  if (streaming.length === 0 && !options.airflow) return null;
  const events = await readSentEvents(options.stack, eventRunId, options.firstProducedAtUs);
  const record: GoldRecord = { truthSource: TRUTH_SOURCE, truthEvents: events.length, producers: {} };
  const deadline = options.settle ? Date.now() + SETTLE_TIMEOUT_MS : 0;
  const checkOne = async (producer: GoldProducer, airflow?: AirflowGoldCheck) => {
    try {
      record.producers[producer] = await checkProducer(
        client,
        producer,
        eventRunId,
        events,
        deadline,
        airflow,
      );
    } catch (error) {
      record.producers[producer] = uncheckedProducer(
        producer,
        `could not check its gold: ${describe(error)}`,
      );
    }
  };
  for (const producer of streaming) await checkOne(producer);
  if (options.airflow) {
    const airflow = await options.airflow();
    if (airflow.failure) record.producers.airflow = uncheckedProducer('airflow', airflow.failure);
    else await checkOne('airflow', airflow);
  }
  return record;
}

/** A producer whose gold could not be checked: nothing judged, the reason as its problem. */
function uncheckedProducer(producer: GoldProducer, problem: string): GoldProducerRecord {
  const nothing = tableRecord(
    checkGold({ events: [], rows: [], windowUs: 1, watermarkDelayUs: 0, closing: { kind: 'watermark' } }),
  );
  return { ...semantics(producer), tables: { tenMinutes: nothing, hourly: nothing }, problems: [problem] };
}

/** How a producer's windows close: Spark and Flink by their 10 s watermark, Airflow by its schedule. */
function semantics(producer: GoldProducer): Pick<GoldProducerRecord, 'closing' | 'watermarkDelayMs'> {
  return producer === 'airflow'
    ? { closing: 'schedule', watermarkDelayMs: null }
    : { closing: 'watermark', watermarkDelayMs: JOB_WATERMARK_DELAY_MS };
}

function tableRecord(check: GoldCheck): GoldTableRecord {
  const { freshnessUs, ...rest } = check;
  return { ...rest, freshness: goldFreshness({ freshnessUs }) };
}

/**
 * Airflow's windows: with a DAG run asked for the finished run, every window, each due from the trigger; else
 * the windows up to the latest one it wrote (its schedule's progress), each due at its end.
 */
function airflowClosing(airflow: AirflowGoldCheck | undefined, rows: WrittenGoldRow[], windowUs: number) {
  const closing: GoldClosing = airflow?.run
    ? { kind: 'schedule', closedBeforeUs: Infinity, dueAtUs: airflow.run.triggeredAtUs }
    : {
        kind: 'schedule',
        closedBeforeUs: Math.max(-Infinity, ...rows.map((r) => r.windowStartUs + windowUs)),
      };
  return closing;
}

async function checkProducer(
  client: pg.Client,
  producer: GoldProducer,
  runId: string,
  events: GoldEvent[],
  settleDeadlineMs: number,
  airflow?: AirflowGoldCheck,
): Promise<GoldProducerRecord> {
  const tables = goldTables(producer);
  const names: Record<GoldTableName, string> = { tenMinutes: tables.tenMinutes, hourly: tables.hourly };
  const check = async (name: GoldTableName): Promise<GoldCheck> => {
    const rows = await readGoldRows(client, names[name], runId);
    const windowUs = TABLE_WINDOWS_US[name];
    return checkGold({
      events,
      rows,
      windowUs,
      watermarkDelayUs: JOB_WATERMARK_DELAY_MS * 1000,
      closing: producer === 'airflow' ? airflowClosing(airflow, rows, windowUs) : { kind: 'watermark' },
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
  const record: GoldProducerRecord = {
    ...semantics(producer),
    tables: { tenMinutes: tableRecord(checks.tenMinutes), hourly: tableRecord(checks.hourly) },
    problems: [],
    ...(airflow?.run ? { airflowRun: airflow.run } : {}),
  };
  // Listed under Airflow too; `airflowGoldReasons` makes them the run's.
  if (producer === 'airflow')
    record.problems.push(...(goldIncompleteReasons({ producers: { airflow: record } }).airflow ?? []));
  return record;
}

/** Gold of every segment of a run (one, or one per engine under `--isolate`), merged; null when none took part. */
export async function checkSegmentsGold(
  stack: StackConfig,
  client: pg.Client,
  segments: readonly Omit<RunGoldOptions, 'stack' | 'client'>[],
): Promise<GoldRecord | null> {
  const checked: GoldRecord[] = [];
  for (const segment of segments) {
    const gold = await checkRunGold({ stack, client, ...segment });
    if (gold) checked.push(gold);
  }
  const [first, ...rest] = checked;
  if (!first) return null;
  return {
    ...first,
    producers: Object.assign({}, first.producers, ...rest.map((g) => g.producers)) as GoldRecord['producers'],
  };
}

/**
 * Why Airflow's gold makes the run incomplete: wrong, missing or extra windows of a DAG run that finished (a
 * wrong table is wrong gold, whoever built it). Airflow failing to build them (unreachable, a failed DAG run) is
 * reported as Airflow's problem only and leaves the run alone: it says nothing about the gold or the engines.
 */
export function airflowGoldReasons(gold: GoldRecord | null | undefined): string[] {
  const airflow = gold?.producers.airflow;
  if (!airflow?.airflowRun) return [];
  return goldIncompleteReasons({ producers: { airflow } }).airflow ?? [];
}

const TABLE_LABELS: Record<GoldTableName, string> = { tenMinutes: '10-minute', hourly: 'hourly' };

/**
 * Why each producer's gold makes the run incomplete: wrong, missing or extra closed windows, one sentence per
 * table, naming the first wrong window and field. Empty for a producer whose gold is right.
 */
export function goldIncompleteReasons(
  gold: Pick<GoldRecord, 'producers'>,
): Partial<Record<GoldProducer, string[]>> {
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
 * Gold, checked, when the jobs computed it or `--gold-airflow` asked for Airflow's: each wrong, missing or extra
 * window of Spark or Flink goes to its engine's `incompleteReasons`. Airflow's gold (of the first segment's
 * events, built by a DAG run triggered after the engines drained) is checked against the same truth; its
 * failures never change the engines' results or the run's status, its wrong windows make the run incomplete
 * ({@link airflowGoldReasons}).
 */
export async function goldOfRun(
  client: pg.Client,
  record: RunRecord,
  segments: Segment[],
  options: RunOptions,
  engines: Partial<Record<Engine, EngineResult>>,
): Promise<RunRecord['gold']> {
  const streamingGold = record.config.jobs?.gold !== false;
  if (!streamingGold && !options.goldAirflow) return null;
  try {
    const gold = await checkSegmentsGold(
      options.stack,
      client,
      segments.map((s, index) => {
        const source = airflowSourceEngine(s.engines);
        return {
          engines: streamingGold ? s.engines : [],
          eventRunId: s.eventRunId,
          firstProducedAtUs: s.report.firstProducedAtUs,
          settle: true,
          airflow:
            options.goldAirflow && index === 0 && source
              ? () => buildAirflowGold(options.stack.stateDir, s.eventRunId, source)
              : undefined,
        };
      }),
    );
    if (!gold) return null;
    const reasons = goldIncompleteReasons(gold);
    for (const engine of ['spark', 'flink'] as const) {
      const result = engines[engine];
      if (!result || !reasons[engine]) continue;
      result.incompleteReasons = [...(result.incompleteReasons ?? []), ...reasons[engine]];
    }
    return gold;
  } catch (error) {
    for (const result of Object.values(engines)) result.problems.push(`gold not checked: ${describe(error)}`);
    return null;
  }
}
