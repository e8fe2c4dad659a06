import { mean as ssMean, standardDeviation as ssStandardDeviation } from 'simple-statistics';

/**
 * The one percentile definition of crypto-bench, used for every figure (latency, freshness, repeats):
 * PostgreSQL's `percentile_cont`, i.e. linear interpolation between the two closest ranks
 * (Hyndman & Fan type 7, the default of R and NumPy).
 *
 *   h = q · (n − 1)            (0-based position; written in PostgreSQL's own operand order)
 *   P(q) = x[⌊h⌋] + (h − ⌊h⌋) · (x[⌈h⌉] − x[⌊h⌋])
 *
 * So P(0) is the minimum, P(1) the maximum, and P(0.999) of 10 values lies between the 9th and the 10th
 * value, never above the maximum. `valueAtRank(k)` returns the k-th smallest value (0-based); it lets the
 * same definition run over a sorted array or over the buckets of a histogram. Empty input ⇒ null.
 */
export function interpolatePercentile(
  q: number,
  n: number,
  valueAtRank: (rank: number) => number,
): number | null {
  assertQuantile(q);
  if (n === 0) return null;
  const position = q * (n - 1);
  const lowerRank = Math.floor(position);
  const upperRank = Math.ceil(position);
  const lower = valueAtRank(lowerRank);
  if (upperRank === lowerRank) return lower;
  return lower + (position - lowerRank) * (valueAtRank(upperRank) - lower);
}

/**
 * `percentile_cont(q) WITHIN GROUP (ORDER BY x)` of PostgreSQL over an ascending array (see
 * {@link interpolatePercentile} for the formula). Exact; used for small samples and for the database
 * cross-check. Empty input ⇒ null. The caller sorts (numerically!); unsorted input is rejected.
 */
export function percentileCont(sorted: readonly number[], q: number): number | null {
  for (let i = 1; i < sorted.length; i++) {
    if ((sorted[i] as number) < (sorted[i - 1] as number)) {
      throw new RangeError(`percentileCont needs ascending input; index ${i} is smaller than index ${i - 1}`);
    }
  }
  return interpolatePercentile(q, sorted.length, (rank) => sorted[rank] as number);
}

/** A copy sorted in ascending numeric order (JavaScript's default sort compares strings). */
export function sortAscending(values: readonly number[]): number[] {
  return [...values].sort((a, b) => a - b);
}

/** Arithmetic mean Σx / n (simple-statistics `mean`). Empty input ⇒ null. */
export function mean(values: readonly number[]): number | null {
  return values.length === 0 ? null : ssMean(values);
}

/**
 * Population standard deviation √(Σ(x − x̄)² / n) (simple-statistics `standardDeviation`; PostgreSQL
 * `stddev_pop`). Population, not sample (n − 1): a latency summary describes every committed row of the
 * window, the whole population, not a sample of it. One value ⇒ 0; empty input ⇒ null.
 * (Across repeats, which are a sample of possible runs, see `repeats.ts`.)
 */
export function stddevPopulation(values: readonly number[]): number | null {
  return values.length === 0 ? null : ssStandardDeviation(values);
}

/** Quantiles every latency summary reports, with the field each one fills. */
export const REPORTED_QUANTILES = [
  { q: 0.5, field: 'p50Us' },
  { q: 0.9, field: 'p90Us' },
  { q: 0.95, field: 'p95Us' },
  { q: 0.99, field: 'p99Us' },
  { q: 0.999, field: 'p999Us' },
] as const;

/**
 * Summary of a set of latencies in microseconds. Percentiles follow {@link interpolatePercentile};
 * mean and stddev (population) are exact. Every figure is null when `count` is 0.
 */
export interface LatencySummary {
  /** Number of values summarized (all of them, negatives included). */
  count: number;
  /** How many of them are below zero (clock skew or a stamp taken too early); null when not recorded. */
  negativeCount: number | null;
  /** Median, µs. */
  p50Us: number | null;
  /** 90th percentile, µs. */
  p90Us: number | null;
  /** 95th percentile, µs. */
  p95Us: number | null;
  /** 99th percentile, µs. */
  p99Us: number | null;
  /** 99.9th percentile, µs. */
  p999Us: number | null;
  /** Smallest value, exact, µs (negative when a negative latency was seen). */
  minUs: number | null;
  /** Largest value, exact, µs. */
  maxUs: number | null;
  /** Arithmetic mean, exact, µs. */
  meanUs: number | null;
  /** Population standard deviation, exact, µs. */
  stddevUs: number | null;
}

/** The summary of no values: count 0 and every figure null (never 0, which would read as "instant"). */
export function emptyLatencySummary(): LatencySummary {
  return {
    count: 0,
    negativeCount: 0,
    p50Us: null,
    p90Us: null,
    p95Us: null,
    p99Us: null,
    p999Us: null,
    minUs: null,
    maxUs: null,
    meanUs: null,
    stddevUs: null,
  };
}

/**
 * Exact {@link LatencySummary} of a plain array of latencies (µs), for small samples: same definitions as
 * the histogram summary, without bucket rounding.
 */
export function summarizeLatenciesUs(valuesUs: readonly number[]): LatencySummary {
  if (valuesUs.length === 0) return emptyLatencySummary();
  const sorted = sortAscending(valuesUs);
  const summary: LatencySummary = {
    ...emptyLatencySummary(),
    count: sorted.length,
    negativeCount: sorted.filter((v) => v < 0).length,
    minUs: sorted[0] as number,
    maxUs: sorted[sorted.length - 1] as number,
    meanUs: mean(sorted),
    stddevUs: stddevPopulation(sorted),
  };
  for (const { q, field } of REPORTED_QUANTILES) summary[field] = percentileCont(sorted, q);
  return summary;
}

function assertQuantile(q: number): void {
  if (!(q >= 0 && q <= 1)) throw new RangeError(`A quantile must lie in [0, 1]; got ${q}`);
}
