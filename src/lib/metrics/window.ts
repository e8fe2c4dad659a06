import { UsageError } from '../errors.js';

/** A half-open time interval [startUs, endUs) in epoch microseconds. */
export interface WindowUs {
  /** First microsecond inside the window. */
  startUs: number;
  /** First microsecond after the window. */
  endUs: number;
}

/** The steady-state window of a run and the warm-up it leaves out. */
export interface SteadyStateWindow extends WindowUs {
  /** Warm-up excluded at the start of the run, ms. */
  warmupMs: number;
}

/**
 * The steady-state window over which every figure is computed: [runStart + warm-up, runEnd). The warm-up
 * is `--warmup` when given, else where steady-state detection put the start (see `steady-state.ts`).
 * Throws a UsageError when the warm-up would leave nothing to measure.
 */
export function steadyStateWindow(run: {
  startUs: number;
  endUs: number;
  warmupMs: number;
}): SteadyStateWindow {
  const durationMs = (run.endUs - run.startUs) / 1000;
  if (!(durationMs > 0))
    throw new RangeError(`A run must end after it starts (${run.startUs}..${run.endUs} µs)`);
  const { warmupMs } = run;
  if (warmupMs < 0 || warmupMs >= durationMs) {
    throw new UsageError(`A warm-up of ${warmupMs} ms leaves nothing of a ${durationMs} ms run to measure`, {
      suggestions: ['Pass a --warmup shorter than --duration, or leave it out to detect the steady state'],
    });
  }
  return { startUs: run.startUs + Math.round(warmupMs * 1000), endUs: run.endUs, warmupMs };
}

/** Whether a time (µs) lies inside the half-open window [startUs, endUs). */
export function inWindow(timeUs: number, window: WindowUs): boolean {
  return timeUs >= window.startUs && timeUs < window.endUs;
}

/** Length of a window in seconds (0 for an empty or inverted one). */
export function windowSeconds(window: WindowUs): number {
  return Math.max(0, window.endUs - window.startUs) / 1_000_000;
}
