import type { Engine, RuntimeName } from '../config/defaults.js';
import type { JobSettings } from '../config/stack-config.js';
import type { CompletenessReport } from '../metrics/completeness.js';
import type { CostSummary } from '../metrics/cost.js';
import type { FaultRecord, RestartRecord } from './fault-record.js';
import type { FreshnessSummary } from '../metrics/freshness.js';
import type { SerializedHistogram } from '../metrics/histogram.js';
import type { LatencySummary } from '../metrics/summary.js';
import type { SourceStats } from '../producer/source.js';
import type { SteadyStateWindow } from '../metrics/window.js';
import type { GoldCheck } from '../metrics/gold-check.js';
import type { GoldProducer } from '../engines/schema.js';
import type { ClockRecord } from '../metrics/clock-offset.js';

/**
 * Layout version of `run.json`. Bump it when a field is added, removed or changes meaning, and add an upgrade
 * from the previous version in `upgrade.ts`, so that files written by older versions keep loading.
 */
export const RESULT_SCHEMA_VERSION = 1;

/** How a run ended. */
export const RUN_STATUSES = ['complete', 'interrupted', 'invalid', 'incomplete'] as const;
/**
 * `complete`: measured as asked. `interrupted`: stopped early (Ctrl-C, a crash, or still being written); the
 * figures cover what was measured. `invalid`: ran to the end but cannot be trusted (e.g. the producer fell
 * behind its schedule). `incomplete`: the load was offered but some engine died, lost events, did not drain or
 * wrote wrong gold; its figures cover only the rows that arrived (see {@link EngineResult.incompleteReasons}).
 * Precedence: interrupted > invalid > incomplete > complete. The reasons are in {@link RunRecord.statusReasons}.
 */
export type RunStatus = (typeof RUN_STATUSES)[number];

/** Where the events came from (docs/architecture.md#pipeline). */
export type RunSource = 'coinbase-rest' | 'coinbase-ws' | 'synthetic' | 'replay';

/**
 * The stages between producer and table (docs/measurement.md#stages), each a difference of two row timestamps:
 * kafka = kafka_ts − produced_at, engine = engine_ts − kafka_ts, sink = commit − engine_ts.
 */
export const STAGES = ['kafka', 'engine', 'sink'] as const;
/** One stage of {@link STAGES}. */
export type Stage = (typeof STAGES)[number];

/** The result of one `crypto-bench run`, as saved in `results/<run-id>/run.json`. */
export interface RunRecord {
  /** Layout version; see {@link RESULT_SCHEMA_VERSION}. */
  schemaVersion: typeof RESULT_SCHEMA_VERSION;
  /** Id of the run (`YYYYMMDD-HHMMSS-xxxx`, UTC), also the name of its directory and the events' `run_id`. */
  runId: string;
  /** Version of crypto-bench that wrote the record; null in files upgraded from before schema 1. */
  toolVersion: string | null;
  /** When the run started (the producer's first event), ISO-8601. */
  startedAt: string;
  /** When measuring ended, ISO-8601; null while the run is still going or when it never got there. */
  endedAt: string | null;
  /** How the run ended. */
  status: RunStatus;
  /** Why the status is not `complete`, one sentence each; empty when complete. */
  statusReasons: string[];
  /** What was asked. */
  config: RunConfigRecord;
  /** Where it ran. */
  environment: EnvironmentRecord;
  /** The steady-state window every figure covers (epoch µs); null until the run has ended. */
  window: SteadyStateWindow | null;
  /** Where the steady state began and why; absent in files written before it was detected. */
  steadyState?: SteadyStateRecord;
  /** What the producer did; null until it has reported. */
  producer: ProducerReport | null;
  /** Figures per engine that took part. */
  engines: Partial<Record<Engine, EngineResult>>;
  /** One point per second of the run, in order. */
  timeseries: TimeseriesPoint[];
  /** Every gold producer's tables checked against the truth; absent when gold was off or in older files. */
  gold?: GoldRecord | null;
  /** Faults injected with `--fault`, in time order, with each engine's recovery; absent when none was asked. */
  faults?: FaultRecord[];
  /**
   * Every restart of a service during the run (by the supervisor or a Docker restart policy), in time order;
   * absent in files from before supervision.
   */
  restarts?: RestartRecord[];
  /**
   * PostgreSQL's clock against the producer host's (docs/measurement.md#clocks-across-hosts): the offset
   * estimated at the start and end of the run with its uncertainty, µs, and the offset subtracted from every
   * commit time; absent in files from before it was measured (one host was assumed then).
   */
  clock?: ClockRecord;
}

