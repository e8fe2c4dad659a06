import path from 'node:path';
import type { RunRecord } from '../results/record.js';
import { renderEngineTable, renderRecoveryTable, renderRunHeading, seriesNote } from './compare.js';
import { renderGoldTable } from './gold.js';

/**
 * What `run` prints at the end: each run's heading and status, then one table — per run for a single run,
 * or the median and interval across repeats, with only complete runs in the figures.
 */
export function renderRunSummary(runs: RunRecord[], resultsDir: string): string {
  if (runs.length === 0) return 'No run was made.';
  const headings = runs.map(renderRunHeading).join('\n');
  const complete = runs.filter((run) => run.status === 'complete');
  const measured = complete.length > 0 ? complete : runs;
  const note = seriesNote(runs);
  const label =
    runs.length === 1
      ? ''
      : `${note ? `\n${note}` : ''}\nMedian [95% interval, or the full range below 6 runs] over ${measured.length} ${complete.length > 0 ? 'complete' : 'not complete'} runs:`;
  const where =
    `\nSaved in ${runs.map((run) => path.join(resultsDir, run.runId)).join(', ')}` +
    `\nCharts: ${path.join(resultsDir, (runs[runs.length - 1] as RunRecord).runId, 'report.html')}` +
    (runs.length > 1
      ? ` (all runs in one page: crypto-bench report ${runs.map((r) => r.runId).join(' ')})`
      : '');
  // A run in which nothing was produced measured nothing: no table of dashes, only its reasons above.
  const table = measured.some((run) => run.producer) ? `\n${renderEngineTable(measured)}` : '';
  const recovery = renderRecoveryTable(runs);
  const gold = runs.length === 1 && runs[0] ? renderGoldTable(runs[0]) : '';
  return `${headings}${label}${table}${recovery ? `\n${recovery}` : ''}${gold ? `\n${gold}` : ''}${where}`;
}
