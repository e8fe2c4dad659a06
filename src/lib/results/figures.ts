import type { ClockRecord } from '../metrics/clock-offset.js';
import type { Figures } from '../metrics/compare.js';
import type { LatencySummary } from '../metrics/summary.js';
import { formatCsv } from './csv.js';
import { GOLD_METRICS, goldProducers } from './gold-figures.js';
import { STAGES, type EngineResult, type ProducerReport, type RunRecord, type RunStatus } from './record.js';

/** Units figures are expressed in; every metric name ends with its unit. */
export type MetricUnit =
  | 'us'
  | 'rows'
  | 'events'
  | 'events_per_sec'
  | 'ratio'
  | 'cpu_seconds'
  | 'bytes'
  | 'cores'
  | 'cpu_seconds_per_million_events'
  | 'windows';

/**
 * The finest step each unit is measured in, so files carry what the measurement resolves and no float noise
 * (`8263884.799999997`): timestamps are whole microseconds, rates are counts over whole seconds (0.1 event/s is
 * finer than any window here resolves), CPU time comes in clock ticks of 10 ms.
 */
export const UNIT_RESOLUTION: Record<MetricUnit, number> = {
  us: 1,
  rows: 1,
  events: 1,
  events_per_sec: 0.1,
  ratio: 0.0001,
  cpu_seconds: 0.01,
  bytes: 1,
  cores: 0.001,
  cpu_seconds_per_million_events: 0.001,
  windows: 1,
};

/** Rounds a figure to its unit's {@link UNIT_RESOLUTION}; null stays null. */
export function roundToResolution(value: number | null, unit: MetricUnit): number | null {
  if (value === null || !Number.isFinite(value)) return value;
  const step = UNIT_RESOLUTION[unit];
  const decimals = Math.max(0, -Math.floor(Math.log10(step)));
  return Number((Math.round(value / step) * step).toFixed(decimals));
}

/** One figure that `compare` can show, put in CSV, and summarize across repeats. */
export interface MetricDefinition<T> {
  /** Stable snake_case name with the unit last, e.g. `latency_e2e_p99_us`. */
  name: string;
  /** Unit of the value. */
  unit: MetricUnit;
  /** Short human label, e.g. "end-to-end p99". */
  label: string;
  /** Reads the value; null when not measured. */
  read: (source: T) => number | null;
}

const LATENCY_FIELDS = [
  ['count', 'count', 'rows', 'rows'],
  ['negative_count', 'negativeCount', 'rows', 'negative'],
  ['p50', 'p50Us', 'us', 'p50'],
  ['p90', 'p90Us', 'us', 'p90'],
  ['p95', 'p95Us', 'us', 'p95'],
  ['p99', 'p99Us', 'us', 'p99'],
  ['p999', 'p999Us', 'us', 'p99.9'],
  ['min', 'minUs', 'us', 'min'],
  ['max', 'maxUs', 'us', 'max'],
  ['mean', 'meanUs', 'us', 'mean'],
  ['stddev', 'stddevUs', 'us', 'stddev'],
] as const satisfies readonly (readonly [string, keyof LatencySummary, MetricUnit, string])[];

/** Metrics of one latency summary, named `<prefix>_<field>_<unit>`. */
function latencyMetrics<T>(
  prefix: string,
  label: string,
  pick: (source: T) => LatencySummary | null | undefined,
): MetricDefinition<T>[] {
  return LATENCY_FIELDS.map(([field, key, unit, fieldLabel]) => ({
    name: `${prefix}_${field}_${unit}`,
    unit,
    label: `${label} ${fieldLabel}`,
    read: (source: T) => pick(source)?.[key] ?? null,
  }));
}

