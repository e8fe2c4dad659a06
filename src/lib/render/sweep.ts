import type { Engine } from '../config/defaults.js';
import { summarizeFigureRepeats } from '../metrics/repeats.js';
import { formatCsv } from '../results/csv.js';
import { engineFigures, roundToResolution } from '../results/figures.js';
import type { EngineResult, RunRecord } from '../results/record.js';
import { parallelismOf } from '../config/stack-config.js';
import {
  maxRateSearches,
  type MaxRateResult,
  type MaxRateStep,
  type RunVerdict,
  type SweepRecord,
} from '../results/sweep-record.js';
import { floorNotes, formatValue, type TableFormat } from './compare.js';
import { renderMarkdownTable, renderTable } from './table.js';

/** The figures of a sweep row: name in the CSV (unit last) and how to show it. */
const COLUMNS = [
  ['latency_e2e_p50_us', 'p50', 'us'],
  ['latency_e2e_p99_us', 'p99', 'us'],
  ['throughput_events_per_sec', 'throughput', 'events_per_sec'],
  ['freshness_mean_us', 'freshness', 'us'],
  ['mean_cores', 'CPU cores', 'cores'],
] as const;

/** One row per (point, engine): the median over the point's complete runs. */
export interface SweepRow {
  /** Point index. */
  point: number;
  /** Offered rate, events/s. */
  rateEventsPerSec: number;
  /** Engine. */
  engine: Engine;
  /** The engine's setting in words. */
  setting: string;
  /** Point status. */
  status: string;
  /** Partitions of the topic; null in sweeps from before `sweep --partitions`. */
  partitions: number | null;
  /** The engine's parallelism at the point (1 in sweeps from before parallelism existed). */
  parallelism: number;
  /** Figures by CSV name; null when not measured. */
  figures: Record<string, number | null>;
}

/** The rows of a sweep table from the sweep and its runs. */
export function sweepRows(sweep: SweepRecord, runs: Record<string, RunRecord>): SweepRow[] {
  return sweep.points.flatMap((point) =>
    sweep.config.engines.map((engine) => {
      const made = point.runIds.map((id) => runs[id]).filter((run): run is RunRecord => Boolean(run));
      const complete = made.filter((run) => run.status === 'complete');
      const results = (complete.length > 0 ? complete : made)
        .map((run) => run.engines[engine])
        .filter((r): r is EngineResult => Boolean(r));
      const summary = summarizeFigureRepeats(results.map(engineFigures));
      return {
        point: point.index,
        rateEventsPerSec: point.rateEventsPerSec,
        engine,
        setting: point.labels[engine],
        status: point.status === 'complete' ? 'ok' : `${point.status}: ${point.reasons.join('; ')}`,
        partitions: point.partitions ?? null,
        parallelism: parallelismOf(point.settings, engine),
        figures: Object.fromEntries(COLUMNS.map(([name]) => [name, summary[name]?.median ?? null])),
      };
    }),
  );
}

/** The sweep as a table (or Markdown), plus the sustainable throughput of `--find-max-rate`. */
export function renderSweep(
  sweep: SweepRecord,
  runs: Record<string, RunRecord>,
  format: TableFormat = 'table',
): string {
  const render = (table: { head: string[]; rows: string[][] }) =>
    format === 'markdown' ? renderMarkdownTable(table.head, table.rows) : renderTable(table.head, table.rows);
  const parts = [`Sweep ${sweep.sweepId}${sweep.interrupted ? ' (interrupted)' : ''}`];
  const points = sweepTable(sweep, runs);
  if (points.rows.length > 0) parts.push(render(points));
  const belowFloor = sweep.points.flatMap((point) =>
    point.runIds.flatMap((id) => {
      const run = runs[id];
      return run ? floorNotes(run).map((note) => `point #${point.index + 1} (${id}): ${note}`) : [];
    }),
  );
  if (belowFloor.length > 0) parts.push(belowFloor.join('\n'));
  const maxRate = maxRateTable(sweep);
  if (maxRate) parts.push(render(maxRate), render(maxRateStepsTable(sweep)));
  const failed = sweep.points.filter((p) => p.status === 'failed');
  if (failed.length > 0)
    parts.push(
      `${failed.length} point(s) failed: ${failed.map((p) => `#${p.index + 1} (${p.reasons.join('; ')})`).join(', ')}`,
    );
  return parts.join('\n');
}

