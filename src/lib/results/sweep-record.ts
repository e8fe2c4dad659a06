import { existsSync, readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Engine } from '../config/defaults.js';
import type { Parallelism } from '../config/lists.js';
import type { JobSettings } from '../config/stack-config.js';
import { ConfigError } from '../errors.js';
import type { SustainabilityVerdict } from '../metrics/throughput.js';
import { writeFileAtomic } from './store.js';

/** Layout version of `sweep.json`. */
export const SWEEP_SCHEMA_VERSION = 1;

/** How one point of a sweep ended. */
export type PointStatus = 'complete' | 'invalid' | 'incomplete' | 'interrupted' | 'failed';

/** One point of a sweep as saved. */
export interface SweepPointRecord {
  /** 0-based position. */
  index: number;
  /** Offered rate, events/s. */
  rateEventsPerSec: number;
  /** Partitions of the topic at this point; absent in sweeps from before `sweep --partitions` (3 then). */
  partitions?: number;
  /** Job settings in force (the point's parallelism in `settings.parallelism`). */
  settings: JobSettings;
  /** Each engine's setting in words. */
  labels: Record<Engine, string>;
  /** Runs made at this point (one per repeat), saved like any run under results/<run-id>/. */
  runIds: string[];
  /** How the point ended. */
  status: PointStatus;
  /** Why it is not complete; empty when complete. */
  reasons: string[];
}

/** One engine's result of `--find-max-rate`. */
export interface MaxRateResult {
  /** Highest offered rate the engine sustained, events/s; null when it sustained none tried. */
  sustainableRateEventsPerSec: number | null;
  /** Lowest offered rate it did not sustain, events/s; null when it sustained every rate tried. */
  firstUnsustainableRateEventsPerSec: number | null;
  /** Every rate tried, in order, with the verdict and why. */
  steps: MaxRateStep[];
}

/** One rate tried by `--find-max-rate`, for one engine. */
export interface MaxRateStep {
  /** Offered rate asked, events/s. */
  rateEventsPerSec: number;
  /** The verdict: after a repeat when the first was near the boundary; null = could not be judged. */
  sustainable: boolean | null;
  /** The (first) run made at this rate. */
  runId: string | null;
  /** Why the verdict is not `true`, or why it could not be made; a repeat's outcome is said here too. */
  reasons: string[];
  /** Each run's verdict with its figures: the first and, near the boundary, its repeat; absent in older files. */
  verdicts?: RunVerdict[];
}

/** The sustainability verdict of one engine in one run, with the figures it was made of. */
export interface RunVerdict extends SustainabilityVerdict {
  /** The run judged. */
  runId: string;
}

/** One `--find-max-rate` search of a sweep over scales (`--parallelism`, `--partitions`). */
export interface ScaleSearch {
  /** Partitions of the topic during the search. */
  partitions: number;
  /** Parallelism of every engine during the search. */
  parallelism: Parallelism;
  /** Each engine's sustainable throughput at this scale. */
  maxRate: Partial<Record<Engine, MaxRateResult>>;
  /** Why the stack could not be brought to this scale (the search did not run); absent when it ran. */
  error?: string;
}

/** A sweep as saved in `results/<sweep-id>/sweep.json`. */
export interface SweepRecord {
  /** Layout version. */
  schemaVersion: typeof SWEEP_SCHEMA_VERSION;
  /** Id of the sweep (same form as run ids). */
  sweepId: string;
  /** When it started / ended, ISO-8601 (ended null while going). */
  startedAt: string;
  endedAt: string | null;
  /** What was asked. */
  config: {
    /** Engines measured. */
    engines: Engine[];
    /** Producing time per point, ms. */
    durationMs: number;
    /** Runs per point. */
    repeat: number;
    /** Engines one at a time. */
    isolate: boolean;
    /** p99 bound of a sustainable rate (`--find-max-rate`), µs; null without it. */
    sloP99Us: number | null;
  };
  /** Every point, in order. */
  points: SweepPointRecord[];
  /**
   * `--find-max-rate` result per engine; null without it. A search over several scales keeps each in
   * `scaleSearches`, and here the first one's.
   */
  maxRate: Partial<Record<Engine, MaxRateResult>> | null;
  /**
   * `--find-max-rate` with `--parallelism` or `--partitions`: one search per scale, in order; absent otherwise
   * (and in older files). Read both through {@link maxRateSearches}.
   */
  scaleSearches?: ScaleSearch[];
  /** Interrupted by Ctrl-C before every point ran. */
  interrupted: boolean;
}

/**
 * Every `--find-max-rate` search of a sweep, each with its scale when the sweep covered scales (else the one
 * search, scale unknown); empty for a sweep without the search.
 */
export function maxRateSearches(
  sweep: Pick<SweepRecord, 'maxRate' | 'scaleSearches'>,
): { partitions?: number; parallelism?: Parallelism; maxRate: Partial<Record<Engine, MaxRateResult>> }[] {
  if (sweep.scaleSearches?.length) return sweep.scaleSearches;
  return sweep.maxRate ? [{ maxRate: sweep.maxRate }] : [];
}

/** `results/<sweep-id>/sweep.json`. */
export function sweepFile(resultsDir: string, sweepId: string): string {
  return path.join(resultsDir, sweepId, 'sweep.json');
}

/**
 * Saves the sweep (atomically; called after every point so a crash keeps the points done), and its HTML
 * report (rendered by the caller) next to it when given.
 */
export async function writeSweep(resultsDir: string, record: SweepRecord, reportHtml?: string): Promise<string> {
  const file = sweepFile(resultsDir, record.sweepId);
  await mkdir(path.dirname(file), { recursive: true });
  await writeFileAtomic(file, `${JSON.stringify(record, null, 2)}\n`);
  if (reportHtml !== undefined) await writeFileAtomic(sweepReportFile(resultsDir, record.sweepId), reportHtml);
  return file;
}

/** `results/<sweep-id>/report.html`. */
export function sweepReportFile(resultsDir: string, sweepId: string): string {
  return path.join(resultsDir, sweepId, 'report.html');
}

/** Loads a sweep, or undefined when `id` is not a sweep; a ConfigError for a damaged or newer file. */
export function loadSweep(resultsDir: string, id: string): SweepRecord | undefined {
  const file = sweepFile(resultsDir, id);
  if (!existsSync(file)) return undefined;
  let parsed: Partial<SweepRecord>;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<SweepRecord>;
  } catch (error) {
    throw new ConfigError(`${file} is not valid JSON (${(error as Error).message})`);
  }
  if (typeof parsed.schemaVersion !== 'number' || parsed.schemaVersion > SWEEP_SCHEMA_VERSION || !Array.isArray(parsed.points)) {
    throw new ConfigError(`${file} is not a sweep this crypto-bench can read (schema ${parsed.schemaVersion})`);
  }
  return parsed as SweepRecord;
}
