import { GOLD_METRICS, goldProducers } from '../results/gold-figures.js';
import type { GoldRecheck } from '../bench/gold-recheck.js';
import type { AirflowGoldRun, RunRecord } from '../results/record.js';
import { formatValue, type TableFormat } from './compare.js';
import { formatBytes, renderMarkdownTable, renderTable } from './table.js';

/** The gold table of a run: a row per figure, a column per producer of gold; null when gold was not checked. */
export function goldTable(run: Pick<RunRecord, 'gold'>): { head: string[]; rows: string[][] } | null {
  const producers = goldProducers(run);
  if (producers.length === 0) return null;
  const head = [
    'gold (truth: events sent)',
    ...producers.map(([name, p]) =>
      p.closing === 'watermark'
        ? `${name} (watermark ${(p.watermarkDelayMs ?? 0) / 1000}s)`
        : `${name} (schedule)`,
    ),
  ];
  const rows = GOLD_METRICS.map((metric) => [
    metric.label,
    ...producers.map(([, p]) => formatValue(metric.read(p), metric.unit)),
  ]);
  return { head, rows };
}

/** The gold table as text, with the first wrong window of each producer and what could not be checked. */
export function renderGoldTable(run: Pick<RunRecord, 'gold'>, format: TableFormat = 'table'): string {
  const table = goldTable(run);
  if (!table) return '';
  const notes: string[] = [];
  for (const [name, p] of goldProducers(run)) {
    for (const [size, t] of Object.entries(p.tables)) {
      const first = t.wrong[0];
      if (first) {
        notes.push(
          `  ${name} ${size}: first wrong window ${first.symbol} ${new Date(first.windowStartUs / 1000).toISOString()}: ${first.field} expected ${String(first.expected)}, got ${String(first.actual)}`,
        );
      }
    }
    if (p.airflowRun) notes.push(`  ${name}: ${describeAirflowRun(p.airflowRun)}`);
    for (const problem of p.problems) notes.push(`  ${name}: ${problem}`);
  }
  const rendered =
    format === 'markdown' ? renderMarkdownTable(table.head, table.rows) : renderTable(table.head, table.rows);
  return [rendered, ...notes].join('\n');
}

/** `gold check`: what was checked against what, the gold table (with each producer's problems), the verdict. */
export function renderGoldRecheck(result: GoldRecheck): string {
  const head = `Gold of run ${result.runId}, checked ${result.checkedAt} against ${result.gold.truthEvents} events (${result.gold.truthSource})`;
  const shown = new Set(goldProducers(result).flatMap(([, p]) => p.problems));
  const verdict =
    result.reasons.length === 0
      ? 'Every closed window of every producer is right.'
      : [
          `${result.reasons.length} table(s) with wrong, missing or extra windows`,
          ...result.reasons.filter((r) => !shown.has(r)).map((r) => `  ${r}`),
        ].join('\n');
  return [head, renderGoldTable(result), verdict].join('\n');
}

/** One line on the DAG run that built Airflow's gold of a run: what it read, how long, what it cost. */
function describeAirflowRun(run: AirflowGoldRun): string {
  const took = run.durationMs === null ? 'did not finish' : `took ${(run.durationMs / 1000).toFixed(1)} s`;
  const cpu = run.cpuSeconds === null ? '' : `, ${run.cpuSeconds.toFixed(1)} CPU s`;
  const memory = run.rssBytes === null ? '' : `, memory ${formatBytes(run.rssBytes)}`;
  return `DAG run ${run.dagRunId} read crypto_prices_${run.sourceEngine}, ${took}${cpu}${memory}`;
}
