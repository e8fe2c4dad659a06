import type { Engine } from '../config/defaults.js';
import { belowFloor, change, overheadOverFloor, ratio } from '../metrics/compare.js';
import { summarizeFigureRepeats, type RepeatSummary } from '../metrics/repeats.js';
import { ENGINE_METRICS, engineFigures, type MetricDefinition, type MetricUnit } from '../results/figures.js';
import type { EngineResult, RunRecord } from '../results/record.js';
import { formatBytes, renderMarkdownTable, renderTable } from './table.js';
import { describeStats } from './source-stats.js';
import { survivorshipNote } from '../metrics/incomplete.js';
import { faultLines, RECOVERY_HEAD, recoveryRows } from './recovery.js';
import { CLOCK_MARK, clockEngineNotes, describeClock } from './clock.js';

/** Text formats of a table. */
export type TableFormat = 'table' | 'markdown';

/** The figures a run summary shows (compare --all shows every one). */
export const HEADLINE_METRICS = [
  'latency_e2e_p50_us',
  'latency_e2e_p90_us',
  'latency_e2e_p99_us',
  'latency_e2e_p999_us',
  'latency_e2e_max_us',
  'latency_e2e_mean_us',
  'latency_kafka_p50_us',
  'latency_kafka_p99_us',
  'latency_engine_p50_us',
  'latency_engine_p99_us',
  'latency_sink_p50_us',
  'latency_sink_p99_us',
  'throughput_events_per_sec',
  'freshness_mean_us',
  'freshness_p95_us',
  'produced_rows',
  'committed_distinct_rows',
  'missing_rows',
  'duplicate_deliveries_rows',
  'dead_lettered_rows',
  'cpu_seconds',
  'mean_cores',
  'peak_rss_bytes',
  'cpu_seconds_per_million_events',
];

/** Formats a value for people, by unit: µs as ms, bytes as MiB, rates per second. */
export function formatValue(value: number | null | undefined, unit: MetricUnit): string {
  if (value === null || value === undefined) return '-';
  switch (unit) {
    case 'us':
      return Math.abs(value) < 1000 ? `${(value / 1000).toFixed(2)} ms` : `${(value / 1000).toFixed(1)} ms`;
    case 'bytes':
      return formatBytes(value);
    case 'events_per_sec':
      return `${value.toFixed(0)}/s`;
    case 'ratio':
      return `${(value * 100).toFixed(2)}%`;
    case 'cores':
    case 'cpu_seconds':
    case 'cpu_seconds_per_million_events':
      return value.toFixed(2);
    default:
      return String(Math.round(value));
  }
}

function formatRatio(value: number | null): string {
  return value === null ? '-' : `${value.toFixed(value >= 10 ? 1 : 2)}x`;
}

function formatRepeat(summary: RepeatSummary | undefined, unit: MetricUnit): string {
  if (!summary || summary.median === null) return '-';
  const median = formatValue(summary.median, unit);
  if (summary.ciLow === null || summary.ciHigh === null) return median;
  return `${median} [${formatValue(summary.ciLow, unit)} – ${formatValue(summary.ciHigh, unit)}]`;
}

/** Pairs of engines to show ratios for: each engine over every later one ("spark / flink"). */
function ratioPairs(engines: Engine[]): [Engine, Engine][] {
  return engines.flatMap((a, i) => engines.slice(i + 1).map((b): [Engine, Engine] => [a, b]));
}

/**
 * One table for one or more repeats of the same configuration: a row per figure, a column per engine
 * (the median and its interval across repeats when there are several) and a ratio column per engine pair.
 */
export function renderEngineTable(
  runs: RunRecord[],
  metricNames: string[] = HEADLINE_METRICS,
  format: TableFormat = 'table',
): string {
  const { head, rows, notes } = engineTable(runs, metricNames);
  const table = format === 'markdown' ? renderMarkdownTable(head, rows) : renderTable(head, rows);
  return [table, ...notes].join('\n');
}

/** Mark of a latency figure computed only over the rows that arrived (survivorship), explained under the table. */
export const SURVIVORSHIP_MARK = '*';

