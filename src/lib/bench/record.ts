import { rmSync } from 'node:fs';
import { InfrastructureError } from '../errors.js';
import { createSource, type SourceConfig } from '../producer/sources.js';
import { COINBASE_REST_URL } from '../producer/coinbase-rest.js';
import { COINBASE_WS_URL } from '../producer/coinbase-ws.js';
import { record, type RecordReport } from '../producer/recorder.js';
import { note, type ProgressOptions } from '../render/progress.js';
import { describeNothingDelivered, describeStats } from '../render/source-stats.js';

/** What `record` was asked. */
export interface RecordTicksOptions {
  /** A live source. */
  source: SourceConfig;
  /** NDJSON file to write. */
  outFile: string;
  /** How long to record. */
  durationMs: number;
  /** Replace an existing file. */
  overwrite?: boolean;
  /** Ctrl-C. */
  signal: AbortSignal;
}

/** What `record` did (the `--json` shape). */
export interface RecordOutcome extends RecordReport {
  /** The source's failures in words (429s, 5xx, reconnects, unknown pairs); empty when none. */
  problems: string[];
}

/**
 * Records a live source to a file, with a progress line every 10 s on stderr. A recording that got no tick at
 * all (and was not interrupted) fails with the source's last error, and leaves no file behind.
 */
export async function recordTicks(
  options: RecordTicksOptions,
  progress: ProgressOptions,
): Promise<RecordOutcome> {
  const source = await createSource(options.source);
  note(
    `Recording ${options.source.kind} to ${options.outFile} for ${options.durationMs / 1000}s (Ctrl-C stops early and keeps what was recorded)`,
    progress,
  );
  let lastNote = 0;
  const report = await record(source, {
    outFile: options.outFile,
    durationMs: options.durationMs,
    overwrite: options.overwrite,
    signal: options.signal,
    onProgress: (p) => {
      if (p.elapsedMs - lastNote < 10_000) return;
      lastNote = p.elapsedMs;
      note(
        `  ${(p.elapsedMs / 1000).toFixed(0)}s: ${p.ticks} ticks${describeStats(p.sourceStats)
          .map((s) => `, ${s}`)
          .join('')}`,
        progress,
      );
    },
  });
  if (report.ticks === 0 && !report.interrupted) {
    rmSync(options.outFile, { force: true });
    const seconds = (report.elapsedMs / 1000).toFixed(0);
    throw new InfrastructureError(
      `Recorded nothing in ${seconds}s: ${describeNothingDelivered(options.source.kind, report.sourceStats)}`,
      { suggestions: [`Check that this machine reaches ${endpoint(options.source)}, then record again`] },
    );
  }
  return { ...report, problems: describeStats(report.sourceStats) };
}

/** Where a live source connects. */
function endpoint(source: SourceConfig): string {
  if (source.kind === 'coinbase-ws') return source.baseUrl ?? COINBASE_WS_URL;
  if (source.kind === 'coinbase-rest') return source.baseUrl ?? COINBASE_REST_URL;
  return source.kind;
}
