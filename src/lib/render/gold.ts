import { GOLD_METRICS, goldProducers } from '../results/gold-figures.js';
import type { RunRecord } from '../results/record.js';
import { formatValue, type TableFormat } from './compare.js';
import { renderMarkdownTable, renderTable } from './table.js';

/** The gold table of a run: a row per figure, a column per producer of gold; null when gold was not checked. */
export function goldTable(run: RunRecord): { head: string[]; rows: string[][] } | null {
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
export function renderGoldTable(run: RunRecord, format: TableFormat = 'table'): string {
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
    for (const problem of p.problems) notes.push(`  ${name}: ${problem}`);
  }
  const rendered =
    format === 'markdown' ? renderMarkdownTable(table.head, table.rows) : renderTable(table.head, table.rows);
  return [rendered, ...notes].join('\n');
}