/** The sweep's points as a header and rows, the figures formatted for people. */
export function sweepTable(
  sweep: SweepRecord,
  runs: Record<string, RunRecord>,
): { head: string[]; rows: string[][] } {
  const scaled = coversScales(sweep);
  const head = [
    'rate',
    'engine',
    ...(scaled ? ['partitions', 'parallelism'] : []),
    'setting',
    ...COLUMNS.map(([, label]) => label),
    'status',
  ];
  const rows = sweepRows(sweep, runs).map((row) => [
    `${row.rateEventsPerSec}/s`,
    row.engine,
    ...(scaled ? [String(row.partitions ?? '-'), String(row.parallelism)] : []),
    row.setting,
    ...COLUMNS.map(([name, , unit]) => formatValue(row.figures[name], unit)),
    row.status,
  ]);
  return { head, rows };
}

/**
 * Whether a sweep covered several scales (partition counts or parallelisms): its tables then get a column for
 * each. Sweeps from before scale sweeps have one scale.
 */
export function coversScales(sweep: Pick<SweepRecord, 'points' | 'scaleSearches'>): boolean {
  if (sweep.scaleSearches?.length) return true;
  const scales = new Set(
    sweep.points.map((point) => `${point.partitions}|${JSON.stringify(point.settings.parallelism ?? {})}`),
  );
  return scales.size > 1;
}

/** The `--find-max-rate` result as a header and rows (one per scale and engine); undefined without it. */
export function maxRateTable(sweep: SweepRecord): { head: string[]; rows: string[][] } | undefined {
  const searches = maxRateSearches(sweep);
  if (searches.length === 0) return undefined;
  const scaled = sweep.scaleSearches !== undefined;
  const rows = searches.flatMap((search) =>
    Object.entries(search.maxRate).map(([engine, result]) => [
      ...(scaled ? [String(search.partitions), String(search.parallelism?.[engine as Engine] ?? 1)] : []),
      engine,
      sustainableLabel(result),
      result?.firstUnsustainableRateEventsPerSec
        ? `${result.firstUnsustainableRateEventsPerSec}/s`
        : 'not reached',
      result?.steps.at(-1)?.reasons.join('; ') ?? '',
    ]),
  );
  const failed = (sweep.scaleSearches ?? [])
    .filter((search) => search.error !== undefined)
    .map((search) => [String(search.partitions), '-', '-', 'not searched', '-', search.error as string]);
  return {
    head: [
      ...(scaled ? ['partitions', 'parallelism'] : []),
      'engine',
      'sustainable throughput',
      'first unsustainable',
      'last verdict',
    ],
    rows: [...rows, ...failed],
  };
}

/**
 * Every run judged by `--find-max-rate`: one row per scale, engine, rate and run, with the figures of its
 * verdict (the scale is absent for a search of one scale from before scale sweeps).
 */
export function maxRateSteps(sweep: SweepRecord): {
  engine: Engine;
  partitions: number | null;
  parallelism: number | null;
  step: MaxRateStep;
  verdict: RunVerdict | null;
}[] {
  return maxRateSearches(sweep).flatMap((search) =>
    Object.entries(search.maxRate).flatMap(([engine, result]) =>
      (result?.steps ?? []).flatMap((step) => {
        const verdicts = step.verdicts ?? [];
        const rows: (RunVerdict | null)[] = verdicts.length === 0 ? [null] : verdicts;
        return rows.map((verdict) => ({
          engine: engine as Engine,
          partitions: search.partitions ?? null,
          parallelism: search.parallelism?.[engine as Engine] ?? null,
          step,
          verdict,
        }));
      }),
    ),
  );
}

const verdictWord = (sustainable: boolean | null | undefined) =>
  sustainable === true ? 'sustainable' : sustainable === false ? 'not sustainable' : 'no verdict';