/**
 * Engines that are incomplete in any of these runs, each with the note shown under a table: why, and what its
 * latency figures cover (e.g. "over 12,159 of 30,000 events").
 */
export function incompleteEngineNotes(runs: RunRecord[]): Map<Engine, string> {
  const notes = new Map<Engine, string>();
  for (const engine of runs[0]?.config.engines ?? []) {
    const hit = runs.filter((run) => (run.engines[engine]?.incompleteReasons?.length ?? 0) > 0);
    if (hit.length === 0) continue;
    const parts = hit.map((run) => {
      const result = run.engines[engine] as EngineResult;
      const over = survivorshipNote(result.completeness, result.incompleteReasons);
      const where = runs.length > 1 ? `in ${run.runId}: ` : '';
      return `${where}${(result.incompleteReasons ?? []).join('; ')}${over ? `; latency ${over}` : ''}`;
    });
    notes.set(
      engine,
      `${SURVIVORSHIP_MARK} ${engine} INCOMPLETE — ${parts.join(' | ')}. Its latency figures are computed over the rows that arrived only, not as a normal result.`,
    );
  }
  return notes;
}

/** The engine table as a header, rows and notes under it (see {@link renderEngineTable}). */
export function engineTable(
  runs: RunRecord[],
  metricNames: string[],
): { head: string[]; rows: string[][]; notes: string[] } {
  const engines = runs[0]?.config.engines ?? [];
  const perEngine = new Map<Engine, Record<string, RepeatSummary>>();
  for (const engine of engines) {
    const figures = runs
      .map((run) => run.engines[engine])
      .filter((e): e is EngineResult => Boolean(e))
      .map(engineFigures);
    perEngine.set(engine, summarizeFigureRepeats(figures));
  }
  const metrics = metricNames
    .map((name) => ENGINE_METRICS.find((m) => m.name === name))
    .filter((m): m is MetricDefinition<EngineResult> => Boolean(m));
  const pairs = ratioPairs(engines);
  const incomplete = incompleteEngineNotes(runs);
  const clockNotes = clockEngineNotes(runs);
  const mark = (engine: Engine) =>
    (incomplete.has(engine) ? ` ${SURVIVORSHIP_MARK}` : '') +
    (clockNotes.has(engine) ? ` ${CLOCK_MARK}` : '');
  const head = [
    'figure',
    ...engines.map((engine) => (incomplete.has(engine) ? `${engine} (incomplete)` : engine)),
    ...pairs.map(([a, b]) => `${a} / ${b}`),
  ];
  const overheadRows = floorRows(engines, perEngine, metricNames).map((row) => [
    ...row,
    ...pairs.map(() => ''),
  ]);
  const rows = metrics.map((metric) => [
    metric.label,
    ...engines.map(
      (engine) =>
        formatRepeat(perEngine.get(engine)?.[metric.name], metric.unit) +
        (metric.name.startsWith('latency_') ? mark(engine) : ''),
    ),
    ...pairs.map(([a, b]) =>
      formatRatio(
        ratio(
          perEngine.get(a)?.[metric.name]?.median ?? null,
          perEngine.get(b)?.[metric.name]?.median ?? null,
        ),
      ),
    ),
  ]);
  return { head, rows: [...rows, ...overheadRows], notes: [...incomplete.values(), ...clockNotes.values()] };
}

/**
 * What a repeat series' medians leave out: "1 of 3 runs incomplete, not in the medians: RUN (flink lost events
 * …)"; null when every run is complete.
 */
export function seriesNote(runs: RunRecord[]): string | null {
  if (runs.length < 2) return null;
  const bad = runs.filter((run) => run.status !== 'complete');
  if (bad.length === 0) return null;
  const complete = runs.length - bad.length;
  const which = bad.map((run) => `${run.runId} ${run.status}: ${run.statusReasons.join('; ')}`).join(' | ');
  return complete > 0
    ? `${bad.length} of ${runs.length} runs not complete, left out of the medians: ${which}`
    : `No run of the ${runs.length} is complete: the medians below cover incomplete runs (${which})`;
}