/** Gold, checked (docs/measurement.md#gold): each producer's rows of the run against the truth of the events sent. */
export interface GoldRecord {
  /** Where the truth's events come from, in words (the run's events read back from the Kafka topic). */
  truthSource: string;
  /** Events of the run the truth is computed from. */
  truthEvents: number;
  /** Per producer of gold that took part (spark, flink, airflow when its tables exist). */
  producers: Partial<Record<GoldProducer, GoldProducerRecord>>;
}

/** One producer's gold, checked. */
export interface GoldProducerRecord {
  /**
   * How its windows close: `watermark` (a window closes once an event at or past its end + the watermark delay
   * was sent) or `schedule` (a batch run after the window's end, Airflow).
   */
  closing: 'watermark' | 'schedule';
  /** The producer's watermark delay (bounded out-of-orderness), ms; null for a batch producer. */
  watermarkDelayMs: number | null;
  /** The 10-minute table and the hourly table. */
  tables: Record<GoldTableName, GoldTableRecord>;
  /** What could not be checked, one sentence each. */
  problems: string[];
  /**
   * Airflow only, when the run asked for its gold (`run --gold-airflow`): the DAG run crypto-bench triggered
   * for the run's windows; absent otherwise and in older files.
   */
  airflowRun?: AirflowGoldRun;
}

/** The `crypto_bench_gold` DAG run a run triggered for its windows (`run --gold-airflow`). */
export interface AirflowGoldRun {
  /** Airflow's id of the DAG run. */
  dagRunId: string;
  /** The engine whose raw table the DAG read (`crypto_prices_<engine>`). */
  sourceEngine: Engine;
  /**
   * When it was triggered, epoch µs: the schedule moment Airflow's freshness counts from (every window of the
   * run had ended by then).
   */
  triggeredAtUs: number;
  /** Trigger to the end of the DAG run, ms; null when it did not finish. */
  durationMs: number | null;
  /**
   * CPU seconds all of Airflow's processes (reaped task processes included) used from the trigger to the end of
   * the DAG run: what building the run's gold cost; null when Airflow's processes could not be sampled.
   */
  cpuSeconds: number | null;
  /** Resident memory of all of Airflow's processes when the DAG run ended, bytes; null when not sampled. */
  rssBytes: number | null;
}

/** The two gold tables by window size. */
export type GoldTableName = 'tenMinutes' | 'hourly';

/** The verdict on one gold table: windows right, wrong, missing, extra; late events; freshness. */
export interface GoldTableRecord extends Omit<GoldCheck, 'freshnessUs' | 'finalBeforeCloseWindows'> {
  /**
   * Right windows whose final version was committed before the window could close (freshness 0); absent in
   * files from before it was counted, whose freshness could be negative.
   */
  finalBeforeCloseWindows?: number;
  /**
   * Per right window, max(0, commit of the row's final version (last write) − the moment the window could
   * close), µs (docs/measurement.md#gold); never negative since `finalBeforeCloseWindows` was added.
   */
  freshness: { count: number; p50Us: number | null; p95Us: number | null; maxUs: number | null; meanUs: number | null };
}

/** The settings a run was made with. */
export interface RunConfigRecord {
  /** Where events came from. */
  source: RunSource;
  /** File replayed with `--source replay`; null otherwise. */
  sourceFile: string | null;
  /** Pairs produced, e.g. BTC-USD. */
  pairs: string[];
  /** Partitions of the topic (`--partitions`); absent in files from before it (3 then). */
  partitions?: number;
  /** Symbols produced (`--symbols`: the pairs plus generated ones); null for a replay; absent in older files. */
  symbols?: number | null;
  /** Producer threads that sent the events (`--producers`); absent in files from before (one, in the CLI's thread). */
  producers?: number;
  /** Offered rate asked for, events/s; null for live sources, whose rate is the market's. */
  rateEventsPerSec: number | null;
  /** Length of the run, ms. */
  durationMs: number;
  /**
   * Warm-up excluded from the figures, ms: `--warmup` when given, else where steady-state detection began
   * the window (see {@link RunRecord.steadyState}); the asked `--warmup` (or 0) until the run has ended.
   */
  warmupMs: number;
  /** Synthetic late and out-of-order events (`--disorder`, `--late`, `--event-time-start`); absent when none. */
  eventTime?: {
    /** Largest move of an event time back from its send order, ms (0 = in order). */
    disorderMs: number;
    /** Share of events sent late; null when none. */
    lateFraction: number | null;
    /** How long after its 10-minute window closed a late event is sent, ms; null when none. */
    lateDelayMs: number | null;
    /** Event time of the first event, epoch µs; null when event time is the send time. */
    eventTimeStartUs: number | null;
  } | null;
  /** Engines measured, in the order they are shown. */
  engines: Engine[];
  /** Engines ran one at a time on the same workload (`--isolate`) rather than in parallel. */
  isolate: boolean;
  /** Runtime the stack ran on. */
  runtime: RuntimeName;
  /** Bound on the producer's schedule-lag p99 beyond which the run is invalid, µs; null when not checked. */
  scheduleLagP99BoundUs: number | null;
  /**
   * `--producer-priority`: `normal` = the producer threads at nice −10 inside the CLI's session; `high` = the
   * CLI's autogroup too, while producing. Absent in files from before it existed (as `normal`).
   */
  producerPriority?: 'high' | 'normal';
  /** Settings of the jobs (trigger, buffer timeout, batching); null in files upgraded from before schema 1. */
  jobs: JobSettings | null;
  /** Place of this run in a `--repeat N` series; null for a single run. */
  repeat: RepeatPosition | null;
}