/** The `--find-max-rate` steps as a header and rows: offered, committed, backlog growth, p50/p99, verdict. */
export function maxRateStepsTable(sweep: SweepRecord): { head: string[]; rows: string[][] } {
  const scaled = sweep.scaleSearches !== undefined;
  const head = [
    ...(scaled ? ['partitions', 'parallelism'] : []),
    'engine',
    'rate',
    'run',
    'offered',
    'committed',
    'backlog growth',
    'p50',
    'p99',
    'run verdict',
    'verdict',
    'why',
  ];
  const rows = maxRateSteps(sweep).map(({ engine, partitions, parallelism, step, verdict }) => [
    ...(scaled ? [String(partitions ?? '-'), String(parallelism ?? '-')] : []),
    engine,
    `${step.rateEventsPerSec}/s`,
    verdict?.runId ?? step.runId ?? '-',
    formatValue(verdict?.offeredRateEventsPerSec, 'events_per_sec'),
    formatValue(verdict?.committedRateEventsPerSec, 'events_per_sec'),
    verdict?.backlogSlopeEventsPerSec == null
      ? '-'
      : `${verdict.backlogSlopeEventsPerSec.toFixed(0)}/s (${((verdict.backlogGrowthFraction ?? 0) * 100).toFixed(1)}%)`,
    formatValue(verdict?.p50Us, 'us'),
    formatValue(verdict?.p99Us, 'us'),
    verdictWord(verdict?.sustainable),
    verdictWord(step.sustainable),
    (verdict ? verdict.reasons : step.reasons).join('; '),
  ]);
  return { head, rows };
}

/** The `--find-max-rate` steps as CSV, units in the column names, values rounded to what is resolved. */
export function maxRateCsv(sweep: SweepRecord): string {
  const header = [
    'sweep_id',
    'engine',
    'rate_events_per_sec',
    'run_id',
    'offered_rate_events_per_sec',
    'committed_rate_events_per_sec',
    'backlog_slope_events_per_sec',
    'backlog_growth_fraction',
    'latency_e2e_p50_us',
    'latency_e2e_p99_us',
    'run_sustainable',
    'step_sustainable',
    'reasons',
    'partitions',
    'parallelism',
  ];
  const round = (value: number | null | undefined, digits = 0) =>
    value == null ? null : Number(value.toFixed(digits));
  const rows = maxRateSteps(sweep).map(({ engine, partitions, parallelism, step, verdict }) => [
    sweep.sweepId,
    engine,
    step.rateEventsPerSec,
    verdict?.runId ?? step.runId,
    round(verdict?.offeredRateEventsPerSec),
    round(verdict?.committedRateEventsPerSec),
    round(verdict?.backlogSlopeEventsPerSec, 1),
    round(verdict?.backlogGrowthFraction, 4),
    round(verdict?.p50Us),
    round(verdict?.p99Us),
    verdict ? String(verdict.sustainable) : null,
    String(step.sustainable),
    [...(verdict ? verdict.reasons : []), ...step.reasons.filter((r) => !verdict?.reasons.includes(r))].join(
      '; ',
    ),
    partitions,
    parallelism,
  ]);
  return formatCsv(header, rows);
}

/**
 * The sweep as CSV: one row per (point, engine), units in the column names; a `--find-max-rate` sweep, which
 * has no points, gives its steps ({@link maxRateCsv}).
 */
export function sweepCsv(sweep: SweepRecord, runs: Record<string, RunRecord>): string {
  if (maxRateSearches(sweep).length > 0 && sweep.points.length === 0) return maxRateCsv(sweep);
  const header = [
    'sweep_id',
    'point',
    'rate_events_per_sec',
    'engine',
    'setting',
    ...COLUMNS.map(([name]) => name),
    'status',
    'partitions',
    'parallelism',
  ];
  const rows = sweepRows(sweep, runs).map((row) => [
    sweep.sweepId,
    row.point,
    row.rateEventsPerSec,
    row.engine,
    row.setting,
    ...COLUMNS.map(([name, , unit]) => roundToResolution(row.figures[name] ?? null, unit)),
    row.status,
    row.partitions,
    row.parallelism,
  ]);
  return formatCsv(header, rows);
}

/** The sustainable rate, or the rate it was already below, or that nothing was tried. */
function sustainableLabel(result: MaxRateResult | undefined): string {
  if (result?.sustainableRateEventsPerSec != null) return `${result.sustainableRateEventsPerSec}/s`;
  if (result?.firstUnsustainableRateEventsPerSec != null)
    return `below ${result.firstUnsustainableRateEventsPerSec}/s`;
  return 'none tried';
}
