/** Seconds per batch mean of MSER-5. */
export const MSER_BATCH_SECONDS = 5;
/** Fewest batch means MSER-5 needs (20 s of series): with fewer, its first half holds one truncation or none. */
export const MSER_MIN_BATCHES = 4;

/** What MSER-5 found in one per-second series. */
export interface SteadyStateDetection {
  /** A steady state was found: the statistic's minimum lies in the first half of the series. */
  found: boolean;
  /**
   * Where the steady state begins, seconds from the start of the series (a multiple of 5 after the seconds
   * without data): the MSER-5 truncation point when found; when not found, the middle of the series (the
   * latest start the rule can give), or 0 when the series is too short. Figures over a window starting
   * here are what the record still shows for a run marked invalid.
   */
  startSec: number;
  /** Seconds of the series examined (those before the first value included). */
  seriesSeconds: number;
  /** MSER-5 statistic at `startSec`, in the series' unit squared; null when too short. */
  statistic: number | null;
  /** Why `startSec`, in words: the rule and what it saw. */
  reason: string;
}

/**
 * MSER-5 warm-up truncation (White 1997, "An effective truncation heuristic for bias reduction in
 * simulation output", Simulation 69(6); White, Cobb & Spratt 2000, "A comparison of five steady-state
 * truncation heuristics for simulation", Proc. Winter Simulation Conference). The series is cut into k
 * batch means Z₁…Z_k of 5 seconds (a last, incomplete batch is dropped); for each truncation d (batches)
 *
 *   MSER(d) = 1/(k−d)² · Σ_{j=d+1..k} (Z_j − Z̄_d)²,   Z̄_d = mean of Z_{d+1..k},
 *
 * the squared standard error of the truncated mean: cutting more removes bias, but leaves fewer batches.
 * d* minimises MSER(d) over the first half (0 ≤ d ≤ ⌊k/2⌋, ties to the earliest); the steady state begins
 * 5·d* seconds in. When the minimum sits at the middle (d* = ⌊k/2⌋) the statistic is still falling there,
 * so the truncation point lies in the last half: the series has no steady state the rule can find (White's
 * "run too short"). Fewer than 4 batches (20 s): too short to tell.
 *
 * `series[i]` is the figure of second i (e.g. a per-second median latency); null = nothing in that second.
 * Leading nulls belong to the warm-up (the engine had committed nothing yet): the series is examined from
 * its first value, and those seconds are added to the start. A null inside carries the last value forward
 * (an engine that commits every 10 s holds its level in between). Constant series: d* = 0.
 *
 * By simulation on white noise (no transient at all) the minimum falls at the middle in about 40% of 20 s
 * series, 8% at 60 s and 1% at 120 s: a short run often cannot show a steady state; `--warmup` overrides.
 */
export function mser5(series: readonly (number | null)[]): SteadyStateDetection {
  const offset = series.findIndex((value) => value !== null);
  const seriesSeconds = series.length;
  const values = offset < 0 ? [] : carryForward(series.slice(offset));
  const batches = batchMeans(values, MSER_BATCH_SECONDS);
  const k = batches.length;
  if (k < MSER_MIN_BATCHES) {
    return {
      found: false,
      startSec: 0,
      seriesSeconds,
      statistic: null,
      reason:
        `too few seconds: ${values.length} s of latency series${offset > 0 ? ` (after ${offset} s without commits)` : ''}, ` +
        `MSER-5 needs at least ${MSER_MIN_BATCHES * MSER_BATCH_SECONDS} s`,
    };
  }
  const half = Math.floor(k / 2);
  let best = 0;
  let bestStatistic = Infinity;
  for (let d = 0; d <= half; d++) {
    const statistic = mserStatistic(batches, d);
    if (statistic < bestStatistic) {
      best = d;
      bestStatistic = statistic;
    }
  }
  const startSec = offset + best * MSER_BATCH_SECONDS;
  const found = best < half;
  const skipped = offset > 0 ? `${offset} s without commits, then ` : '';
  return {
    found,
    startSec,
    seriesSeconds,
    statistic: bestStatistic,
    reason: found
      ? `MSER-5: ${skipped}minimum at ${best * MSER_BATCH_SECONDS} s of ${values.length} s (${k} batch means of 5 s)`
      : `no steady state: ${skipped}the MSER-5 statistic still falls at the middle of ${values.length} s ` +
        `(${k} batch means of 5 s), so the truncation point lies in the last half`,
  };
}

/** MSER(d) over batch means `z` (see {@link mser5}). */
export function mserStatistic(z: readonly number[], d: number): number {
  const kept = z.slice(d);
  const m = kept.length;
  if (m === 0) return Infinity;
  const mean = kept.reduce((sum, v) => sum + v, 0) / m;
  const squares = kept.reduce((sum, v) => sum + (v - mean) ** 2, 0);
  return squares / (m * m);
}

/** Means of consecutive batches of `size` values; an incomplete last batch is dropped. */
export function batchMeans(values: readonly number[], size: number): number[] {
  const means: number[] = [];
  for (let start = 0; start + size <= values.length; start += size) {
    let sum = 0;
    for (let i = start; i < start + size; i++) sum += values[i] as number;
    means.push(sum / size);
  }
  return means;
}

function carryForward(series: readonly (number | null)[]): number[] {
  const filled: number[] = [];
  let last = 0;
  for (const value of series) {
    if (value !== null) last = value;
    filled.push(last);
  }
  return filled;
}
