import type { Engine } from '../config/defaults.js';
import { LatencyRecorder } from '../metrics/histogram.js';
import type { RunRecord } from '../results/record.js';
import type { SweepRecord } from '../results/sweep-record.js';
import { escapeXml, lineChart, type Series } from './chart.js';
import { engineTable, HEADLINE_METRICS, renderRunHeading } from './compare.js';
import { goldTable } from './gold.js';
import { maxRateStepsTable, maxRateTable, sweepRows, sweepTable } from './sweep.js';
import { scaleCurves, type ScaleLine } from './sweep-scale.js';
import { RECOVERY_HEAD, recoveryRows } from './recovery.js';

/**
 * The HTML report of runs and sweeps: one self-contained page (inline CSS and SVG, no script, nothing
 * fetched), with the same figures as `compare` plus the pictures a table cannot show — the latency CDF,
 * latency, throughput and freshness second by second, and a sweep's curves.
 */

/** One colour per engine, the same in every chart. */
export const ENGINE_COLORS: Record<Engine, string> = {
  spark: '#e25a1c',
  flink: '#b0307a',
  baseline: '#4a6fa5',
};
const OFFERED_COLOR = '#333333';

const CSS = `body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:980px;color:#222;padding:0 1em}
h1{font-size:1.5em}h2{font-size:1.2em;margin-top:2em;border-bottom:1px solid #ddd}
table{border-collapse:collapse;margin:1em 0;font-size:13px}td,th{border:1px solid #ddd;padding:3px 8px;text-align:right}
td:first-child,th:first-child{text-align:left}th{background:#f6f6f6}
.status{padding:.6em 1em;border-radius:4px;background:#eef7ee}.status.bad{background:#fdecea}
pre{background:#f6f6f6;padding:.8em;overflow:auto;font-size:12px}
.chart{width:100%;max-width:720px;display:block;margin:1em 0;font-size:11px}
.chart .title{font-size:13px;font-weight:600}.chart .grid{stroke:#eee}.chart .frame{fill:none;stroke:#999}
.chart .line{fill:none;stroke-width:1.6}.chart .event{stroke:#a33;stroke-dasharray:3 3}.chart .note{fill:#a33}.chart .shade{fill:#f0f0f0}`;