/** Place of a run in a `--repeat` series. */
export interface RepeatPosition {
  /** Id shared by every run of the series. */
  groupId: string;
  /** 1-based index of this run. */
  index: number;
  /** Number of runs asked for. */
  count: number;
}

/** The machine and software a run was measured on, as given by the caller. */
export interface EnvironmentRecord {
  /**
   * Versions of every piece of software, by name: spark, flink, kafka, postgres, baseline (its Kafka client), and
   * the libraries the jobs ran with: flink-connector-kafka, flink-connector-jdbc, spark-sql-kafka, postgresql-jdbc.
   */
  softwareVersions: Record<string, string>;
  /** Logical CPUs of the host. */
  cpuCount: number;
  /** CPU model of the host; null when unknown. */
  cpuModel: string | null;
  /** Memory of the host, bytes; null when unknown. */
  totalMemoryBytes: number | null;
  /** Operating system: platform, release and architecture. */
  os: string;
  /** Node.js version of the CLI. */
  nodeVersion: string;
  /** Java version running the jobs; null when unknown. */
  javaVersion: string | null;
  /** Commit of crypto-bench's checkout (with `-dirty` for local changes); null outside a git checkout. */
  gitCommit: string | null;
  /** How clocks relate, e.g. "one host: every timestamp from the same system clock". */
  clockAssumption: string;
  /**
   * Airflow running next to the stack during the run (`crypto-bench airflow up`; its scheduler uses CPU even
   * when idle): its version and the DAGs whose schedule was on. Absent when Airflow was not running.
   */
  airflow?: { version: string; scheduledDags: string[] };
}

/** How the start of the steady-state window was chosen. */
export type SteadyStateRule = 'mser-5' | 'warmup-flag';

/**
 * Where the steady state began (docs/measurement.md#steady-state-window): MSER-5 over each engine's per-second p50 series, the
 * latest start across engines taken for all (so every engine is measured on the same events), unless
 * `--warmup` was given.
 */
export interface SteadyStateRecord {
  /** `mser-5`: detected; `warmup-flag`: `--warmup` overrode the detection. */
  chosenBy: SteadyStateRule;
  /** Start of the window, epoch µs (of the first segment under `--isolate`). */
  steadyStateStartUs: number;
  /** The same as time since producing began, ms: the warm-up excluded. */
  steadyStateStartOffsetMs: number;
  /** Engine whose detected start was the latest, so set the window; null under `--warmup`. */
  setBy: Engine | null;
  /** Every engine reached a steady state (always true under `--warmup`). */
  found: boolean;
  /** What MSER-5 chose for each engine (computed under `--warmup` too, for reference). */
  engines: Partial<Record<Engine, EngineSteadyState>>;
}

/** What MSER-5 chose for one engine. */
export interface EngineSteadyState {
  /** A steady state was found (MSER-5's minimum in the first half of the series). */
  found: boolean;
  /** Where this engine's steady state began, ms since producing began (the middle of the series when not found). */
  detectedStartOffsetMs: number;
  /** Seconds of per-second p50 series examined. */
  seriesSeconds: number;
  /** The MSER-5 statistic at that start, µs²; null when the series was too short. */
  mserStatisticUs2: number | null;
  /** Why, in words: the rule and what it saw. */
  reason: string;
}