/** Every per-engine figure, in the order `compare` shows them. */
export const ENGINE_METRICS: readonly MetricDefinition<EngineResult>[] = [
  ...latencyMetrics<EngineResult>('latency_e2e', 'end-to-end', (e) => e.latency),
  ...STAGES.flatMap((stage) => latencyMetrics<EngineResult>(`latency_${stage}`, `${stage} stage`, (e) => e.stages[stage])),
  { name: 'committed_in_window_rows', unit: 'rows', label: 'rows committed in window', read: (e) => e.committedInWindowRows },
  { name: 'throughput_events_per_sec', unit: 'events_per_sec', label: 'throughput', read: (e) => e.throughputEventsPerSec },
  { name: 'freshness_mean_us', unit: 'us', label: 'freshness mean', read: (e) => e.freshness?.meanUs ?? null },
  { name: 'freshness_p95_us', unit: 'us', label: 'freshness p95', read: (e) => e.freshness?.p95Us ?? null },
  { name: 'freshness_max_us', unit: 'us', label: 'freshness max', read: (e) => e.freshness?.maxUs ?? null },
  { name: 'produced_rows', unit: 'rows', label: 'produced', read: (e) => e.completeness?.producedRows ?? null },
  {
    name: 'committed_distinct_rows',
    unit: 'rows',
    label: 'committed',
    read: (e) => e.completeness?.committedDistinctRows ?? null,
  },
  { name: 'missing_rows', unit: 'rows', label: 'missing', read: (e) => e.completeness?.missingRows ?? null },
  {
    name: 'duplicate_deliveries_rows',
    unit: 'rows',
    label: 'duplicate deliveries',
    read: (e) => e.duplicateDeliveries ?? e.completeness?.duplicateDeliveries ?? null,
  },
  { name: 'dead_lettered_rows', unit: 'rows', label: 'dead-lettered', read: (e) => e.completeness?.deadLetteredRows ?? null },
  {
    name: 'committed_fraction_ratio',
    unit: 'ratio',
    label: 'committed / produced',
    read: (e) => e.completeness?.committedFraction ?? null,
  },
  { name: 'cpu_seconds', unit: 'cpu_seconds', label: 'CPU time', read: (e) => e.cost?.cpuSeconds ?? null },
  { name: 'peak_rss_bytes', unit: 'bytes', label: 'peak memory', read: (e) => e.cost?.peakRssBytes ?? null },
  { name: 'mean_cores', unit: 'cores', label: 'mean cores', read: (e) => e.cost?.meanCores ?? null },
  {
    name: 'cpu_seconds_per_million_events',
    unit: 'cpu_seconds_per_million_events',
    label: 'CPU s per million events',
    read: (e) => e.cost?.cpuSecondsPerMillionEvents ?? null,
  },
];

/** Every figure of the producer (shown under the pseudo-engine `producer`). */
export const PRODUCER_METRICS: readonly MetricDefinition<ProducerReport>[] = [
  { name: 'sent_events', unit: 'events', label: 'sent', read: (p) => p.sentEvents },
  { name: 'failed_events', unit: 'events', label: 'failed', read: (p) => p.failedEvents },
  { name: 'offered_rate_events_per_sec', unit: 'events_per_sec', label: 'offered rate', read: (p) => p.offeredRateEventsPerSec },
  {
    name: 'achieved_rate_events_per_sec',
    unit: 'events_per_sec',
    label: 'achieved rate',
    read: (p) => p.achievedRateEventsPerSec,
  },
  ...latencyMetrics<ProducerReport>('schedule_lag', 'schedule lag', (p) => p.scheduleLag),
  ...latencyMetrics<ProducerReport>('source_delay', 'source delay', (p) => p.sourceDelay),
];

/**
 * The clock of a run (shown under the pseudo-engine `clock`): PostgreSQL's clock minus the producer host's at the
 * start and end, each with its uncertainty, and the offset applied to commit times (docs/measurement.md#clocks-across-hosts).
 */
