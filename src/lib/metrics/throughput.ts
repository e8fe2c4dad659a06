import { linearRegression } from 'simple-statistics';
import { windowSeconds, type WindowUs } from './window.js';

/**
 * Steady-state throughput: rows whose commit time lies in [startUs, endUs), divided by the window's length
 * in seconds. Null for an empty window (no rate can be stated), 0 when nothing was committed.
 */
export function throughputEventsPerSec(rowsInWindow: number, window: WindowUs): number | null {
  const seconds = windowSeconds(window);
  return seconds === 0 ? null : rowsInWindow / seconds;
}

/**
 * Index of the one-second bucket a time falls in, counted from `originUs`: ⌊(timeUs − originUs) / 10⁶⌋.
 * The SQL that groups commits per second must use the same expression so both sides agree.
 */
export function secondIndexOf(timeUs: number, originUs: number): number {
  return Math.floor((timeUs - originUs) / 1_000_000);
}

/** Limits for {@link assessSustainability}. */
export interface SustainabilityLimits {
  /** Highest acceptable window p99, µs. */
  p99BoundUs: number;
  /** Highest acceptable rise of the p50 trend over the window, as a fraction of the mean p50 (0.5 = 50%). */
  maxRiseFraction: number;
}

/** Whether an engine kept up with the offered rate, and why not. */
export interface SustainabilityVerdict {
  /** true: kept up; false: did not; null: too little data to say. */
  sustainable: boolean | null;
  /** Least-squares slope of per-second p50 against time, µs per second; null with fewer than 3 points. */
  slopeUsPerSec: number | null;
  /** slope · span / mean p50: how much the trend rose across the window relative to its level. */
  riseFraction: number | null;
  /** The window p99 that was checked, µs. */
  p99Us: number | null;
  /** Why the verdict is not `true`; empty when sustainable. */
  reasons: string[];
}

/**
 * Sustainable throughput check (docs/measurement.md#throughput-and-sustainable-throughput: latency does not keep rising, p99 under a bound).
 * `p50PerSecondUs[i]` is the median latency of the rows committed in second i of the window; `p99Us` is the
 * window's p99. Fits p50(t) = a + m·t by least squares over the seconds that have a p50 (null = nothing committed that
 * second, skipped: a 30 s Spark trigger commits rarely), then
 *   riseFraction = m · (t_last − t_first) / mean(p50)
 * and the rate is sustainable when riseFraction ≤ maxRiseFraction and p99 ≤ p99BoundUs. An engine that
 * falls behind builds a backlog that grows linearly, so its p50 trend rises by a large multiple of its level.
 */
export function assessSustainability(
  p50PerSecondUs: readonly (number | null)[],
  p99Us: number | null,
  limits: SustainabilityLimits,
): SustainabilityVerdict {
  const points = p50PerSecondUs.flatMap((p50, second) => (p50 === null ? [] : [[second, p50]]));
  const reasons: string[] = [];
  let slopeUsPerSec: number | null = null;
  let riseFraction: number | null = null;
  if (points.length < 3) {
    reasons.push(`only ${points.length} second(s) had committed rows; at least 3 are needed to see a trend`);
  } else {
    slopeUsPerSec = linearRegression(points).m;
    const meanP50 = points.reduce((sum, [, p50]) => sum + (p50 as number), 0) / points.length;
    const spanSeconds = (points[points.length - 1]?.[0] as number) - (points[0]?.[0] as number);
    if (meanP50 > 0) riseFraction = (slopeUsPerSec * spanSeconds) / meanP50;
    else reasons.push(`the mean p50 is ${meanP50} µs, so its rise cannot be judged`);
    if (riseFraction !== null && riseFraction > limits.maxRiseFraction) {
      reasons.push(
        `latency keeps rising: the p50 trend rose ${pct(riseFraction)} over the window ` +
          `(${slopeUsPerSec.toFixed(0)} µs/s), more than the ${pct(limits.maxRiseFraction)} allowed`,
      );
    }
  }
  if (p99Us === null) reasons.push('no p99: nothing was committed in the window');
  else if (p99Us > limits.p99BoundUs) {
    reasons.push(`p99 ${p99Us} µs is above the bound of ${limits.p99BoundUs} µs`);
  }
  const rising = riseFraction !== null && riseFraction > limits.maxRiseFraction;
  const tooSlow = p99Us !== null && p99Us > limits.p99BoundUs;
  let sustainable: boolean | null = true;
  if (rising || tooSlow) sustainable = false;
  else if (riseFraction === null || p99Us === null) sustainable = null;
  return { sustainable, slopeUsPerSec, riseFraction, p99Us, reasons };
}

function pct(fraction: number): string {
  return `${(fraction * 100).toFixed(0)}%`;
}