/** The engine that is the floor: what Kafka + PostgreSQL alone cost (docs/floor.md). */
export const FLOOR_ENGINE: Engine = 'baseline';

/** The latency figures checked against the floor. */
const FLOOR_FIGURES = ['latency_e2e_p50_us', 'latency_e2e_p99_us'];

/**
 * Rows "end-to-end p50 over floor" (and p99): each engine's median minus the floor engine's, marked when
 * it is below the floor. Only when the floor and another engine ran and the figure is among those shown.
 */
function floorRows(
  engines: Engine[],
  perEngine: Map<Engine, Record<string, RepeatSummary>>,
  metricNames: string[],
): string[][] {
  if (!engines.includes(FLOOR_ENGINE) || engines.length < 2) return [];
  const median = (engine: Engine, name: string) => perEngine.get(engine)?.[name]?.median ?? null;
  return FLOOR_FIGURES.filter((name) => metricNames.includes(name)).map((name) => {
    const label = ENGINE_METRICS.find((m) => m.name === name)?.label ?? name;
    return [
      `${label} over floor`,
      ...engines.map((engine) => {
        if (engine === FLOOR_ENGINE) return 'floor';
        const overhead = overheadOverFloor(median(engine, name), median(FLOOR_ENGINE, name));
        if (overhead === null) return '-';
        const shown = `${overhead > 0 ? '+' : ''}${formatValue(overhead, 'us')}`;
        return overhead < 0 ? `${shown} (below the floor)` : shown;
      }),
    ];
  });
}

/**
 * One line per engine latency below the floor engine's in this run: the floor was not the floor, which
 * the run must say rather than report a negative engine overhead silently.
 */
export function floorNotes(run: RunRecord): string[] {
  const figures = Object.fromEntries(
    Object.entries(run.engines)
      .filter((entry): entry is [string, EngineResult] => Boolean(entry[1]))
      .map(([engine, result]) => [engine, engineFigures(result)]),
  );
  return belowFloor(figures, FLOOR_ENGINE, FLOOR_FIGURES).map((below) => {
    const label = ENGINE_METRICS.find((m) => m.name === below.figure)?.label ?? below.figure;
    return (
      `floor: ${below.engine}'s ${label} (${formatValue(below.engineValue, 'us')}) is below the ${FLOOR_ENGINE}'s ` +
      `(${formatValue(below.floorValue, 'us')}): the ${FLOOR_ENGINE} was not the floor in this run (docs/floor.md)`
    );
  });
}

/** The heading lines of a run: id, source, load, status and why. */
export function renderRunHeading(run: RunRecord): string {
  const c = run.config;
  const load = c.rateEventsPerSec === null ? c.source : `${c.source} at ${c.rateEventsPerSec} events/s`;
  const mode = c.isolate ? 'isolated' : 'in parallel';
  const lines = [
    `Run ${run.runId}: ${load} for ${c.durationMs / 1000}s, engines ${mode}, warm-up ${c.warmupMs / 1000}s — ${run.status.toUpperCase()}`,
  ];
  for (const reason of run.statusReasons) lines.push(`  ! ${reason}`);
  const steady = describeSteadyState(run);
  if (steady) lines.push(`  ${steady}`);
  const clock = describeClock(run.clock);
  if (clock) lines.push(`  ${clock}`);
  for (const problem of run.clock?.problems ?? []) lines.push(`  clock: ${problem}`);
  const p = run.producer;
  if (p) {
    lines.push(
      `  producer: sent ${p.sentEvents}, failed ${p.failedEvents}, achieved ${formatValue(p.achievedRateEventsPerSec, 'events_per_sec')}, schedule lag p99 ${formatValue(p.scheduleLag.p99Us, 'us')}` +
        (p.sourceDelay ? `, source delay p50 ${formatValue(p.sourceDelay.p50Us, 'us')}` : '') +
        (run.config.producerPriority === 'high' ? ' (producer priority high)' : ''),
    );
    for (const why of p.priorityNotGiven ?? []) lines.push(`  producer priority not given: ${why}`);
    const sourceProblems = p.sourceStats ? describeStats(p.sourceStats) : [];
    if (sourceProblems.length > 0) lines.push(`  source: ${sourceProblems.join(', ')}`);
  }
  for (const [engine, result] of Object.entries(run.engines)) {
    for (const problem of result?.problems ?? []) lines.push(`  ${engine}: ${problem}`);
  }
  lines.push(...faultLines(run));
  for (const note of floorNotes(run)) lines.push(`  ${note}`);
  return lines.join('\n');
}

