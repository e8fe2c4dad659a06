import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { ConfigError } from '../errors.js';
import { formatLatencyCsv, formatTimeseriesCsv } from './csv.js';
import { UNFINISHED_REASON, type RunRecord } from './record.js';
import { assertRunIdIsSafe } from './run-id.js';
import { upgradeRunRecord } from './upgrade.js';

/** Paths of one run's files (docs/architecture.md#results-on-disk). */
export interface RunPaths {
  /** `results/<run-id>/`. */
  dir: string;
  /** The record: config, environment, every figure. */
  runJson: string;
  /** Percentiles per engine and stage. */
  latencyCsv: string;
  /** One row per second. */
  timeseriesCsv: string;
  /** The HTML report: the figures and their charts, readable without crypto-bench. */
  reportHtml: string;
}

/** Where a run's files live. One function, so that writers and readers agree. */
export function runPaths(resultsDir: string, runId: string): RunPaths {
  assertRunIdIsSafe(runId);
  const dir = path.join(resultsDir, runId);
  return {
    dir,
    runJson: path.join(dir, 'run.json'),
    latencyCsv: path.join(dir, 'latency.csv'),
    timeseriesCsv: path.join(dir, 'timeseries.csv'),
    reportHtml: path.join(dir, 'report.html'),
  };
}

/**
 * Writes `content` so that a reader sees either the old file or the whole new one, never a torn one: write a
 * temporary file in the same directory, flush it to disk, then rename it over the target (atomic on POSIX).
 */
export async function writeFileAtomic(file: string, content: string): Promise<void> {
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    const handle = await open(temp, 'w');
    try {
      await handle.writeFile(content, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

/**
 * Saves a run: `run.json`, `latency.csv`, `timeseries.csv` and the given `report.html` (rendered by the caller)
 * under `results/<run-id>/`, each written atomically. Call it as often as wanted while the run goes (with
 * {@link unfinishedRecord}), and once more at the end.
 */
export async function writeRun(resultsDir: string, record: RunRecord, reportHtml: string): Promise<RunPaths> {
  const paths = runPaths(resultsDir, record.runId);
  await mkdir(paths.dir, { recursive: true });
  await writeFileAtomic(paths.runJson, JSON.stringify(record, null, 2) + '\n');
  await writeFileAtomic(paths.latencyCsv, formatLatencyCsv(record));
  await writeFileAtomic(paths.timeseriesCsv, formatTimeseriesCsv(record));
  await writeFileAtomic(paths.reportHtml, reportHtml);
  return paths;
}

/**
 * A run that is still going, as saved while it goes: `interrupted` with the "did not finish" reason, so that if
 * the process dies now, what was measured so far is kept and labelled. The final save uses the record itself.
 */
export function unfinishedRecord(record: RunRecord): RunRecord {
  const reasons = record.statusReasons.includes(UNFINISHED_REASON)
    ? record.statusReasons
    : [...record.statusReasons, UNFINISHED_REASON];
  return { ...record, status: record.status === 'complete' ? 'interrupted' : record.status, statusReasons: reasons };
}

/** A run found on disk. */
export interface RunListEntry {
  /** Its id (the directory name). */
  runId: string;
  /** Its directory. */
  dir: string;
}

/**
 * Runs in `resultsDir` (directories holding a `run.json`), newest first: generated ids start with their UTC
 * start time, so newest first is descending id order. A missing results directory has no runs.
 */
export function listRuns(resultsDir: string): RunListEntry[] {
  if (!existsSync(resultsDir)) return [];
  return readdirSync(resultsDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(path.join(resultsDir, entry.name, 'run.json')))
    .map((entry) => ({ runId: entry.name, dir: path.join(resultsDir, entry.name) }))
    .sort((a, b) => (a.runId < b.runId ? 1 : a.runId > b.runId ? -1 : 0));
}

/** A run read from disk. */
export interface LoadedRun {
  /** The record, upgraded to the current layout. */
  record: RunRecord;
  /** Where it was read from. */
  paths: RunPaths;
  /** Result schema the file was written in, when older than the current one; null when current. */
  upgradedFromVersion: number | null;
}

/**
 * Reads `results/<run-id>/run.json`, upgrading older layouts. ConfigErrors, each naming the file and the fix:
 * unknown id (with the newest known ids), corrupt JSON, a damaged shape, a newer schema.
 */
export function loadRun(resultsDir: string, runId: string): LoadedRun {
  const paths = runPaths(resultsDir, runId);
  if (!existsSync(paths.runJson)) {
    const known = listRuns(resultsDir).map((r) => r.runId);
    throw new ConfigError(`No run '${runId}' in ${resultsDir}`, {
      suggestions:
        known.length === 0
          ? ['There are no runs yet: start one with `crypto-bench run`']
          : [`Known runs, newest first: ${known.slice(0, 5).join(', ')}${known.length > 5 ? ', …' : ''}`],
    });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(paths.runJson, 'utf8'));
  } catch (error) {
    throw new ConfigError(`${paths.runJson} is not valid JSON (${(error as Error).message})`, {
      suggestions: [`Restore ${paths.runJson} from a backup or delete ${paths.dir}; other runs are not affected`],
    });
  }
  const { record, upgradedFromVersion } = upgradeRunRecord(parsed, paths.runJson);
  return { record, paths, upgradedFromVersion };
}

/** The newest run in `resultsDir`; a ConfigError when there is none. */
export function loadLatestRun(resultsDir: string): LoadedRun {
  const newest = listRuns(resultsDir)[0];
  if (!newest) {
    throw new ConfigError(`No runs in ${resultsDir}`, {
      suggestions: ['Start one with `crypto-bench run`, or pass --results-dir where your runs are'],
    });
  }
  return loadRun(resultsDir, newest.runId);
}

