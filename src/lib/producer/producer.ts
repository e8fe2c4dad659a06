import { describe } from '../errors.js';
import { LatencyRecorder } from '../metrics/histogram.js';
import { nowUs } from './clock.js';
import { EventEncoder } from './event.js';
import { SymbolPartitioner } from './partitioner.js';
import type { EventSender, OutgoingEvent } from './senders.js';
import type { SourceStats, Tick, TickSource } from './source.js';

/**
 * Sends awaiting their acknowledgement at once, unless the options say otherwise: one. kafkajs cannot keep two
 * in order (see `EventSender.maxConcurrentSends`); the record-batch sender keeps up to five in order, but five
 * in flight did not make the schedule lag beside the engines steadier in the runs measured (docs/measurement.md),
 * so a run keeps one and `test/bench/producer-bench.ts --in-flight N` measures more.
 */
export const DEFAULT_MAX_IN_FLIGHT_SENDS = 1;

/** Options of {@link produce}. */
export interface ProduceOptions {
  /** A connected idempotent producer (from `connectSender`), writing to the run's topic. */
  sender: Pick<EventSender, 'send'>;
  /** Id of the benchmark run, written into every event. */
  runId: string;
  /** Where ticks come from. */
  source: TickSource;
  /** Partitions of the topic; each pair gets a fixed one (see {@link SymbolPartitioner}). */
  partitions: number;
  /**
   * This producer's share when several send one source (`--producers`): it sends the symbols whose slot `s`
   * (their place in the source's pair list) has `s mod of = index`, and skips the rest. Every producer reads the
   * whole deterministic source (a synthetic source given the same share steps over the other ticks without
   * making them, and stamps each tick's `seq`), so each event keeps its `seq` (its place in the source's stream)
   * and each symbol is sent by one producer, in order. Default: everything.
   */
  share?: { index: number; of: number };
  /** Ctrl-C: stop taking ticks, flush what was handed to Kafka, report `interrupted`. */
  signal?: AbortSignal;
  /** Called about once a second. */
  onProgress?: (progress: ProducerProgress) => void;
  /** Most events in one `send`. Default 500 (kafkajs groups a send's messages per partition in quadratic time). */
  maxBatchEvents?: number;
  /** Most `send` calls awaiting their acknowledgement at once. Default {@link DEFAULT_MAX_IN_FLIGHT_SENDS}. */
  maxInFlightSends?: number;
  /** p99 schedule lag above which an open-loop run is behind schedule. Default 50 ms. */
  behindScheduleBoundUs?: number;
}

/** Cumulative progress of a producer run. */
export interface ProducerProgress {
  /** Events acknowledged by Kafka. */
  sent: number;
  /** Events whose send failed after the client's retries. */
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
  /** Events acknowledged by Kafka (acks=all). With one producer their seq numbers are 0..sent+failed−1 minus the failed ones. */
  sent: number;
  /** Events whose send failed after the client's retries; never silently dropped. */
  failed: number;
  /** `produced_at` of the first event, epoch µs; 0 when nothing was produced. */
  firstProducedAtUs: number;
  /** `produced_at` of the last event, epoch µs; 0 when nothing was produced. */
  lastProducedAtUs: number;
  /** Earliest `intended_at` handed to Kafka, epoch µs; Infinity when nothing was. */
  firstIntendedAtUs: number;
  /** Latest `intended_at` handed to Kafka, epoch µs; −Infinity when nothing was. */
  lastIntendedAtUs: number;
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
  /** Why producing stopped early when a producer thread died (see `produceInThreads`); absent otherwise. */
  failure?: string;
  /** The scheduling priority asked for and not given, one sentence per cause; absent when all was given. */
  priorityNotGiven?: string[];
}

/**
 * Sends a source's ticks (or this producer's share of them) to Kafka as events of the contract
 * (docs/architecture.md#event-contract), with `acks=all`, fixed partitions per symbol and a run-wide `seq` from 0: the tick's place in the
 * source's stream.
 *
 * Each tick is accepted the moment the source yields it: `produced_at` is stamped and its event's JSON written
 * then, as Kafka's own producer takes a record into its accumulator on `send()` (and OpenMessaging Benchmark
 * stamps its publish time there). Accepted events wait in a queue while `maxInFlightSends` sends are
 * unacknowledged, and the next send takes everything queued (up to `maxBatchEvents`), so batches grow with the
 * load; that wait belongs to the Kafka stage (`kafka_ts − produced_at`) and to the end-to-end latency, never to
 * the schedule lag, which is only how late the producer accepted each event against its schedule. When the
 * queue is full the source is not read; an open-loop source then falls behind its schedule, and the schedule lag
 * shows it. On abort, events not yet handed to Kafka are dropped (never sent, so counted nowhere) and sends in
 * flight are awaited and counted.
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

/** An event accepted from the source: its record's key, JSON and partition, and when it was accepted. */
interface AcceptedEvent extends OutgoingEvent {
  intendedAtUs: number;
  producedAtUs: number;
}