export const CLOCK_METRICS: readonly MetricDefinition<ClockRecord>[] = [
  { name: 'clock_start_offset_us', unit: 'us', label: 'clock offset at start', read: (c) => c.startOffsetUs },
  { name: 'clock_start_uncertainty_us', unit: 'us', label: 'its uncertainty', read: (c) => c.startUncertaintyUs },
  { name: 'clock_end_offset_us', unit: 'us', label: 'clock offset at end', read: (c) => c.endOffsetUs },
  { name: 'clock_end_uncertainty_us', unit: 'us', label: 'its uncertainty', read: (c) => c.endUncertaintyUs },
  { name: 'clock_applied_offset_us', unit: 'us', label: 'clock offset applied', read: (c) => c.appliedOffsetUs },
  {
    name: 'clock_applied_uncertainty_us',
    unit: 'us',
    label: 'its uncertainty',
    read: (c) => c.appliedUncertaintyUs,
  },
];

/** The named figures of one engine, for `ratioFigures`, `changeFigures` and `summarizeFigureRepeats`. */
export function engineFigures(result: EngineResult): Figures {
  return Object.fromEntries(ENGINE_METRICS.map((m) => [m.name, m.read(result)]));
}

/** Header of the `compare --format csv` output: the unit is the last part of every metric name, and its own column. */
export const COMPARE_CSV_HEADER = [
  'run_id',
  'run_status',
  'engine',
  'metric',
  'unit',
  'value',
  'engine_status',
  'engine_status_reasons',
] as const;

/** One row of the `compare` CSV. */
export interface FigureCsvRow {
  /** Run the figure belongs to. */
  runId: string;
  /** Status of that run, so an interrupted or invalid run is never mixed in unnoticed. */
  runStatus: RunStatus;
  /** Engine, a producer of gold, `clock` or `producer`. */
  engine: string;
  /** Metric name, ending with its unit. */
  metric: string;
  /** Unit of `value`. */
  unit: MetricUnit;
  /** The figure; null when not measured. */
  value: number | null;
  /**
   * `incomplete` when this engine died, lost events or did not drain (its latency figures then cover only the
   * rows that arrived), `complete` otherwise; null for the producer.
   */
  engineStatus: 'complete' | 'incomplete' | null;
  /** Why the engine is incomplete, joined with "; "; empty when complete. */
  engineStatusReasons: string;
}

/**
 * One row per (run, engine, metric): every engine of the run in config order, gold per producer, the clock
 * (engine `clock`), then the producer.
 */
export function toCsvRows(run: RunRecord): FigureCsvRow[] {
  const rows: FigureCsvRow[] = [];
  const base = { runId: run.runId, runStatus: run.status };
  for (const engine of run.config.engines) {
    const result = run.engines[engine];
    if (!result) continue;
    const reasons = result.incompleteReasons ?? [];
    const engineStatus = reasons.length > 0 ? 'incomplete' : 'complete';
    const engineStatusReasons = reasons.join('; ');
    for (const m of ENGINE_METRICS) {
      rows.push({ ...base, engine, metric: m.name, unit: m.unit, value: m.read(result), engineStatus, engineStatusReasons });
    }
  }
  const none = { engineStatus: null, engineStatusReasons: '' };
  // Gold figures under the producer of gold: spark, flink, airflow.
  for (const [name, gold] of goldProducers(run)) {
    for (const m of GOLD_METRICS)
      rows.push({ ...base, engine: name, metric: m.name, unit: m.unit, value: m.read(gold), ...none });
  }
  if (run.clock) {
    const clock = run.clock;
    for (const m of CLOCK_METRICS)
      rows.push({ ...base, engine: 'clock', metric: m.name, unit: m.unit, value: m.read(clock), ...none });
  }
  if (run.producer) {
    const producer = run.producer;
    for (const m of PRODUCER_METRICS) {
      rows.push({ ...base, engine: 'producer', metric: m.name, unit: m.unit, value: m.read(producer), ...none });
    }
  }
  return rows;
}

/** The `compare --format csv` document of one or more runs. */
export function formatFiguresCsv(runs: readonly RunRecord[]): string {
  return formatCsv(
    COMPARE_CSV_HEADER,
    runs
      .flatMap(toCsvRows)
      .map((r) => [
        r.runId,
        r.runStatus,
        r.engine,
        r.metric,
        r.unit,
        roundToResolution(r.value, r.unit),
        r.engineStatus,
        r.engineStatusReasons,
      ]),
  );
}
