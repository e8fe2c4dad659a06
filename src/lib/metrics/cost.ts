import type { WindowUs } from './window.js';

/** One sample of an engine's process tree (from /proc or the container's cgroup). */
export interface ProcessSample {
  /** When the sample was taken, epoch ms. */
  atMs: number;
  /** utime + stime of every process of the engine so far, seconds (a cumulative counter). */
  cpuSeconds: number;
  /** Resident memory of every process of the engine at that moment, bytes. */
  rssBytes: number;
}

/** What one engine cost during the measured window. Figures are null when no sample covers the window. */
export interface CostSummary {
  /** CPU time used inside the window, seconds. */
  cpuSeconds: number | null;
  /** Highest resident memory seen inside the window, bytes. */
  peakRssBytes: number | null;
  /** cpuSeconds / covered seconds: how many cores the engine kept busy on average. */
  meanCores: number | null;
  /** Part of the window the samples cover, ms (less than the window when sampling started late). */
  coveredMs: number;
  /** CPU seconds per 10⁶ events committed in the window. */
  cpuSecondsPerMillionEvents: number | null;
}

/**
 * Cost of one engine in `window` from periodic samples of its process tree.
 *
 * CPU: the cumulative counter C(t) is made monotonic first (a drop, when a process of the tree exits or the
 * engine restarts, counts as 0, so at most one sampling interval of that process is lost, never double
 * counted), then interpolated linearly between samples:
 *   cpuSeconds = C(min(end, last sample)) − C(max(start, first sample)),
 *   meanCores = cpuSeconds / covered seconds,
 *   cpuSecondsPerMillionEvents = cpuSeconds / eventsInWindow · 10⁶ (null for 0 events).
 * Memory: peak = max rssBytes of the samples inside [start, end].
 */
export function summarizeCost(
  samples: readonly ProcessSample[],
  window: WindowUs,
  eventsInWindow: number,
): CostSummary {
  const startMs = window.startUs / 1000;
  const endMs = window.endUs / 1000;
  const sorted = [...samples].sort((a, b) => a.atMs - b.atMs);
  const first = sorted[0];
  const last = sorted[sorted.length - 1];
  const fromMs = Math.max(startMs, first?.atMs ?? Infinity);
  const toMs = Math.min(endMs, last?.atMs ?? -Infinity);
  const inside = sorted.filter((s) => s.atMs >= startMs && s.atMs <= endMs);
  const peakRssBytes = inside.length === 0 ? null : inside.reduce((peak, s) => Math.max(peak, s.rssBytes), 0);
  if (!(toMs > fromMs)) {
    return {
      cpuSeconds: null,
      peakRssBytes,
      meanCores: null,
      coveredMs: 0,
      cpuSecondsPerMillionEvents: null,
    };
  }
  const cumulative = monotonicCpu(sorted);
  const cpuSeconds = cpuAt(sorted, cumulative, toMs) - cpuAt(sorted, cumulative, fromMs);
  const coveredMs = toMs - fromMs;
  return {
    cpuSeconds,
    peakRssBytes,
    meanCores: cpuSeconds / (coveredMs / 1000),
    coveredMs,
    cpuSecondsPerMillionEvents: eventsInWindow > 0 ? (cpuSeconds / eventsInWindow) * 1_000_000 : null,
  };
}

/** Running total of the non-negative increments of the counter. */
function monotonicCpu(sorted: readonly ProcessSample[]): number[] {
  const totals: number[] = [];
  let total = 0;
  sorted.forEach((sample, i) => {
    if (i > 0) total += Math.max(0, sample.cpuSeconds - (sorted[i - 1] as ProcessSample).cpuSeconds);
    totals.push(total);
  });
  return totals;
}

/** The monotonic counter at `atMs` (inside the sampled span), interpolated between the two samples around it. */
function cpuAt(sorted: readonly ProcessSample[], cumulative: readonly number[], atMs: number): number {
  let i = 0;
  while (i < sorted.length - 1 && (sorted[i + 1] as ProcessSample).atMs <= atMs) i++;
  const a = sorted[i] as ProcessSample;
  const next = sorted[i + 1];
  const base = cumulative[i] as number;
  if (next === undefined || next.atMs === a.atMs) return base;
  return base + ((atMs - a.atMs) / (next.atMs - a.atMs)) * ((cumulative[i + 1] as number) - base);
}
