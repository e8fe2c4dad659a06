import type { Engine } from '../config/defaults.js';
import { mser5 } from '../metrics/steady-state.js';
import type { EngineSteadyState, SteadyStateRecord } from '../results/record.js';
import type { EngineSeries } from './collect.js';

/** Where the window begins, relative to producing, and how that was chosen (the record's fields less the epoch start). */
export type SteadyStateChoice = Omit<SteadyStateRecord, 'steadyStateStartUs'>;

/**
 * Each engine's per-second p50 series over a producing span of `spanUs`: one value per second whose start
 * lies in the span (null = nothing committed that second); seconds of the drain after producing are left out.
 */
export function p50Series(series: EngineSeries, spanUs: number): (number | null)[] {
  const seconds = Math.ceil(Math.max(0, spanUs) / 1_000_000);
  return Array.from({ length: seconds }, (_, second) => series.get(second)?.p50Us ?? null);
}

/**
 * The steady-state start of a run: MSER-5 on each engine's per-second p50 series, then the latest start
 * across engines for all of them, so every engine is measured on the same events (docs/measurement.md#steady-state-window).
 * `--warmup` (`warmupMs`) overrides the choice; the detection is still recorded for reference.
 */
export function chooseSteadyState(
  perEngine: ReadonlyMap<Engine, readonly (number | null)[]>,
  warmupMs: number | undefined,
): SteadyStateChoice {
  const engines: Partial<Record<Engine, EngineSteadyState>> = {};
  let latest: { engine: Engine; offsetMs: number } | null = null;
  let found = true;
  for (const [engine, series] of perEngine) {
    const detection = mser5(series);
    const offsetMs = detection.startSec * 1000;
    engines[engine] = {
      found: detection.found,
      detectedStartOffsetMs: offsetMs,
      seriesSeconds: detection.seriesSeconds,
      mserStatisticUs2: detection.statistic,
      reason: detection.reason,
    };
    found &&= detection.found;
    if (!latest || offsetMs > latest.offsetMs) latest = { engine, offsetMs };
  }
  if (warmupMs !== undefined) {
    return { chosenBy: 'warmup-flag', steadyStateStartOffsetMs: warmupMs, setBy: null, found: true, engines };
  }
  return {
    chosenBy: 'mser-5',
    steadyStateStartOffsetMs: latest?.offsetMs ?? 0,
    setBy: latest?.engine ?? null,
    found: found && latest !== null,
    engines,
  };
}

/** Why a run has no steady state, one sentence per engine that reached none; empty when every engine did. */
export function noSteadyStateReasons(
  choice: SteadyStateChoice,
  incomplete: readonly string[] = [],
): string[] {
  if (choice.chosenBy !== 'mser-5') return [];
  // An engine that died or lost events is already reported (incomplete, its figures marked): that its series is
  // too short for a steady state follows from that, and must not hide it behind `invalid`.
  const reasons = Object.entries(choice.engines)
    .filter(([name, engine]) => !engine?.found && !incomplete.includes(name))
    .map(
      ([name, engine]) =>
        `${name} reached no steady state (${engine?.reason}); pass --warmup to set the window yourself, or run longer`,
    );
  if (reasons.length === 0 && !choice.found && incomplete.length === 0)
    reasons.push('no engine had a latency series to find a steady state in');
  return reasons;
}
