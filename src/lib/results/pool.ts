import type { Engine } from '../config/defaults.js';
import { ConfigError } from '../errors.js';
import { LatencyRecorder } from '../metrics/histogram.js';
import type { RunRecord, Stage } from './record.js';

/**
 * One histogram of every row of several runs (e.g. the repeats of a series) for one engine and stage: the
 * saved histograms merged, so pooled percentiles come from all rows rather than from an average of
 * percentiles. Runs without that histogram are skipped; null when none has it. A damaged histogram is a
 * ConfigError naming the run.
 */
export function pooledLatency(
  runs: readonly RunRecord[],
  engine: Engine,
  which: 'endToEnd' | Stage,
): LatencyRecorder | null {
  let pooled: LatencyRecorder | null = null;
  for (const run of runs) {
    const serialized = run.engines[engine]?.histograms[which];
    if (!serialized) continue;
    let recorder: LatencyRecorder;
    try {
      recorder = LatencyRecorder.deserialize(serialized);
    } catch (error) {
      throw new ConfigError(
        `The ${which} histogram of ${engine} in run ${run.runId} is damaged (${(error as Error).message})`,
        { suggestions: [`Leave run ${run.runId} out, or restore its run.json from a backup`] },
      );
    }
    if (pooled) pooled.merge(recorder);
    else pooled = recorder;
  }
  return pooled;
}
