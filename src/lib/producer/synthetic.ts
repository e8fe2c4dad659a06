import { UsageError } from '../errors.js';
import { nowUs } from './clock.js';
import { EventTimeShaper, type EventTimeOptions } from './event-time.js';
import { mulberry32, standardNormal } from './prng.js';
import { OpenLoopSchedule, type BurstSpec } from './schedule.js';
import { copyStats, emptyStats, type SourceStats, type Tick, type TickSource } from './source.js';
import { sleepMs, yieldToEventLoop } from './timing.js';

/** Prices the random walk starts from: close to the markets of 2024. Other pairs start at 100. */
export const START_PRICES: Readonly<Record<string, number>> = {
  'BTC-USD': 60_000,
  'ETH-USD': 3_000,
  'SOL-USD': 150,
  'ADA-USD': 0.45,
  'DOGE-USD': 0.12,
};

/** Standard deviation of the log-price step per tick: 1 bp, a 10,000-tick walk moves about 1%. */
const STEP_STDDEV = 1e-4;
/** Trade notional in USD is log-normal around this median... */
const MEDIAN_NOTIONAL_USD = 200;
/** ...with this spread of its logarithm (most trades $10–$4,000). */
const NOTIONAL_LOG_STDDEV = 1.5;

/** Options of the synthetic source. */
export interface SyntheticOptions {
  /** Pairs, used round-robin. */
  pairs: readonly string[];
  /** Base open-loop rate. */
  rateEventsPerSec: number;
  /** Seed of the random walk: the same seed gives the same symbols, prices and sizes. */
  seed: number;
  /** Optional periodic bursts. */
  burst?: BurstSpec;
  /** Stop once the schedule reaches this long (the last event is due before it). */
  durationMs?: number;
  /** Stop after this many events. */
  count?: number;
  /** Start of the schedule, epoch µs; by default the moment iteration begins. */
  startUs?: number;
  /** Largest batch yielded at once, when the consumer is behind schedule. Default 10,000. */
  maxBatchEvents?: number;
  /** Late and out-of-order events, and where event time starts (`--disorder`, `--late`, `--event-time-start`). */
  eventTime?: EventTimeOptions;
  /**
   * The share of one of several producer threads (`ProduceOptions.share`): the ticks of the other threads' pairs
   * are skipped without being made (the walk's random numbers are still drawn, so every tick is the one a single
   * producer makes) and each tick carries its `seq`. Ignored with `--disorder` or `--late`, whose per-tick
   * random draws need every tick: then every tick is made and the producer skips.
   */
  share?: { index: number; of: number };
}

/**
 * The deterministic part of the synthetic source: a geometric random walk per pair, pairs taken round-robin,
 * log-normal trade sizes. Event n is the same for a given seed and pair list whatever the rate or clock.
 */
export class TickGenerator {
  private readonly random: () => number;
  private readonly prices: number[];
  private readonly decimals: number[];
  private index = 0;

  /** `pairs` (at least one) and the `seed` of the walk. */
  constructor(
    private readonly pairs: readonly string[],
    seed: number,
  ) {
    this.random = mulberry32(seed);
    this.prices = pairs.map((pair) => START_PRICES[pair] ?? 100);
    // Coinbase quotes BTC to cents and DOGE to 1e-5: keep about six significant digits, at least cents.
    this.decimals = this.prices.map((price) => Math.min(8, Math.max(2, 4 - Math.floor(Math.log10(price)))));
  }

  /**
   * Steps over the next tick without making it: draws its random numbers, so the ticks after it are the same as
   * with `next`. Its pair's price is not moved, so a pair is either always skipped or never.
   */
  skip(): void {
    this.index++;
    for (let draw = 0; draw < 4; draw++) this.random(); // two standard normals, two uniforms each
  }

  /** The slot (place in the pair list) of the next tick. */
  nextSlot(): number {
    return this.index % this.pairs.length;
  }

  /** The next tick of the walk, due at `intendedAtUs` (which is also its event time). */
  next(intendedAtUs: number): Tick {
    const slot = this.index++ % this.pairs.length;
    const price = (this.prices[slot] ?? 0) * Math.exp(STEP_STDDEV * standardNormal(this.random));
    this.prices[slot] = price;
    const notionalUsd = MEDIAN_NOTIONAL_USD * Math.exp(NOTIONAL_LOG_STDDEV * standardNormal(this.random));
    return {
      symbol: this.pairs[slot] ?? '',
      price: price.toFixed(this.decimals[slot]),
      size: (notionalUsd / price).toFixed(8),
      eventTimeUs: intendedAtUs,
      intendedAtUs,
    };
  }
}

