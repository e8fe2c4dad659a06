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

/** Rows counted in one second bucket (e.g. one row of `GROUP BY` the bucket index). */
export interface SecondCount {
  /** Bucket index, see {@link secondIndexOf}. */
  secondIndex: number;
  /** Rows in that bucket. */
  count: number;
}

/** One point of a per-second rate series. */
export interface PerSecondRate {
  /** Bucket index from the span's start. */
  secondIndex: number;
  /** Start of the bucket, epoch µs. */
  startUs: number;
  /** Rows in the bucket. */
  count: number;
  /** count / covered seconds of the bucket (the last bucket may be shorter than a second). */
  rateEventsPerSec: number;
}

/**
 * Dense per-second rate series over `span` (buckets of one second from span.startUs): every second appears,
 * those without rows as 0, so a stall shows as zeros rather than as a gap. Rate = count / covered seconds;
 * the last bucket covers min(1 s, endUs − bucket start). Counts outside the span are ignored; repeated
 * bucket indices add up.
 */
export function perSecondRates(counts: readonly SecondCount[], span: WindowUs): PerSecondRate[] {
  const buckets = Math.ceil(Math.max(0, span.endUs - span.startUs) / 1_000_000);
  const perBucket = new Array<number>(buckets).fill(0);
  for (const { secondIndex, count } of counts) {
    if (secondIndex >= 0 && secondIndex < buckets)
      perBucket[secondIndex] = (perBucket[secondIndex] ?? 0) + count;
  }
  return perBucket.map((count, secondIndex) => {
    const startUs = span.startUs + secondIndex * 1_000_000;
    const coveredSeconds = Math.min(1_000_000, span.endUs - startUs) / 1_000_000;
    return { secondIndex, startUs, count, rateEventsPerSec: count / coveredSeconds };
  });
}

/**
 * Backlog growth above which an engine falls behind, as a fraction of the offered rate: 2% of the rate per
 * second is latency rising by 20 ms every second, past a 1 s SLO within a minute. Below it, a 20 s point cannot
 * tell a drift from the wobble of the events in flight.
 */
export const MAX_BACKLOG_GROWTH_FRACTION = 0.02;
/** Counting slack on the committed rate (rows counted in whole seconds at both ends of the window). */
export const COMMITTED_RATE_SLACK = 0.01;
/** A figure within this share of its threshold makes a verdict near the boundary (confirmed by a repeat). */
export const NEAR_BOUNDARY_SHARE = 0.2;

/** What the sustainability verdict reads of one engine over the window's whole seconds. */
export interface SustainabilityInput {
  /** Backlog (produced − committed, cumulative) at the end of each second of the window, events. */
  backlogEvents: readonly number[];
  /** Backlog at the start of the window (the end of the second before it), events. */
  backlogAtStartEvents: number;
  /** Rows committed in each second of the window. */
  committedEvents: readonly number[];
  /** Window p50 and p99 of end-to-end latency, µs. */
  p50Us: number | null;
  p99Us: number | null;
}

/** Limits of {@link assessSustainability}. */
export interface SustainabilityLimits {
  /** Highest acceptable window p99, µs (the SLO). */
  sloP99Us: number;
  /** Highest backlog growth as a fraction of the offered rate; {@link MAX_BACKLOG_GROWTH_FRACTION}. */
  maxGrowthFraction: number;
}

/** The figures a sustainability verdict is made of; null = not enough data. */
export interface SustainabilityFigures {
  /** Whole seconds of window judged. */
  windowSeconds: number;
  /** Events produced per second in the window (committed + backlog growth), events/s. */
  offeredRateEventsPerSec: number | null;
  /** Rows committed per second in the window, events/s. */
  committedRateEventsPerSec: number | null;
  /** Least-squares slope of the backlog over the window, events/s. */
  backlogSlopeEventsPerSec: number | null;
  /** That slope over the offered rate (0.05 = the backlog grows by 5% of the rate every second). */
  backlogGrowthFraction: number | null;
  /** Range of the backlog around its fitted line (the wobble of events in flight), events. */
  backlogSpreadEvents: number | null;
  /** Window p50 and p99, µs. */
  p50Us: number | null;
  p99Us: number | null;
}

/** Whether an engine kept up with the offered rate, the figures, and why not. */
export interface SustainabilityVerdict extends SustainabilityFigures {
  /** true: kept up; false: did not; null: too little data to say. */
  sustainable: boolean | null;
  /** Some figure lies within {@link NEAR_BOUNDARY_SHARE} of its threshold: worth confirming by a repeat. */
  nearBoundary: boolean;
  /** Why the verdict is not `true`; empty when sustainable. */
  reasons: string[];
}