/** The page around sections. */
function page(title: string, sections: string[]): string {
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<title>${escapeXml(title)}</title><style>${CSS}</style></head><body>`,
    `<h1>${escapeXml(title)}</h1>`,
    ...sections,
    `<p><small>Made by crypto-bench. Latency is commit time − produced_at, one definition for every engine; see the README for every metric.</small></p>`,
    '</body></html>',
    '',
  ].join('\n');
}

function htmlTable(head: string[], rows: (string | number)[][]): string {
  const th = head.map((h) => `<th>${escapeXml(h)}</th>`).join('');
  const body = rows
    .map((row) => `<tr>${row.map((cell) => `<td>${escapeXml(String(cell))}</td>`).join('')}</tr>`)
    .join('\n');
  return `<table><thead><tr>${th}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

/** µs to ms, for axes in milliseconds. */
const toMs = (us: number | null | undefined) => (us === null || us === undefined ? null : us / 1000);
const count = (value: number) => value.toLocaleString('en-US');
const seconds = (s: number) => `${s}s`;

/** The end-to-end latency CDF of each (run, engine), on a log axis of milliseconds. */
function cdfChart(runs: RunRecord[]): string {
  const series: Series[] = runs.flatMap((run, i) =>
    run.config.engines.flatMap((engine) => {
      const histogram = run.engines[engine]?.histograms.endToEnd;
      if (!histogram) return [];
      const cdf = LatencyRecorder.deserialize(histogram).cdf(300);
      return [
        {
          name: runs.length > 1 ? `${engine} (${run.runId})` : engine,
          color: ENGINE_COLORS[engine],
          // A second and later run of the same engine is dashed.
          dashed: i > 0,
          step: true,
          points: cdf.map((p): [number, number] => [p.valueUs / 1000, p.fraction]),
        },
      ];
    }),
  );
  return lineChart({
    title: 'End-to-end latency, cumulative distribution (steady state)',
    xLabel: 'latency, ms (log scale)',
    yLabel: 'fraction of events',
    series,
    xLog: true,
    yRange: [0, 1],
  });
}

/** A per-second figure of every engine of a run over time. */
function timeChart(
  run: RunRecord,
  title: string,
  yLabel: string,
  read: (second: RunRecord['timeseries'][number], engine: Engine) => number | null,
  format: (value: number) => string,
  offered = false,
  yLog = false,
): string {
  const series: Series[] = run.config.engines.map((engine) => ({
    name: engine,
    color: ENGINE_COLORS[engine],
    points: run.timeseries.map((s): [number, number | null] => [s.secondIndex, read(s, engine)]),
  }));
  if (offered) {
    series.push({
      name: 'offered',
      color: OFFERED_COLOR,
      dashed: true,
      points: run.timeseries.map((s): [number, number | null] => [s.secondIndex, s.offeredRateEventsPerSec]),
    });
  }
  const window = windowSeconds(run);
  return lineChart({
    title,
    xLabel: 'seconds since the run started',
    yLabel: yLog ? `${yLabel} (log scale)` : yLabel,
    series,
    yLog,
    events: faultEvents(run),
    formatX: seconds,
    formatY: format,
    shade:
      window && window.from > 0
        ? { from: 0, to: window.from, label: 'warm-up (not in the figures)' }
        : undefined,
  });
}

/** Each injected fault (and each restart) as a vertical line at its second since the run started. */
function faultEvents(run: RunRecord): { x: number; label: string }[] {
  const start = run.timeseries[0]?.startUs;
  if (start === undefined) return [];
  const faults = (run.faults ?? [])
    .filter((fault) => fault.injectedAtUs !== null)
    .map((fault) => ({ x: ((fault.injectedAtUs as number) - start) / 1e6, label: fault.text }));
  const restarts = (run.restarts ?? []).map((r) => ({
    x: (r.atUs - start) / 1e6,
    label: `${r.service} restarted`,
  }));
  return [...faults, ...restarts];
}

/** The steady-state window in seconds since the run started; undefined when none was measured. */
function windowSeconds(run: RunRecord): { from: number; to: number } | undefined {
  if (!run.window) return undefined;
  const start = run.timeseries[0]?.startUs ?? run.window.startUs;
  return {
    from: Math.round((run.window.startUs - start) / 1e6),
    to: Math.round((run.window.endUs - start) / 1e6),
  };
}

/** One run: heading and status, the figures table, and its charts. */
function runSection(run: RunRecord, withCdf: boolean): string {
  const bad = run.status !== 'complete';
  const { head, rows, notes } = engineTable([run], HEADLINE_METRICS);
  const gold = goldTable(run);
  const steady = windowSeconds(run);
  const window = steady
    ? `Steady-state window: seconds ${steady.from}–${steady.to} of the run (${run.steadyState?.chosenBy === 'warmup-flag' ? 'set by --warmup' : run.steadyState ? 'detected by MSER-5' : 'fixed warm-up'}); the warm-up before it is excluded from every figure.`
    : 'No steady-state window was measured.';
  const env = run.environment;
  const versions = Object.entries(env.softwareVersions)
    .map(([name, version]) => `${name} ${version}`)
    .join(', ');
  return [
    `<h2 id="${escapeXml(run.runId)}">Run ${escapeXml(run.runId)}</h2>`,
    `<pre class="status${bad ? ' bad' : ''}">${escapeXml(renderRunHeading(run))}</pre>`,
    `<p>${escapeXml(window)} Runtime ${escapeXml(run.config.runtime)}; ${env.cpuCount} CPUs; ${escapeXml(versions)}.${
      env.airflow
        ? escapeXml(
            ` Airflow ${env.airflow.version} was running next to the stack (DAGs scheduled: ${env.airflow.scheduledDags.join(', ') || 'none'}).`,
          )
        : ''
    }</p>`,
    htmlTable(head, rows),
    gold ? htmlTable(gold.head, gold.rows) : '',
    ...notes.map((n) => `<p class="status bad">${escapeXml(n)}</p>`),
    recoveryRows([run]).length > 0
      ? `<h3>Recovery per fault</h3>${htmlTable(RECOVERY_HEAD, recoveryRows([run]))}`
      : '',
    withCdf ? cdfChart([run]) : '',
    // Log scale: Spark's seconds and Flink's and the baseline's milliseconds are all readable on one axis.
    timeChart(
      run,
      'End-to-end latency p50 per second',
      'ms',
      (s, e) => toMs(s.engines[e]?.p50Us),
      count,
      false,
      true,
    ),
    timeChart(
      run,
      'End-to-end latency p99 per second',
      'ms',
      (s, e) => toMs(s.engines[e]?.p99Us),
      count,
      false,
      true,
    ),
    timeChart(
      run,
      'Committed rows per second, and the offered rate',
      'events/s',
      (s, e) => s.engines[e]?.committedRateEventsPerSec ?? null,
      count,
      true,
    ),
    timeChart(
      run,
      'Freshness (now − newest committed produced_at)',
      'ms',
      (s, e) => toMs(s.engines[e]?.freshnessUs),
      count,
    ),
    // Files written before the backlog was recorded have none to draw.
    run.timeseries.some((s) => Object.values(s.engines).some((e) => e?.backlogEvents !== undefined))
      ? timeChart(
          run,
          'Backlog: events produced but not yet committed',
          'events',
          (s, e) => s.engines[e]?.backlogEvents ?? null,
          count,
        )
      : '',
  ].join('\n');
}

/** A page of one run, or of several with their CDFs in one chart first. */
export function renderRunsReport(runs: RunRecord[]): string {
  const title =
    runs.length === 1 ? `crypto-bench run ${runs[0]?.runId}` : `crypto-bench: ${runs.length} runs`;
  const sections = runs.length > 1 ? [`<h2>All runs</h2>`, cdfChart(runs)] : [];
  return page(title, [...sections, ...runs.map((run) => runSection(run, runs.length === 1))]);
}

/** Every run `--find-max-rate` judged, with the figures of its verdict, and how a verdict is made. */
function stepsSection(sweep: SweepRecord): string {
  const steps = maxRateStepsTable(sweep);
  return [
    '<p>Sustainable = the engine keeps up: it commits the offered rate (within what an engine meeting the SLO ' +
      'may have in flight), its backlog (produced − committed) does not grow by more than 2% of the rate per ' +
      'second beyond its own wobble, and its p99 is within the SLO. A verdict near a threshold is confirmed by ' +
      'repeating the rate once.</p>',
    htmlTable(steps.head, steps.rows),
  ].join('\n');
}

/** A sweep over scales: throughput (sustainable or committed) and p99 against parallelism or partitions. */
function scaleCharts(sweep: SweepRecord, runs: Record<string, RunRecord>): string[] {
  const curves = scaleCurves(sweep, runs);
  if (!curves) return [];
  const xLabel = curves.x === 'parallelism' ? "each engine's parallelism" : 'partitions of the topic';
  const chart = (
    title: string,
    yLabel: string,
    lines: ScaleLine[],
    scale: (v: number | null) => number | null,
  ) =>
    lineChart({
      title,
      xLabel,
      yLabel,
      formatX: (v) => (Number.isInteger(v) ? String(v) : ''),
      formatY: count,
      series: lines.map((line, i) => ({
        name: line.name,
        color: ENGINE_COLORS[line.engine],
        markers: true,
        // A second line of one engine (another partition count or rate) is dashed.
        dashed: lines.findIndex((other) => other.engine === line.engine) !== i,
        points: line.points.map(([x, y]): [number, number | null] => [x, scale(y)]),
      })),
    });
  const sustainable = curves.throughputKind === 'sustainable';
  return [
    '<h2>Scaling</h2>',
    chart(
      sustainable ? `Sustainable throughput against ${curves.x}` : `Committed throughput against ${curves.x}`,
      'events/s',
      curves.throughput,
      (v) => v,
    ),
    chart(
      sustainable
        ? `End-to-end p99 at the sustainable rate against ${curves.x}`
        : `End-to-end p99 against ${curves.x}`,
      'ms',
      curves.p99Us,
      toMs,
    ),
  ];
}

/** A sweep: its table, p50/p99 and throughput across points, the sustainable rates, then every run. */
export function renderSweepReport(sweep: SweepRecord, runs: Record<string, RunRecord>): string {
  const rows = sweepRows(sweep, runs);
  const engines = sweep.config.engines;
  const byRate = sweep.maxRate !== null;
  const x = (row: (typeof rows)[number]) => (byRate ? row.rateEventsPerSec : row.point + 1);
  const curve = (metric: string, title: string, yLabel: string, scale: (v: number | null) => number | null) =>
    lineChart({
      title,
      xLabel: byRate ? 'offered rate, events/s' : 'sweep point (settings in the table below)',
      yLabel,
      // Points are whole numbers: ticks between them get no label.
      formatX: byRate ? count : (v) => (Number.isInteger(v) ? `#${v}` : ''),
      formatY: count,
      series: engines.map((engine) => ({
        name: engine,
        color: ENGINE_COLORS[engine],
        markers: true,
        points: rows
          .filter((row) => row.engine === engine)
          .sort((a, b) => x(a) - x(b))
          .map((row): [number, number | null] => [x(row), scale(row.figures[metric] ?? null)]),
      })),
    });
  const points = sweepTable(sweep, runs);
  const maxRate = maxRateTable(sweep);
  const made = sweep.points.flatMap((point) => point.runIds).map((id) => runs[id]);
  return page(`crypto-bench sweep ${sweep.sweepId}`, [
    sweep.interrupted ? '<p class="status bad">Interrupted before every point ran.</p>' : '',
    ...scaleCharts(sweep, runs),
    curve('latency_e2e_p50_us', 'End-to-end latency p50 per point', 'ms', toMs),
    curve('latency_e2e_p99_us', 'End-to-end latency p99 per point', 'ms', toMs),
    curve('throughput_events_per_sec', 'Throughput per point', 'events/s', (v) => v),
    maxRate ? htmlTable(maxRate.head, maxRate.rows) : '',
    maxRate ? stepsSection(sweep) : '',
    htmlTable(
      ['point', ...points.head],
      points.rows.map((row, i) => [`#${(rows[i]?.point ?? 0) + 1}`, ...row]),
    ),
    ...made.filter((run): run is RunRecord => Boolean(run)).map((run) => runSection(run, true)),
  ]);
}
