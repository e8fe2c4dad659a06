import type { Message, Producer } from 'kafkajs';
import { describe } from '../errors.js';
import { LatencyRecorder } from '../metrics/histogram.js';
import { nowUs } from './clock.js';
import { EVENT_SCHEMA_VERSION, eventJson } from './event.js';
import { SymbolPartitioner } from './partitioner.js';
import type { SourceStats, Tick, TickSource } from './source.js';

/** Options of {@link produce}. */
export interface ProduceOptions {
  /** A connected kafkajs producer (idempotent, from `connectProducer`); only `send` is used. */
  producer: Pick<Producer, 'send'>;
  /** Topic to write to. */
  topic: string;
  /** Id of the benchmark run, written into every event. */
  runId: string;
  /** Where ticks come from. */
  source: TickSource;
  /** Partitions of the topic; each pair gets a fixed one (see {@link SymbolPartitioner}). */
  partitions: number;
  /** Ctrl-C: stop taking ticks, flush what was handed to Kafka, report `interrupted`. */
  signal?: AbortSignal;
  /** Called about once a second. */
  onProgress?: (progress: ProducerProgress) => void;
  /** Most events in one `send`. Default 500 (kafkajs groups a send's messages per partition in quadratic time). */
  maxBatchEvents?: number;
  /** Most `send` calls awaiting their acknowledgement at once. Default 2. */
  maxInFlightSends?: number;
  /** p99 schedule lag above which an open-loop run is behind schedule. Default 50 ms. */
  behindScheduleBoundUs?: number;
}

/** Cumulative progress of a producer run. */
export interface ProducerProgress {
  /** Events acknowledged by Kafka. */
  sent: number;
  /** Events whose send failed after kafkajs' retries. */
  failed: number;
  /** Time since the run started. */
  elapsedMs: number;
  /** Acknowledged events per second over the last progress interval. */
  currentRateEventsPerSec: number;
  /** p99 of schedule lag (`produced_at − intended_at`) so far. */
  scheduleLagP99Us: number;
}

/** Outcome of a producer run. */
export interface ProducerReport {
  /** Events acknowledged by Kafka (acks=all); their seq numbers are 0..sent+failed−1 minus the failed ones. */
  sent: number;
  /** Events whose send failed after kafkajs' retries; never silently dropped. */
  failed: number;
  /** `produced_at` of the first event, epoch µs; 0 when nothing was produced. */
  firstProducedAtUs: number;
  /** `produced_at` of the last event, epoch µs; 0 when nothing was produced. */
  lastProducedAtUs: number;
  /** Schedule lag of every event handed to Kafka, µs (negative values, clock rounding only, are kept). */
  scheduleLagUs: LatencyRecorder;
  /** Events per second the schedule asked for: events over the span of their intended times. */
  offeredRateEventsPerSec: number;
  /** Events per second acknowledged: acknowledged events over the span of their produced times. */
  achievedRateEventsPerSec: number;
  /** An open-loop source's p99 schedule lag exceeded the bound: the asked load was not offered. */
  behindSchedule: boolean;
  /** The source's counters at the end. */
  sourceStats: SourceStats;
  /** The last few send failures. */
  sendErrors: string[];
  /** Stopped by `signal`. */
  interrupted: boolean;
}

/**
 * Sends a source's ticks to Kafka as events of the contract (DESIGN section 2), with `acks=all`, fixed
 * partitions per symbol and a run-wide `seq` from 0.
 *
 * Ticks wait in a queue while `maxInFlightSends` sends are unacknowledged, and the next send takes everything
 * queued (up to `maxBatchEvents`), so batches grow with the load, as a Kafka producer's accumulator does.
 * `produced_at` is stamped on each event as its record is built, immediately before the batch is handed to
 * kafkajs. When the queue is full the source is not read; an open-loop source then falls behind its schedule,
 * and the schedule lag recorded for every event shows it. On abort, ticks not yet handed to Kafka are dropped
 * (they have no seq yet, so no gap appears) and sends in flight are awaited and counted.
 */
export async function produce(options: ProduceOptions): Promise<ProducerReport> {
  const run = new ProducerRun(options);
  const signal = options.signal ?? new AbortController().signal;
  const timer = setInterval(() => run.reportProgress(), 1000);
  try {
    await run.pump(signal);
  } finally {
    clearInterval(timer);
    await run.drain(signal.aborted);
  }
  return run.report(signal.aborted);
}

/** State of one {@link produce} call. */
class ProducerRun {
  private readonly partitioner: SymbolPartitioner;
  private readonly lag = new LatencyRecorder();
  private readonly maxBatch: number;
  private readonly maxInFlight: number;
  private readonly startedAtMs = Date.now();
  private queue: Tick[] = [];
  private queueHead = 0;
  private inFlight = 0;
  private wake: (() => void) | undefined;
  private seq = 0;
  private sent = 0;
  private failed = 0;
  private firstIntendedAtUs = Infinity;
  private lastIntendedAtUs = -Infinity;
  private firstProducedAtUs = 0;
  private lastProducedAtUs = 0;
  private readonly sendErrors: string[] = [];
  private progressMark = { atMs: Date.now(), sent: 0 };

  constructor(private readonly options: ProduceOptions) {
    this.partitioner = new SymbolPartitioner(options.source.pairs, options.partitions);
    this.maxBatch = Math.max(1, options.maxBatchEvents ?? 500);
    this.maxInFlight = Math.max(1, options.maxInFlightSends ?? 2);
  }