/** State of one {@link produce} call. */
class ProducerRun {
  private readonly partitioner: SymbolPartitioner;
  private readonly lag = new LatencyRecorder();
  private readonly encoder: EventEncoder;
  private readonly maxBatch: number;
  private readonly maxInFlight: number;
  private readonly startedAtMs = Date.now();
  private queue: AcceptedEvent[] = [];
  private queueHead = 0;
  private nextIndex = 0;
  private inFlight = 0;
  private wake: (() => void) | undefined;
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
    this.encoder = new EventEncoder(options.runId);
    this.maxBatch = Math.max(1, options.maxBatchEvents ?? 500);
    this.maxInFlight = Math.max(1, options.maxInFlightSends ?? DEFAULT_MAX_IN_FLIGHT_SENDS);
  }

  /** Reads the source into the queue, sending as slots free up; waits while the queue is full. */
  async pump(signal: AbortSignal): Promise<void> {
    const highWater = 2 * this.maxBatch;
    const share = this.options.share ?? { index: 0, of: 1 };
    for await (const batch of this.options.source.ticks(signal)) {
      for (const tick of batch) {
        const index = tick.seq ?? this.nextIndex++;
        if (share.of > 1 && this.partitioner.slotOf(tick.symbol) % share.of !== share.index) continue;
        this.queue.push(this.accept(tick, index));
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
      firstIntendedAtUs: this.firstIntendedAtUs,
      lastIntendedAtUs: this.lastIntendedAtUs,
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

  /** Starts sends while there are free slots and queued events. */
  private kick(): void {
    while (this.inFlight < this.maxInFlight && this.pending() > 0) {
      const start = this.queueHead;
      const end = Math.min(this.queue.length, start + this.maxBatch);
      const batch = this.queue.slice(start, end);
      this.queueHead = end;
      if (this.queueHead === this.queue.length || this.queueHead >= 4 * this.maxBatch) {
        this.queue = this.queue.slice(this.queueHead);
        this.queueHead = 0;
      }
      this.send(batch);
    }
  }

  private send(batch: AcceptedEvent[]): void {
    this.inFlight += 1;
    this.options.sender
      .send(batch)
      .then(
        () => {
          this.sent += batch.length;
          this.countHanded(batch, true);
        },
        (error: unknown) => {
          this.failed += batch.length;
          this.countHanded(batch, false);
          this.sendErrors.push(`${batch.length} events not sent: ${describe(error)}`);
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

  /** Stamps `produced_at`, records the schedule lag and writes the event's JSON: the tick is now the client's. */
  private accept(tick: Tick, seq: number): AcceptedEvent {
    const producedAtUs = nowUs();
    this.lag.record(producedAtUs - tick.intendedAtUs);
    const value = this.encoder.json(
      seq,
      tick.symbol,
      tick.price,
      tick.size,
      tick.eventTimeUs,
      tick.intendedAtUs,
      producedAtUs,
    );
    const partition = this.partitioner.partitionOf(tick.symbol);
    return { key: tick.symbol, value, partition, intendedAtUs: tick.intendedAtUs, producedAtUs };
  }

  /**
   * Widens the spans the rates are taken over: `intended_at` over every event handed to Kafka (offered),
   * `produced_at` over the acknowledged ones (achieved).
   */
  private countHanded(batch: AcceptedEvent[], acknowledged: boolean): void {
    for (const event of batch) {
      if (event.intendedAtUs < this.firstIntendedAtUs) this.firstIntendedAtUs = event.intendedAtUs;
      if (event.intendedAtUs > this.lastIntendedAtUs) this.lastIntendedAtUs = event.intendedAtUs;
      if (!acknowledged) continue;
      if (this.firstProducedAtUs === 0 || event.producedAtUs < this.firstProducedAtUs) {
        this.firstProducedAtUs = event.producedAtUs;
      }
      if (event.producedAtUs > this.lastProducedAtUs) this.lastProducedAtUs = event.producedAtUs;
    }
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
