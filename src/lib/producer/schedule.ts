import { parseDurationMs } from '../config/units.js';

/** Periodic bursts on top of an open-loop rate: `--burst 10s:2s:5x`. */
export interface BurstSpec {
  /** Length of one period; each period ends with a burst. */
  everyMs: number;
  /** Length of the burst at the end of each period; shorter than `everyMs`. */
  durationMs: number;
  /** Rate during the burst as a multiple of the base rate. */
  multiplier: number;
}

const BURST_PATTERN = /^([^:]+):([^:]+):(\d+(?:\.\d+)?)x?$/;

/**
 * Parses `EVERY:DURATION:MULTIPLIERx`, e.g. `10s:2s:5x` = every 10 s, a 2 s burst at five times the rate.
 * Returns a message saying what is wrong instead of throwing, so the flag parser can name the flag.
 */
export function parseBurst(text: string): BurstSpec | string {
  const match = BURST_PATTERN.exec(text.trim());
  const usage = 'write EVERY:DURATION:MULTIPLIER, e.g. 10s:2s:5x';
  if (!match) return `"${text}" is not a burst; ${usage}`;
  const everyMs = parseDurationMs(match[1] ?? '');
  const durationMs = parseDurationMs(match[2] ?? '');
  if (typeof everyMs === 'string') return `period ${everyMs}`;
  if (typeof durationMs === 'string') return `burst length ${durationMs}`;
  const multiplier = Number(match[3]);
  return checkBurst({ everyMs, durationMs, multiplier });
}

/** Checks that a burst is possible: a positive length shorter than its period, a positive multiplier. */
export function checkBurst(burst: BurstSpec): BurstSpec | string {
  if (!(burst.everyMs > 0)) return 'the burst period must be longer than 0';
  if (!(burst.durationMs > 0 && burst.durationMs < burst.everyMs)) {
    return `a burst lasts longer than 0 and less than its period (${burst.everyMs}ms)`;
  }
  if (!(burst.multiplier > 0 && Number.isFinite(burst.multiplier))) return 'the multiplier must be above 0';
  return burst;
}

/**
 * The open-loop send schedule: when event i is due, relative to the start, independent of when earlier events
 * were actually sent (so a stalled producer shows up as schedule lag instead of a silently lower load —
 * coordinated omission).
 *
 * Without bursts event i is due at exactly `i * 1e6 / rate` µs. With bursts, each period of `everyMs` runs at the
 * base rate and then, for its last `durationMs`, at `multiplier` times the rate; the offset is computed in closed
 * form per period, so rounding never accumulates.
 */
export class OpenLoopSchedule {
  private readonly periodUs: number;
  private readonly calmUs: number;
  private readonly calmEvents: number;
  private readonly eventsPerPeriod: number;
  private readonly burstRatePerUs: number;

  /** `rateEventsPerSec` above 0; an optional burst already checked with {@link checkBurst}. */
  constructor(
    readonly rateEventsPerSec: number,
    readonly burst?: BurstSpec,
  ) {
    if (!(rateEventsPerSec > 0 && Number.isFinite(rateEventsPerSec))) {
      throw new RangeError(
        `the rate must be a positive number of events per second, got ${rateEventsPerSec}`,
      );
    }
    const ratePerUs = rateEventsPerSec / 1e6;
    this.periodUs = burst ? burst.everyMs * 1000 : Number.POSITIVE_INFINITY;
    this.calmUs = burst ? (burst.everyMs - burst.durationMs) * 1000 : Number.POSITIVE_INFINITY;
    this.calmEvents = this.calmUs * ratePerUs;
    this.burstRatePerUs = ratePerUs * (burst?.multiplier ?? 1);
    this.eventsPerPeriod = burst ? this.calmEvents + burst.durationMs * 1000 * this.burstRatePerUs : 0;
  }

  /** Offset of event `index` (0-based) from the start of the schedule, µs. */
  offsetUs(index: number): number {
    if (!this.burst) return (index * 1e6) / this.rateEventsPerSec;
    const period = Math.floor(index / this.eventsPerPeriod);
    const inPeriod = index - period * this.eventsPerPeriod;
    const base = period * this.periodUs;
    if (inPeriod < this.calmEvents) return base + (inPeriod * 1e6) / this.rateEventsPerSec;
    return base + this.calmUs + (inPeriod - this.calmEvents) / this.burstRatePerUs;
  }
}
