import { percentileCont, sortAscending } from './summary.js';

/** Confidence level crypto-bench aims for across repeats. */
export const CONFIDENCE_LEVEL = 0.95;

/** Ranks (1-based, in ascending order) of the order statistics bounding a confidence interval of the median. */
export interface MedianIntervalRanks {
  /** Rank of the lower bound. */
  lowerRank: number;
  /** Rank of the upper bound. */
  upperRank: number;
  /** Probability that [x(lower), x(upper)] contains the true median: 1 − 2·P(B ≤ lower − 1). */
  coverage: number;
}

/** One figure across the repeats of a run. */
export interface RepeatSummary {
  /** Runs that had this figure. */
  runs: number;
  /** Runs where it was null (no data), left out. */
  missingRuns: number;
  /** Median across the runs (percentile_cont 0.5: mean of the middle two for an even count). */
  median: number | null;
  /** Lower bound of the confidence interval of the median; null for fewer than 2 runs. */
  ciLow: number | null;
  /** Upper bound of the confidence interval of the median; null for fewer than 2 runs. */
  ciHigh: number | null;
  /** Actual coverage of [ciLow, ciHigh]: ≥ 0.95 from 6 runs on, less below (the full range); null without one. */
  ciCoverage: number | null;
}

/**
 * Distribution-free confidence interval of the median from order statistics: the number B of runs below the
 * true median is Binomial(n, ½), so [x(k), x(n−k+1)] covers it with probability 1 − 2·P(B ≤ k − 1). Takes the
 * largest k whose coverage is ≥ `level`. Chosen over a Student-t interval of the mean because the figures
 * (p99s, throughputs) are skewed and come in small numbers, where normality cannot be assumed, and because the
 * interval then belongs to the median that is reported. Below 6 runs no pair reaches 95%, so the full range
 * [min, max] is returned with its true, lower coverage (2 runs: 50%); 1 run ⇒ null.
 */
export function medianIntervalRanks(n: number, level = CONFIDENCE_LEVEL): MedianIntervalRanks | null {
  if (n < 2) return null;
  const cdf = binomialHalfCdf(n);
  const coverageOf = (k: number) => 1 - 2 * (cdf[k - 1] as number);
  let k = 1;
  while (k + 1 <= Math.floor(n / 2) && coverageOf(k + 1) >= level) k++;
  return { lowerRank: k, upperRank: n - k + 1, coverage: coverageOf(k) };
}

/** Median and its confidence interval of one figure across repeats; nulls are counted and left out. */
export function summarizeRepeats(values: readonly (number | null)[]): RepeatSummary {
  const present = sortAscending(values.filter((v): v is number => v !== null));
  const ranks = medianIntervalRanks(present.length);
  return {
    runs: present.length,
    missingRuns: values.length - present.length,
    median: percentileCont(present, 0.5),
    ciLow: ranks ? (present[ranks.lowerRank - 1] as number) : null,
    ciHigh: ranks ? (present[ranks.upperRank - 1] as number) : null,
    ciCoverage: ranks ? ranks.coverage : null,
  };
}

/**
 * {@link summarizeRepeats} of every figure: `runs[i]` holds the named figures of repeat i (e.g. from
 * `engineFigures`); a figure absent from a run counts as null there.
 */
export function summarizeFigureRepeats(
  runs: readonly Readonly<Record<string, number | null>>[],
): Record<string, RepeatSummary> {
  const names = [...new Set(runs.flatMap((run) => Object.keys(run)))];
  return Object.fromEntries(
    names.map((name) => [name, summarizeRepeats(runs.map((run) => run[name] ?? null))]),
  );
}

/** P(B ≤ i) for B ~ Binomial(n, ½), i = 0..n, summed in log space so large n does not underflow. */
function binomialHalfCdf(n: number): number[] {
  const cdf: number[] = [];
  let logTerm = -n * Math.LN2; // log C(n, 0) · 2⁻ⁿ
  let total = 0;
  for (let i = 0; i <= n; i++) {
    total += Math.exp(logTerm);
    cdf.push(Math.min(1, total));
    logTerm += Math.log((n - i) / (i + 1));
  }
  return cdf;
}
