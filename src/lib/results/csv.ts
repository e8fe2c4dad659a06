import type { Engine } from '../config/defaults.js';
import type { LatencySummary } from '../metrics/summary.js';
import { STAGES, type RunRecord } from './record.js';

/** One CSV cell: numbers in full precision, null as an empty cell. */
export type CsvCell = string | number | null;

/** RFC 4180 CSV with a header line; cells with a comma, quote or line break are quoted. Ends with a newline. */
export function formatCsv(header: readonly string[], rows: readonly (readonly CsvCell[])[]): string {
  const cell = (value: CsvCell) => {
    const text = value === null ? '' : String(value);
    return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  return [header, ...rows].map((row) => row.map(cell).join(',')).join('\n') + '\n';
}

/** Stages of `latency.csv`: end-to-end and each engine stage, plus the producer's own delays. */
export type LatencyCsvStage = 'end_to_end' | (typeof STAGES)[number] | 'schedule_lag' | 'source_delay';

/** Summary fields of `latency.csv`, in column order, with their column names. */
const LATENCY_COLUMNS = [
  ['count', 'count'],
  ['negative_count', 'negativeCount'],
  ['p50_us', 'p50Us'],
  ['p90_us', 'p90Us'],
  ['p95_us', 'p95Us'],
  ['p99_us', 'p99Us'],
  ['p999_us', 'p999Us'],
  ['min_us', 'minUs'],
  ['max_us', 'maxUs'],
  ['mean_us', 'meanUs'],
  ['stddev_us', 'stddevUs'],
] as const satisfies readonly (readonly [string, keyof LatencySummary])[];

/** Header of `latency.csv`: one row per (engine, stage); `engine` is `producer` for the producer's rows. */
export const LATENCY_CSV_HEADER = ['engine', 'stage', ...LATENCY_COLUMNS.map(([column]) => column)];

/** One row of `latency.csv`. */
export interface LatencyCsvRow {
  /** An engine, or `producer`. */
  engine: Engine | 'producer';
  /** Which latency. */
  stage: LatencyCsvStage;
  /** Its summary. */
  summary: LatencySummary;
}

/** The rows of `latency.csv` for a run: every measured (engine, stage), then the producer's. */
export function latencyRows(run: RunRecord): LatencyCsvRow[] {
  const rows: LatencyCsvRow[] = [];
  for (const engine of run.config.engines) {
    const result = run.engines[engine];
    if (!result) continue;
    if (result.latency) rows.push({ engine, stage: 'end_to_end', summary: result.latency });
    for (const stage of STAGES) {
      const summary = result.stages[stage];
      if (summary) rows.push({ engine, stage, summary });
    }
  }
  if (run.producer) {
    rows.push({ engine: 'producer', stage: 'schedule_lag', summary: run.producer.scheduleLag });
    if (run.producer.sourceDelay) {
      rows.push({ engine: 'producer', stage: 'source_delay', summary: run.producer.sourceDelay });
    }
  }
  return rows;
}

/** `latency.csv` of a run. */
export function formatLatencyCsv(run: RunRecord): string {
  return formatCsv(
    LATENCY_CSV_HEADER,
    latencyRows(run).map(({ engine, stage, summary }) => [
      engine,
      stage,
      ...LATENCY_COLUMNS.map(([, field]) => summary[field]),
    ]),
  );
}

/** Per-engine columns of `timeseries.csv`, each prefixed with the engine (`spark_p99_us`). */
const ENGINE_SECOND_COLUMNS = [
  ['committed_rate_events_per_sec', 'committedRateEventsPerSec'],
  ['p50_us', 'p50Us'],
  ['p99_us', 'p99Us'],
  ['freshness_us', 'freshnessUs'],
] as const;

/** Header of `timeseries.csv` for the given engines: one row per second of the run. */
export function timeseriesCsvHeader(engines: readonly Engine[]): string[] {
  return [
    'second',
    'start_us',
    'offered_rate_events_per_sec',
    ...engines.flatMap((engine) => ENGINE_SECOND_COLUMNS.map(([column]) => `${engine}_${column}`)),
  ];
}

/** `timeseries.csv` of a run. */
export function formatTimeseriesCsv(run: RunRecord): string {
  const engines = run.config.engines;
  return formatCsv(
    timeseriesCsvHeader(engines),
    run.timeseries.map((point) => [
      point.secondIndex,
      point.startUs,
      point.offeredRateEventsPerSec,
      ...engines.flatMap((engine) => ENGINE_SECOND_COLUMNS.map(([, field]) => point.engines[engine]?.[field] ?? null)),
    ]),
  );
}