  /** Reads the source into the queue, sending as slots free up; waits while the queue is full. */
  async pump(signal: AbortSignal): Promise<void> {
    const highWater = 2 * this.maxBatch;
    for await (const batch of this.options.source.ticks(signal)) {
      if (this.queueHead === this.queue.length) {
        this.queue = batch;
        this.queueHead = 0;
      } else {
        for (const tick of batch) this.queue.push(tick);
      }
      this.kick();
      while (this.pending() >= highWater && !signal.aborted) await this.sendSettled();
    }
  }

  /** After the source ends: send what is queued (unless aborted) and wait for every acknowledgement. */
  async drain(aborted: boolean): Promise<void> {
    if (aborted) {
      this.queue = [];
      this.queueHead = 0;
    }
    while (this.pending() > 0 || this.inFlight > 0) {
      this.kick();
      await this.sendSettled();
    }
  }

  /** Calls `onProgress` with the counters so far. */
  reportProgress(): void {
    const nowMs = Date.now();
    const intervalMs = Math.max(1, nowMs - this.progressMark.atMs);
    this.options.onProgress?.({
      sent: this.sent,
      failed: this.failed,
      elapsedMs: nowMs - this.startedAtMs,
      currentRateEventsPerSec: ((this.sent - this.progressMark.sent) * 1000) / intervalMs,
      scheduleLagP99Us: this.lag.percentileUs(0.99) ?? 0,
    });
    this.progressMark = { atMs: nowMs, sent: this.sent };
  }

  /** The final figures. */
  report(interrupted: boolean): ProducerReport {
    const handed = this.sent + this.failed;
    const intendedSpanSec = (this.lastIntendedAtUs - this.firstIntendedAtUs) / 1e6;
    const producedSpanSec = (this.lastProducedAtUs - this.firstProducedAtUs) / 1e6;
    const p99Us = this.lag.percentileUs(0.99) ?? 0;
    return {
      sent: this.sent,
      failed: this.failed,
      firstProducedAtUs: this.firstProducedAtUs,
      lastProducedAtUs: this.lastProducedAtUs,
      scheduleLagUs: this.lag,
      offeredRateEventsPerSec: handed > 1 && intendedSpanSec > 0 ? (handed - 1) / intendedSpanSec : 0,
      achievedRateEventsPerSec: this.sent > 1 && producedSpanSec > 0 ? (this.sent - 1) / producedSpanSec : 0,
      behindSchedule: this.options.source.openLoop && p99Us > (this.options.behindScheduleBoundUs ?? 50_000),
      sourceStats: this.options.source.stats(),
      sendErrors: [...this.sendErrors],
      interrupted,
    };
  }

  private pending(): number {
    return this.queue.length - this.queueHead;
  }

  /** Starts sends while there are free slots and queued ticks. */
  private kick(): void {
    while (this.inFlight < this.maxInFlight && this.pending() > 0) {
      const end = Math.min(this.queue.length, this.queueHead + this.maxBatch);
      const ticks = this.queue.slice(this.queueHead, end);
      this.queueHead = end;
      if (this.queueHead === this.queue.length || this.queueHead >= 4 * this.maxBatch) {
        this.queue = this.queue.slice(this.queueHead);
        this.queueHead = 0;
      }
      this.send(ticks);
    }
  }

  private send(ticks: Tick[]): void {
    const messages = ticks.map((tick) => this.toMessage(tick));
    this.inFlight += 1;
    this.options.producer
      .send({ topic: this.options.topic, acks: -1, messages })
      .then(
        () => {
          this.sent += ticks.length;
        },
        (error: unknown) => {
          this.failed += ticks.length;
          this.sendErrors.push(`${ticks.length} events not sent: ${describe(error)}`);
          if (this.sendErrors.length > 10) this.sendErrors.shift();
        },
      )
      .finally(() => {
        this.inFlight -= 1;
        const wake = this.wake;
        this.wake = undefined;
        wake?.();
        this.kick();
      });
  }

  private toMessage(tick: Tick): Message {
    const producedAtUs = nowUs();
    if (this.firstProducedAtUs === 0) this.firstProducedAtUs = producedAtUs;
    this.lastProducedAtUs = producedAtUs;
    if (tick.intendedAtUs < this.firstIntendedAtUs) this.firstIntendedAtUs = tick.intendedAtUs;
    if (tick.intendedAtUs > this.lastIntendedAtUs) this.lastIntendedAtUs = tick.intendedAtUs;
    this.lag.record(producedAtUs - tick.intendedAtUs);
    const value = eventJson({
      v: EVENT_SCHEMA_VERSION,
      run_id: this.options.runId,
      seq: this.seq++,
      symbol: tick.symbol,
      price: tick.price,
      size: tick.size,
      event_time: tick.eventTimeUs,
      intended_at: tick.intendedAtUs,
      produced_at: producedAtUs,
    });
    return { key: tick.symbol, value, partition: this.partitioner.partitionOf(tick.symbol) };
  }

  /** Resolves when any send settles. */
  private sendSettled(): Promise<void> {
    return new Promise((resolve) => {
      const previous = this.wake;
      this.wake = () => {
        previous?.();
        resolve();
      };
    });
  }
}
