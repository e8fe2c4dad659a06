import { createSource, type SourceConfig } from '../producer/sources.js';
import { record, type RecordReport } from '../producer/recorder.js';
import { note, type ProgressOptions } from '../render/progress.js';
import { describeStats } from '../render/source-stats.js';

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

/** Records a live source to a file, with a progress line every 10 s on stderr. */
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
  return { ...report, problems: describeStats(report.sourceStats) };
}