/**
 * Where the steady state began and why, in one line: "steady state from 15 s: MSER-5 per engine (spark 15 s,
 * flink 5 s, baseline 0 s), the latest for all"; undefined for a record without it (older files, unfinished runs).
 */
export function describeSteadyState(run: RunRecord): string | undefined {
  const steady = run.steadyState;
  if (!steady) return undefined;
  const perEngine = Object.entries(steady.engines)
    .map(
      ([engine, e]) => `${engine} ${e?.found ? `${(e.detectedStartOffsetMs / 1000).toFixed(0)} s` : 'none'}`,
    )
    .join(', ');
  const from = `steady state from ${(steady.steadyStateStartOffsetMs / 1000).toFixed(0)} s`;
  if (steady.chosenBy === 'warmup-flag') return `${from}: set by --warmup (MSER-5 per engine: ${perEngine})`;
  return `${from}: MSER-5 per engine (${perEngine}), the latest for all`;
}

/**
 * Change between runs, one table per engine: a row per figure, a column per run (status shown when not
 * complete, never silently mixed in) and the change of the last run against the first, absolute and in %.
 */
export function renderChangeTables(runs: RunRecord[], metricNames: string[], format: TableFormat): string {
  const engines = [...new Set(runs.flatMap((run) => run.config.engines))];
  const metrics = metricNames
    .map((name) => ENGINE_METRICS.find((m) => m.name === name))
    .filter((m): m is MetricDefinition<EngineResult> => Boolean(m));
  const runLabel = (run: RunRecord) =>
    run.status === 'complete' ? run.runId : `${run.runId} (${run.status})`;
  const tables = engines.map((engine) => {
    const head = ['figure', ...runs.map(runLabel), 'change'];
    const rows = metrics.map((metric) => {
      const values = runs.map((run) => {
        const result = run.engines[engine];
        return result ? metric.read(result) : null;
      });
      const delta = change(values[0] ?? null, values[values.length - 1] ?? null);
      const changeCell =
        delta.absolute === null
          ? '-'
          : `${delta.absolute >= 0 ? '+' : ''}${formatValue(delta.absolute, metric.unit)}` +
            (delta.percent === null ? '' : ` (${delta.percent >= 0 ? '+' : ''}${delta.percent.toFixed(1)}%)`);
      return [metric.label, ...values.map((v) => formatValue(v, metric.unit)), changeCell];
    });
    const table = format === 'markdown' ? renderMarkdownTable(head, rows) : renderTable(head, rows);
    const notes = runs.flatMap((run) =>
      [
        incompleteEngineNotes([run]).get(engine)?.replace(' — ', ` in ${run.runId} — `),
        clockEngineNotes([run]).get(engine)?.replace(`${engine}:`, `${engine} in ${run.runId}:`),
      ].filter((note): note is string => note !== undefined),
    );
    return [`${format === 'markdown' ? '### ' : ''}${engine}`, table, ...notes].join('\n');
  });
  return tables.join('\n\n');
}

/** The recovery table of runs with faults (median over the runs per fault and engine); empty string when none. */
export function renderRecoveryTable(runs: RunRecord[], format: TableFormat = 'table'): string {
  const rows = recoveryRows(runs);
  if (rows.length === 0) return '';
  const table =
    format === 'markdown' ? renderMarkdownTable(RECOVERY_HEAD, rows) : renderTable(RECOVERY_HEAD, rows);
  return `Recovery per fault (downtime: fault to the first commit of an event produced after it; recovery: until p99 is within 2x its pre-fault level and the backlog is drained)\n${table}`;
}
