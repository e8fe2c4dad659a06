import { closeSync, openSync, writeSync } from 'node:fs';
import path from 'node:path';
import { ConfigError, describe } from '../errors.js';
import type { SourceStats, TickSource } from './source.js';
import { headerLine, tickLine, TICK_FILE_FORMAT, TICK_FILE_VERSION } from './tick-file.js';
import { linkedController } from './timing.js';

/** Options of {@link record}. */
export interface RecordOptions {
  /** NDJSON file to write. */
  outFile: string;
  /** Stop after this long; without it, record until the source ends or `signal` is aborted. */
  durationMs?: number;
  /** Ctrl-C: stop early, keeping everything recorded so far. */
  signal?: AbortSignal;
  /** Replace an existing file instead of refusing to. */
  overwrite?: boolean;
  /** Called about once a second while recording. */
  onProgress?: (progress: RecordProgress) => void;
}

/** Progress of a recording so far. */
export interface RecordProgress {
  /** Ticks written. */
  ticks: number;
  /** Time since recording started. */
  elapsedMs: number;
  /** The source's counters. */
  sourceStats: SourceStats;
}

/** Outcome of a recording. */
export interface RecordReport extends RecordProgress {
  /** The file written. */
  outFile: string;
  /** Stopped by `signal` rather than by the duration or the end of the source. */
  interrupted: boolean;
}

/**
 * Records a source's ticks to an NDJSON file for `--source replay`: a header line, then one tick per line.
 * Each batch is written with a synchronous write as soon as it arrives, so nothing is buffered in the process
 * and a crash or Ctrl-C keeps everything recorded up to that moment.
 */
export async function record(source: TickSource, options: RecordOptions): Promise<RecordReport> {
  const fd = openOutFile(options.outFile, options.overwrite ?? false);
  const { controller, dispose } = linkedController(options.signal ?? new AbortController().signal);
  const startedAtMs = Date.now();
  let ticks = 0;
  const progress = (): RecordProgress => ({
    ticks,
    elapsedMs: Date.now() - startedAtMs,
    sourceStats: source.stats(),
  });
  const stopTimer =
    options.durationMs === undefined ? undefined : setTimeout(() => controller.abort(), options.durationMs);
  const progressTimer = setInterval(() => options.onProgress?.(progress()), 1000);
  try {
    writeSync(
      fd,
      headerLine({
        format: TICK_FILE_FORMAT,
        version: TICK_FILE_VERSION,
        source: source.name,
        pairs: [...source.pairs],
        recordedAt: new Date(startedAtMs).toISOString(),
      }),
    );
    for await (const batch of source.ticks(controller.signal)) {
      if (batch.length === 0) continue;
      writeSync(fd, batch.map(tickLine).join(''));
      ticks += batch.length;
    }
  } finally {
    clearTimeout(stopTimer);
    clearInterval(progressTimer);
    dispose();
    closeSync(fd);
  }
  return { ...progress(), outFile: options.outFile, interrupted: options.signal?.aborted ?? false };
}

function openOutFile(outFile: string, overwrite: boolean): number {
  try {
    return openSync(outFile, overwrite ? 'w' : 'wx');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') {
      throw new ConfigError(`${outFile} already exists; recording will not overwrite it`, {
        suggestions: ['Choose another --out, or delete the file first'],
      });
    }
    if (code === 'ENOENT') {
      throw new ConfigError(`Directory ${path.dirname(path.resolve(outFile))} does not exist`, {
        suggestions: ['Create it, or choose another --out'],
      });
    }
    throw new ConfigError(`Cannot write ${outFile} (${describe(error)})`, {
      suggestions: ['Choose another --out'],
    });
  }
}