/** What the producer did (open-loop, docs/measurement.md#schedule-lag). */
export interface ProducerReport {
  /** Events acknowledged by Kafka. */
  sentEvents: number;
  /** Events Kafka did not acknowledge. */
  failedEvents: number;
  /** Rate asked for, events/s; null for live sources. */
  offeredRateEventsPerSec: number | null;
  /** Rate actually sent over the window, events/s. */
  achievedRateEventsPerSec: number | null;
  /** produced_at − intended_at: how far the producer fell behind its schedule. */
  scheduleLag: LatencySummary;
  /** produced_at − event_time, for live Coinbase sources only; null otherwise. Not the engines' latency. */
  sourceDelay: LatencySummary | null;
  /** The source's counters (retries, 429s, 5xx, timeouts, malformed, reconnects); absent in early files. */
  sourceStats?: SourceStats | null;
  /**
   * The scheduling priority the producer asked for and did not get (`--producer-priority`), one sentence per
   * cause; absent when it got all of it.
   */
  priorityNotGiven?: string[];
}

/** Every figure of one engine over the steady-state window. Null = not measured (see `problems`). */
export interface EngineResult {
  /** End-to-end latency commit − produced_at, the headline figure. */
  latency: LatencySummary | null;
  /** Latency of each stage (see {@link STAGES}). */
  stages: Record<Stage, LatencySummary | null>;
  /** The histograms behind `latency` and `stages`, to merge repeats later. */
  histograms: Record<'endToEnd' | Stage, SerializedHistogram | null>;
  /** Rows whose commit time lies in the window. */
  committedInWindowRows: number | null;
  /** committedInWindowRows / window seconds. */
  throughputEventsPerSec: number | null;
  /** Staleness of the table, sampled every second. */
  freshness: FreshnessSummary | null;
  /** Produced, committed, missing, duplicate and dead-lettered rows over the whole run. */
  completeness: CompletenessReport | null;
  /** CPU and memory of the engine's processes in the window. */
  cost: CostSummary | null;
  /**
   * Writes of a row already committed, over the whole run, counted exactly by the database (each logged by the
   * raw table's redelivery trigger; the row keeps its first commit time). 0 is the goal of exactly-once;
   * absent in files from before it was counted (then `completeness.duplicateDeliveries` says why not).
   */
  duplicateDeliveries?: number;
  /** What went wrong measuring this engine (a dropped table, a crashed job), one sentence each. */
  problems: string[];
  /**
   * Why this engine makes the run `incomplete` (died, lost events, did not drain, wrong gold), one sentence each;
   * absent or empty = it committed everything. Its latency figures then cover only the rows that arrived.
   */
  incompleteReasons?: string[];
}

/** One second of a run. */
export interface TimeseriesPoint {
  /** Seconds since the run started (0-based). */
  secondIndex: number;
  /** Start of the second, epoch µs. */
  startUs: number;
  /** Events the producer sent in that second, events/s; null when unknown. */
  offeredRateEventsPerSec: number | null;
  /** Per engine, what it did in that second. */
  engines: Partial<Record<Engine, EngineSecond>>;
}

/** One engine in one second. Null = no row committed in that second / not sampled. */
export interface EngineSecond {
  /** Rows committed in that second, events/s. */
  committedRateEventsPerSec: number | null;
  /** Median end-to-end latency of the rows committed in that second, µs. */
  p50Us: number | null;
  /** 99th percentile of the same, µs. */
  p99Us: number | null;
  /** Freshness sampled in that second, µs. */
  freshnessUs: number | null;
  /**
   * Events in flight at the end of that second: rows produced by then minus rows committed by then (of the
   * rows that were committed by the end of the drain); absent in older files.
   */
  backlogEvents?: number;
}

/** An engine result with nothing measured yet. */
export function emptyEngineResult(): EngineResult {
  return {
    latency: null,
    stages: { kafka: null, engine: null, sink: null },
    histograms: { endToEnd: null, kafka: null, engine: null, sink: null },
    committedInWindowRows: null,
    throughputEventsPerSec: null,
    freshness: null,
    completeness: null,
    cost: null,
    problems: [],
  };
}

/** Reason a record carries while its run is still going; stays if the run never finishes. */
export const UNFINISHED_REASON = 'the run did not finish: figures cover what was measured before it stopped';

/**
 * The record of a run that has just started: status `interrupted` with {@link UNFINISHED_REASON} until the
 * run writes its final record, so a crash leaves an honest file behind.
 */
export function startRunRecord(init: {
  runId: string;
  toolVersion: string;
  startedAt: string;
  config: RunConfigRecord;
  environment: EnvironmentRecord;
}): RunRecord {
  return {
    schemaVersion: RESULT_SCHEMA_VERSION,
    runId: init.runId,
    toolVersion: init.toolVersion,
    startedAt: init.startedAt,
    endedAt: null,
    status: 'interrupted',
    statusReasons: [UNFINISHED_REASON],
    config: init.config,
    environment: init.environment,
    window: null,
    producer: null,
    engines: Object.fromEntries(init.config.engines.map((engine) => [engine, emptyEngineResult()])),
    timeseries: [],
  };
}
