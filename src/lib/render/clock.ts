import type { Engine } from '../config/defaults.js';
import { clockUncertaintyShare, type ClockRecord } from '../metrics/clock-offset.js';
import type { RunRecord } from '../results/record.js';

/** Mark of a latency figure whose clock uncertainty is more than 5% of its p50, explained under the table. */
export const CLOCK_MARK = '†';

/** µs as signed milliseconds with two decimals: "+12.30 ms", "0.00 ms". */
function signedMs(us: number): string {
  const ms = (us / 1000).toFixed(2);
  if (/^-?0\.00$/.test(ms)) return '0.00 ms';
  return `${us > 0 ? '+' : ''}${ms.replace('-', '−')} ms`;
}

/** µs as milliseconds with two decimals: "15.78 ms". */
function ms(us: number): string {
  return `${(us / 1000).toFixed(2)} ms`;
}

/** An uncertainty in milliseconds, rounded up to the 0.01 ms shown so it never reads tighter than it is. */
function plusMinus(us: number): string {
  return `± ${(Math.ceil(us / 10) / 100).toFixed(2)} ms`;
}

function estimate(offsetUs: number | null, uncertaintyUs: number | null): string {
  return offsetUs === null || uncertaintyUs === null
    ? 'not measured'
    : `${signedMs(offsetUs)} ${plusMinus(uncertaintyUs)}`;
}

/**
 * One line on a run's clock (docs/measurement.md#clocks-across-hosts), e.g. on one host
 * "clock offset 0.00 ms ± 0.05 ms (one host: same clock, nothing applied; start …, end …)", across hosts
 * "clock offset +12.30 ms ± 0.60 ms applied to commit times (PostgreSQL − producer host; start …, end …, drift
 * 5.0 ppm)"; undefined for a record without it (older files, a run that has not finished).
 */
export function describeClock(clock: ClockRecord | undefined): string | undefined {
  if (!clock) return undefined;
  const ends = `start ${estimate(clock.startOffsetUs, clock.startUncertaintyUs)}, end ${estimate(clock.endOffsetUs, clock.endUncertaintyUs)}`;
  const drift = clock.driftPpm === null ? '' : `, drift ${clock.driftPpm.toFixed(1)} ppm`;
  if (clock.oneHost) {
    const measured = [
      [clock.startOffsetUs, clock.startUncertaintyUs],
      [clock.endOffsetUs, clock.endUncertaintyUs],
    ].filter((pair): pair is [number, number] => pair[0] !== null && pair[1] !== null);
    const best = measured.sort((a, b) => a[1] - b[1])[0];
    const headline = best ? estimate(best[0], best[1]) : 'not measured';
    return `clock offset ${headline} (one host: same clock, nothing applied; ${ends})`;
  }
  if (clock.appliedUncertaintyUs === null) {
    return `clock offset unknown (PostgreSQL on another host, no estimate): latencies include its unmeasured clock offset`;
  }
  return `clock offset ${estimate(clock.appliedOffsetUs, clock.appliedUncertaintyUs)} applied to commit times (PostgreSQL − producer host; ${ends}${drift})`;
}

/**
 * Engines whose end-to-end p50, in any of these runs, is within 20× the clock's uncertainty (the uncertainty is
 * more than 5% of it), each with the note shown under a table next to the mark {@link CLOCK_MARK}.
 */
export function clockEngineNotes(runs: RunRecord[]): Map<Engine, string> {
  const notes = new Map<Engine, string>();
  for (const engine of runs[0]?.config.engines ?? []) {
    const parts = runs.flatMap((run) => {
      if (!run.clock) return [];
      const p50Us = run.engines[engine]?.latency?.p50Us ?? null;
      const share = clockUncertaintyShare(run.clock, p50Us);
      if (share === null || p50Us === null) return [];
      const where = runs.length > 1 ? ` in ${run.runId}` : '';
      if (run.clock.appliedUncertaintyUs === null) {
        return [`the clock offset${where} is unknown, so its end-to-end p50 (${ms(p50Us)}) includes it`];
      }
      return [
        `the clock offset's uncertainty${where} (${plusMinus(run.clock.appliedUncertaintyUs)}) is ${(share * 100).toFixed(0)}% of its end-to-end p50 (${ms(p50Us)})`,
      ];
    });
    if (parts.length > 0) {
      notes.set(
        engine,
        `${CLOCK_MARK} ${engine}: ${parts.join('; ')}: its latencies are known only to within that (docs/measurement.md#clocks-across-hosts).`,
      );
    }
  }
  return notes;
}