/**
 * Synthetic ticks at an open-loop rate: event i is due at `start + schedule.offsetUs(i)` whether or not the
 * consumer kept up, and is generated only once it is due. When the consumer falls behind, the next batch holds
 * every event already due (up to `maxBatchEvents`), so the lag shows up as schedule lag rather than as a lower
 * rate. No Promise or timer per event: at most one sleep per batch.
 */
export class SyntheticSource implements TickSource {
  /** Source kind. */
  readonly name = 'synthetic';
  /** Ticks follow an open-loop schedule. */
  readonly openLoop = true;
  /** Pairs, in round-robin order. */
  readonly pairs: readonly string[];
  private readonly schedule: OpenLoopSchedule;
  private readonly counters = emptyStats();

  /** Validates the options; see {@link SyntheticOptions}. */
  constructor(private readonly options: SyntheticOptions) {
    if (options.pairs.length === 0) throw new UsageError('--pairs: name at least one pair');
    if (!(options.rateEventsPerSec > 0 && Number.isFinite(options.rateEventsPerSec))) {
      throw new UsageError(
        `--rate: ${options.rateEventsPerSec} is not a rate; use events per second above 0`,
      );
    }
    if (options.count !== undefined && !(Number.isInteger(options.count) && options.count >= 0)) {
      throw new UsageError(`--count: ${options.count} is not a number of events; use 0 or more`);
    }
    this.pairs = [...options.pairs];
    this.schedule = new OpenLoopSchedule(options.rateEventsPerSec, options.burst);
  }

  /**
   * Batches of due ticks until the duration or count is reached or `signal` is aborted. Late events (`--late`)
   * are sent when they are due, among the others; those due after the end of the run are never sent.
   */
  async *ticks(signal: AbortSignal): AsyncGenerator<Tick[]> {
    const generator = new TickGenerator(this.pairs, this.options.seed);
    const startUs = this.options.startUs ?? nowUs();
    const shaper = new EventTimeShaper(this.options.eventTime ?? {}, this.options.seed, startUs);
    const limitUs = this.options.durationMs === undefined ? Infinity : this.options.durationMs * 1000;
    const limitCount = this.options.count ?? Infinity;
    const maxBatch = this.options.maxBatchEvents ?? 10_000;
    const owned = this.ownedSlots(shaper);
    let index = 0;
    let offsetUs = this.schedule.offsetUs(0);
    const scheduled = () => index < limitCount && offsetUs < limitUs;
    while (!signal.aborted && (scheduled() || shaper.nextDueUs() - startUs < limitUs)) {
      const elapsedUs = nowUs() - startUs;
      const nextUs = Math.min(scheduled() ? offsetUs : Infinity, shaper.nextDueUs() - startUs);
      if (nextUs > elapsedUs) {
        await sleepMs((nextUs - elapsedUs) / 1000, signal);
        continue;
      }
      const batch: Tick[] = shaper.release(startUs + elapsedUs);
      while (offsetUs <= elapsedUs && batch.length < maxBatch && scheduled()) {
        if (owned === undefined) {
          const tick = shaper.shape(generator.next(Math.round(startUs + offsetUs)));
          if (tick) batch.push(tick);
        } else if (owned[generator.nextSlot()]) {
          // Never held back: a share is skipped only when shaping draws nothing per tick (no late events).
          const tick = shaper.shape(generator.next(Math.round(startUs + offsetUs))) as Tick;
          tick.seq = index;
          batch.push(tick);
        } else {
          generator.skip();
        }
        index += 1;
        offsetUs = this.schedule.offsetUs(index);
      }
      if (batch.length > 0) yield batch;
      if (batch.length >= maxBatch) await yieldToEventLoop();
    }
  }

  /**
   * Which slots this producer's share makes, when it may skip the others: a pair's slot is the place of its first
   * appearance in the list, as the producer's partitioner numbers it. Undefined: make every tick.
   */
  private ownedSlots(shaper: EventTimeShaper): boolean[] | undefined {
    const share = this.options.share;
    if (share === undefined || share.of <= 1 || shaper.drawsPerTick()) return undefined;
    return this.pairs.map((pair) => this.pairs.indexOf(pair) % share.of === share.index);
  }

  /** Counters (all zero: nothing remote can fail). */
  stats(): SourceStats {
    return copyStats(this.counters);
  }
}
