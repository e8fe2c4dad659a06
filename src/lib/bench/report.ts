import { existsSync, readdirSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { renderRunsReport, renderSweepReport } from '../render/report.js';
import { listRuns, runPaths, writeFileAtomic } from '../results/store.js';
import { loadSweep, sweepReportFile, type SweepRecord } from '../results/sweep-record.js';
import { loadSelection } from './compare.js';

/** What `report` was asked. */
export interface ReportOptions {
  /** Directory of result folders. */
  resultsDir: string;
  /** Run, series or sweep ids; empty = the newest run, or the sweep it belongs to. */
  ids: string[];
  /** Where to write the page; default next to the run or sweep (several runs: `<results>/report.html`). */
  output?: string;
}

/** What `report` wrote (the `--json` shape). */
export interface ReportResult {
  /** Absolute path of the HTML file. */
  file: string;
  /** A sweep, or one or more runs. */
  kind: 'sweep' | 'runs';
  /** The sweep id, or the run ids, oldest first. */
  ids: string[];
  /** Files written by older versions of the tool that were upgraded on load: run id -> their version. */
  upgraded: Record<string, number>;
}

/**
 * Writes the HTML report of runs or a sweep. With no id it takes the newest run — or, when that run was a
 * point of a sweep, the whole sweep — so `crypto-bench report` right after `run` or `sweep` shows that.
 */
export async function writeReport(options: ReportOptions): Promise<ReportResult> {
  const ids = options.ids.length > 0 ? options.ids : newestSelection(options.resultsDir);
  const selection = loadSelection(options.resultsDir, ids);
  let html: string;
  let result: Omit<ReportResult, 'file'>;
  let defaultFile: string;
  if (selection.kind === 'sweep') {
    const { sweep } = selection;
    html = renderSweepReport(sweep, Object.fromEntries(selection.runs.map((run) => [run.runId, run])));
    result = { kind: 'sweep', ids: [sweep.sweepId], upgraded: {} };
    defaultFile = sweepReportFile(options.resultsDir, sweep.sweepId);
  } else {
    const { runs, upgraded } = selection;
    html = renderRunsReport(runs);
    result = { kind: 'runs', ids: runs.map((run) => run.runId), upgraded };
    defaultFile =
      runs.length === 1
        ? runPaths(options.resultsDir, (runs[0] as { runId: string }).runId).reportHtml
        : path.join(options.resultsDir, 'report.html');
  }
  const file = path.resolve(options.output ?? defaultFile);
  await mkdir(path.dirname(file), { recursive: true });
  await writeFileAtomic(file, html);
  return { file, ...result };
}

/** The newest run's id, or its sweep's id when it was made by a sweep; [] when there is no run. */
function newestSelection(resultsDir: string): string[] {
  const newest = listRuns(resultsDir)[0];
  if (!newest) return [];
  const sweep = sweepsIn(resultsDir).find((s) => s.points.some((p) => p.runIds.includes(newest.runId)));
  return [sweep ? sweep.sweepId : newest.runId];
}

/** Every sweep saved in `resultsDir`, newest first. */
function sweepsIn(resultsDir: string): SweepRecord[] {
  if (!existsSync(resultsDir)) return [];
  return readdirSync(resultsDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(path.join(resultsDir, entry.name, 'sweep.json')))
    .map((entry) => entry.name)
    .sort()
    .reverse()
    .flatMap((id) => loadSweep(resultsDir, id) ?? []);
}