/**
 * Sustainable throughput (docs/measurement.md#throughput-and-sustainable-throughput): the engine keeps up. Over the window's W whole seconds, with
 * backlog B (events produced but not yet committed, as Theodolite's consumer lag):
 *   offered = (Σ committed + B_end − B_start) / W;  committed = Σ committed / W
 *   1. committed ≥ offered · (1 − τ), τ = 1% + SLO / W: an engine within the SLO holds at most about
 *      SLO · rate events in flight at the window's end, which the window's commits miss;
 *   2. the backlog does not grow: with m the least-squares slope of B over the seconds and R the range of B
 *      around that line, it grows when m / offered > maxGrowthFraction AND m · W > R, i.e. the window's growth
 *      exceeds the wobble of the events in flight (a batching engine's sawtooth cannot trip it);
 *   3. p99 ≤ SLO.
 * Fewer than 3 seconds, or nothing offered: no verdict.
 */
export function assessSustainability(
  input: SustainabilityInput,
  limits: SustainabilityLimits,
): SustainabilityVerdict {
  const seconds = input.backlogEvents.length;
  const figures: SustainabilityFigures = {
    windowSeconds: seconds,
    offeredRateEventsPerSec: null,
    committedRateEventsPerSec: null,
    backlogSlopeEventsPerSec: null,
    backlogGrowthFraction: null,
    backlogSpreadEvents: null,
    p50Us: input.p50Us,
    p99Us: input.p99Us,
  };
  // Why it did not keep up, and why it cannot be told.
  const failures: string[] = [];
  const unknowns: string[] = [];
  const near: number[] = [];
  let judged = false;
  if (seconds < 3 || input.committedEvents.length !== seconds) {
    unknowns.push(`only ${seconds} whole second(s) in the window; at least 3 are needed to see a trend`);
  } else {
    const committed = input.committedEvents.reduce((sum, n) => sum + n, 0);
    const grown = (input.backlogEvents[seconds - 1] as number) - input.backlogAtStartEvents;
    const offeredRate = (committed + grown) / seconds;
    const committedRate = committed / seconds;
    const { slope, spread } = lineFit(input.backlogEvents);
    figures.offeredRateEventsPerSec = offeredRate;
    figures.committedRateEventsPerSec = committedRate;
    figures.backlogSlopeEventsPerSec = slope;
    figures.backlogSpreadEvents = spread;
    if (offeredRate <= 0) {
      unknowns.push('nothing was offered in the window');
    } else {
      judged = true;
      const growth = slope / offeredRate;
      figures.backlogGrowthFraction = growth;
      const tolerance = COMMITTED_RATE_SLACK + limits.sloP99Us / 1e6 / seconds;
      const shortfall = 1 - committedRate / offeredRate;
      near.push(shortfall / tolerance);
      if (shortfall > tolerance) {
        failures.push(
          `committed ${committedRate.toFixed(0)}/s of ${offeredRate.toFixed(0)}/s offered, ${pct(shortfall)} short ` +
            `(more than the ${pct(tolerance)} an engine within the SLO may have in flight over ${seconds} s)`,
        );
      }
      const beyondWobble = spread > 0 ? (slope * seconds) / spread : Infinity;
      near.push(Math.min(growth / limits.maxGrowthFraction, beyondWobble));
      if (growth > limits.maxGrowthFraction && beyondWobble > 1) {
        failures.push(
          `the backlog grows ${slope.toFixed(0)} events/s, ${pct(growth)} of the offered rate (more than ` +
            `${pct(limits.maxGrowthFraction)}), and by ${(slope * seconds).toFixed(0)} events over the window, ` +
            `beyond its ${spread.toFixed(0)}-event wobble`,
        );
      }
    }
  }
  if (input.p99Us === null) unknowns.push('no p99: nothing was committed in the window');
  else {
    near.push(input.p99Us / limits.sloP99Us);
    if (input.p99Us > limits.sloP99Us)
      failures.push(
        `p99 ${(input.p99Us / 1000).toFixed(1)} ms is above the SLO of ${limits.sloP99Us / 1000} ms`,
      );
  }
  const sustainable = failures.length > 0 ? false : judged && input.p99Us !== null ? true : null;
  const low = 1 - NEAR_BOUNDARY_SHARE;
  return {
    ...figures,
    sustainable,
    nearBoundary: sustainable !== null && near.some((r) => r >= low && r <= 1 / low),
    reasons: [...failures, ...unknowns],
  };
}

/** Least-squares slope of y against its index, and the range of the residuals around the line. */
function lineFit(y: readonly number[]): { slope: number; spread: number } {
  const points = y.map((value, i): [number, number] => [i, value]);
  const { m, b } = linearRegression(points);
  const residuals = points.map(([x, value]) => value - (m * x + b));
  return { slope: m, spread: Math.max(...residuals) - Math.min(...residuals) };
}

function pct(fraction: number): string {
  return `${(fraction * 100).toFixed(fraction < 0.1 ? 1 : 0)}%`;
}
