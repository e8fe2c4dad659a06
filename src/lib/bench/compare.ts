import { ENGINE_METRICS, formatFiguresCsv } from '../results/figures.js';
import type { RunRecord } from '../results/record.js';
import { listRuns, loadLatestRun, loadRun } from '../results/store.js';
import {
  HEADLINE_METRICS,
  renderChangeTables,
  renderEngineTable,
  renderRecoveryTable,
  renderRunHeading,
  seriesNote,
} from '../render/compare.js';
import { ConfigError } from '../errors.js';
import { renderGoldTable } from '../render/gold.js';
import { renderSweep, sweepCsv } from '../render/sweep.js';
import { loadSweep, type SweepRecord } from '../results/sweep-record.js';

/** Output formats of `compare`. */
export const COMPARE_FORMATS = ['table', 'csv', 'json', 'markdown'] as const;
/** One of {@link COMPARE_FORMATS}. */
export type CompareFormat = (typeof COMPARE_FORMATS)[number];

/** What `compare` was asked. */
export interface CompareOptions {
  /** Directory of result folders. */
  resultsDir: string;
  /** Run ids (or repeat-group ids); empty = the newest run. */
  ids: string[];
  /** Output format. */
  format: CompareFormat;
  /** Every figure instead of the headline ones. */
  all: boolean;
}

/** What `compare` returns (the `--json` shape). */
export interface CompareResult {
  /** The runs compared, oldest first. */
  runs: RunRecord[];
  /** Files written by older versions of the tool that were upgraded on load: run id -> their version. */
  upgraded: Record<string, number>;
  /** The rendered output (table, CSV or Markdown); empty for json. */
  output: string;
  /** The sweep, when the id given was a sweep's. */
  sweep?: SweepRecord;
}

/** Runs or a sweep, as selected by ids on the command line (`compare`, `report`). */
export type Selection =
  | { kind: 'runs'; runs: RunRecord[]; upgraded: Record<string, number> }
  | { kind: 'sweep'; sweep: SweepRecord; runs: RunRecord[] };

/**
 * Loads what ids name: one sweep id stands for the sweep and its runs; a `--repeat` series id for all its
 * runs; no id for the newest run. Runs come oldest first; upgraded lists files written by older versions.
 */
export function loadSelection(resultsDir: string, ids: string[]): Selection {
  const sweep = ids.length === 1 ? loadSweep(resultsDir, ids[0] as string) : undefined;
  if (sweep) {
    const runs = sweep.points
      .flatMap((point) => point.runIds)
      .flatMap((id) => safeLoad(resultsDir, id)?.record ?? []);
    return { kind: 'sweep', sweep, runs };
  }
  const loaded =
    ids.length === 0 ? [loadLatestRun(resultsDir)] : ids.flatMap((id) => loadIdOrGroup(resultsDir, id));
  const runs = loaded.map((l) => l.record).sort((a, b) => (a.runId < b.runId ? -1 : 1));
  const upgraded = Object.fromEntries(
    loaded
      .filter((l) => l.upgradedFromVersion !== null)
      .map((l) => [l.record.runId, l.upgradedFromVersion as number]),
  );
  return { kind: 'runs', runs, upgraded };
}

/**
 * Loads the runs asked for (see {@link loadSelection}) and renders them: one run (or one series) as engines
 * side by side with ratios; several as the change from the first to the last; a sweep as its table.
 */
export function compareRuns(options: CompareOptions): CompareResult {
  const selection = loadSelection(options.resultsDir, options.ids);
  if (selection.kind === 'sweep') return compareSweep(options, selection.sweep, selection.runs);
  const { runs, upgraded } = selection;
  const metrics = options.all ? ENGINE_METRICS.map((m) => m.name) : HEADLINE_METRICS;
  return { runs, upgraded, output: render(runs, metrics, options.format) };
}

function render(runs: RunRecord[], metrics: string[], format: CompareFormat): string {
  if (format === 'json') return '';
  if (format === 'csv') return formatFiguresCsv(runs);
  const headings = runs.map(renderRunHeading).join('\n');
  const sameSeries =
    runs.length > 1 &&
    runs.every((r) => r.config.repeat && r.config.repeat.groupId === runs[0]?.config.repeat?.groupId);
  if (runs.length === 1 || sameSeries) {
    const complete = runs.filter((r) => r.status === 'complete');
    const gold = runs.length === 1 && runs[0] ? renderGoldTable(runs[0], format) : '';
    const note = seriesNote(runs);
    const recovery = renderRecoveryTable(runs, format);
    return `${headings}\n${note ? `${note}\n` : ''}${renderEngineTable(complete.length > 0 ? complete : runs, metrics, format)}${recovery ? `\n${recovery}` : ''}${gold ? `\n\n${gold}` : ''}`;
  }
  const recovery = renderRecoveryTable(runs, format);
  return `${headings}\n\n${renderChangeTables(runs, metrics, format)}${recovery ? `\n\n${recovery}` : ''}`;
}

function loadIdOrGroup(resultsDir: string, id: string) {
  try {
    return [loadRun(resultsDir, id)];
  } catch (error) {
    const group = listRuns(resultsDir)
      .map((entry) => safeLoad(resultsDir, entry.runId))
      .filter((run) => run?.record.config.repeat?.groupId === id);
    if (group.length > 0) return group as NonNullable<(typeof group)[number]>[];
    throw error;
  }
}

function safeLoad(resultsDir: string, runId: string) {
  try {
    return loadRun(resultsDir, runId);
  } catch (error) {
    if (error instanceof ConfigError) return undefined;
    throw error;
  }
}

/** A whole sweep: its table (or CSV) from the saved sweep and runs. */
function compareSweep(options: CompareOptions, sweep: SweepRecord, loaded: RunRecord[]): CompareResult {
  const runs = Object.fromEntries(loaded.map((run) => [run.runId, run]));
  let output = '';
  if (options.format === 'csv') output = sweepCsv(sweep, runs);
  else if (options.format !== 'json') output = renderSweep(sweep, runs, options.format);
  return { runs: loaded, upgraded: {}, output, sweep };
}
