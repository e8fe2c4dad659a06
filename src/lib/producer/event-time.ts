import { UsageError } from '../errors.js';
import { parseDurationMs } from '../config/units.js';
import { mulberry32 } from './prng.js';
import type { Tick } from './source.js';

/** `--late FRACTION:DELAY`: that fraction of events arrives DELAY after its window has closed. */
export interface LateSpec {
  /** Share of events sent late, in (0, 1]. */
  fraction: number;
  /** How long after its window has closed a late event is sent, ms. */
  delayMs: number;
}

/**
 * How the synthetic source bends event time (docs/measurement.md#gold): seeded, so the same seed gives the same late
 * and out-of-order events.
 */
export interface EventTimeOptions {
  /** `--disorder`: each event's time lies up to this far before its true (send) order, ms. 0 = in order. */
  disorderMs?: number;
  /** `--late`: some events held back until after their window has closed. */
  late?: LateSpec;
  /** `--event-time-start`: event time of the first event, epoch µs; by default its send time. */
  eventTimeStartUs?: number;
  /**
   * The window a late event must miss and the watermark delay that closes it: a window `[s, e)` closes when
   * event time reaches `e + watermarkDelayMs`. Defaults: the 10-minute gold window, the jobs' 10 s watermark.
   */
  windowMs?: number;
  watermarkDelayMs?: number;
}

/** The gold window late events are made late for: the 10-minute one, the smaller of the two. */
export const LATE_WINDOW_MS = 600_000;
/** The watermark delay of both streaming jobs (their `--watermark-delay-ms` default). */
export const JOB_WATERMARK_DELAY_MS = 10_000;

/** Parses `FRACTION:DELAY` (`0.01:30s`); a message instead of a value when it is not one. */
export function parseLate(text: string): LateSpec | string {
  const [fractionText, delayText, ...rest] = text.split(':');
  if (fractionText === undefined || delayText === undefined || rest.length > 0) {
    return `"${text}" is not FRACTION:DELAY; e.g. 0.01:30s (1% of events, 30 s after their window closed)`;
  }
  const fraction = Number(fractionText);
  if (!(fractionText.trim() !== '' && Number.isFinite(fraction) && fraction > 0 && fraction <= 1)) {
    return `the fraction ${fractionText} is outside (0, 1]; e.g. 0.01 for 1% of events`;
  }
  const delayMs = parseDurationMs(delayText);
  if (typeof delayMs === 'string') return delayMs;
  return { fraction, delayMs };
}

/** A tick held back until `dueUs` (its new intended time). */
interface HeldTick {
  dueUs: number;
  tick: Tick;
}

/**
 * Shapes the event times of a synthetic stream whose schedule starts at `startUs`: shifts them to
 * `eventTimeStartUs`, moves each up to `disorderMs` back, and holds a `late.fraction` of events until
 * `late.delayMs` after their window has closed. A held event keeps its event time and gets the time it is
 * released as its intended time, so schedule lag stays honest. Uses its own seeded generator: the prices and
 * sizes of the walk are the same with or without shaping.
 */
export class EventTimeShaper {
  private readonly random: () => number;
  private readonly held: HeldTick[] = [];
  private readonly offsetUs: number;
  private readonly disorderUs: number;
  private readonly closeAfterUs: number;
  private readonly windowUs: number;

  constructor(
    private readonly options: EventTimeOptions,
    seed: number,
    private readonly startUs: number,
  ) {
    // A generator of its own, seeded apart from the walk's.
    this.random = mulberry32((seed ^ 0x5eed1a7e) >>> 0);
    this.offsetUs = options.eventTimeStartUs === undefined ? 0 : options.eventTimeStartUs - startUs;
    this.disorderUs = (options.disorderMs ?? 0) * 1000;
    this.windowUs = (options.windowMs ?? LATE_WINDOW_MS) * 1000;
    this.closeAfterUs =
      ((options.watermarkDelayMs ?? JOB_WATERMARK_DELAY_MS) + (options.late?.delayMs ?? 0)) * 1000;
  }

  /** Whether shaping draws random numbers per tick (disorder or late events), so it must see every tick. */
  drawsPerTick(): boolean {
    return this.disorderUs > 0 || this.options.late !== undefined;
  }

  /** The tick to send now, or undefined when it is held back as a late event. */
  shape(tick: Tick): Tick | undefined {
    if (this.offsetUs === 0 && !this.drawsPerTick()) return tick;
    const jitterUs = this.disorderUs > 0 ? Math.floor(this.random() * (this.disorderUs + 1)) : 0;
    const eventTimeUs = tick.eventTimeUs + this.offsetUs - jitterUs;
    const shaped = { ...tick, eventTimeUs };
    const late = this.options.late;
    if (late === undefined || this.random() >= late.fraction) return shaped;
    const windowEndUs = (Math.floor(eventTimeUs / this.windowUs) + 1) * this.windowUs;
    // Event time reaches windowEnd + watermark at this send time; the late event goes DELAY after that.
    const dueUs = windowEndUs - this.offsetUs + this.closeAfterUs;
    this.hold({ dueUs, tick: { ...shaped, intendedAtUs: dueUs } });
    return undefined;
  }

  /** Send time of the next held tick, epoch µs; Infinity when none is held. */
  nextDueUs(): number {
    return this.held[0]?.dueUs ?? Infinity;
  }

  /** Held ticks due at or before `nowUs`, in order of their due time. */
  release(nowUs: number): Tick[] {
    let count = 0;
    while (count < this.held.length && (this.held[count] as HeldTick).dueUs <= nowUs) count++;
    return this.held.splice(0, count).map((held) => held.tick);
  }

  /** Ticks still held (late events whose time to be sent never came in the run). */
  get heldCount(): number {
    return this.held.length;
  }

  private hold(entry: HeldTick): void {
    // Due times mostly arrive in order; insert after every entry due no later than this one.
    let index = this.held.length;
    while (index > 0 && (this.held[index - 1] as HeldTick).dueUs > entry.dueUs) index--;
    this.held.splice(index, 0, entry);
  }
}

/** Refuses event-time settings a source cannot honour, naming the flag. */
export function checkEventTimeOptions(
  options: EventTimeOptions,
  source: string,
  durationMs: number | undefined,
): void {
  const given = [
    options.disorderMs !== undefined && options.disorderMs > 0 ? '--disorder' : undefined,
    options.late ? '--late' : undefined,
    options.eventTimeStartUs !== undefined ? '--event-time-start' : undefined,
  ].filter((flag) => flag !== undefined);
  if (source !== 'synthetic' && given.length > 0) {
    throw new UsageError(
      `${given.join(', ')}: only the synthetic source makes late or out-of-order events (the source is ${source})`,
      { suggestions: ['Use --source synthetic, or drop ' + given.join(' and ')] },
    );
  }
  if (durationMs !== undefined && (options.disorderMs ?? 0) > durationMs) {
    throw new UsageError(
      `--disorder: ${options.disorderMs}ms is longer than the run (${durationMs}ms); events cannot be shuffled further than the run lasts`,
      { suggestions: ['Use a smaller --disorder, e.g. 2s, or a longer --duration'] },
    );
  }
}
