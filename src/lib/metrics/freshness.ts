import { mean, percentileCont, sortAscending } from './summary.js';
import { inWindow, type WindowUs } from './window.js';

/** One 1 Hz freshness sample of an engine's table. */
export interface FreshnessSample {
  /** When the sample was taken, epoch µs. */
  atUs: number;
  /** `max(produced_at_us)` over the rows committed so far; null when no row was committed yet. */
  maxProducedAtUs: number | null;
}

/** How stale an engine's table was during the window. Every figure is null when there is no sample. */
export interface FreshnessSummary {
  /** Samples inside the window. */
  sampleCount: number;
  /** Of those, samples taken before the engine had committed any row. */
  samplesWithoutRows: number;
  /** Mean freshness, µs. */
  meanUs: number | null;
  /** 95th percentile (percentile_cont) of freshness, µs. */
  p95Us: number | null;
  /** Worst freshness, µs. */
  maxUs: number | null;
}

/**
 * Freshness of one sample: `now − max(produced_at)` of the committed rows, µs. While no row is committed yet
 * the table is as stale as the whole run so far, so the age counts from the run start (`atUs − runStartUs`):
 * an engine that commits nothing must not look fresh, and dropping those samples would hide exactly that.
 */
export function freshnessUs(sample: FreshnessSample, runStartUs: number): number {
  return sample.atUs - (sample.maxProducedAtUs ?? runStartUs);
}

/**
 * Mean, p95 and max of {@link freshnessUs} over the samples taken inside `window` (all samples when no window
 * is given). Mean = Σf / n; p95 by the one percentile definition (percentile_cont); empty ⇒ figures null.
 */
export function summarizeFreshness(
  samples: readonly FreshnessSample[],
  runStartUs: number,
  window?: WindowUs,
): FreshnessSummary {
  const kept = window ? samples.filter((s) => inWindow(s.atUs, window)) : samples;
  const ages = sortAscending(kept.map((s) => freshnessUs(s, runStartUs)));
  return {
    sampleCount: kept.length,
    samplesWithoutRows: kept.filter((s) => s.maxProducedAtUs === null).length,
    meanUs: mean(ages),
    p95Us: percentileCont(ages, 0.95),
    maxUs: ages.length === 0 ? null : (ages[ages.length - 1] as number),
  };
}
