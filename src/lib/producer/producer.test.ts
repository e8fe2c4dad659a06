import { describe, expect, it } from 'vitest';
import { DEFAULTS } from '../config/defaults.js';
import { nowUs } from './clock.js';
import type { TickEvent } from './event.js';
import { produce, type ProducerProgress } from './producer.js';
import type { EventSender, OutgoingEvent } from './senders.js';
import { emptyStats, type Tick, type TickSource } from './source.js';
import { SyntheticSource } from './synthetic.js';

/**
 * Stands in for a Kafka client's `send` in unit tests only (the producer's figures against a real broker come
 * from test/bench/producer-bench.ts): records every batch, acknowledges after `delayMs`, or fails the calls chosen.
 */
class RecordingSend implements Pick<EventSender, 'send'> {
  readonly records: { messages: OutgoingEvent[] }[] = [];
  inFlight = 0;
  maxInFlight = 0;
  constructor(
    private readonly delayMs = 0,
    private readonly fails: (call: number) => boolean = () => false,
  ) {}

  readonly send = async (messages: OutgoingEvent[]): Promise<void> => {
    const call = this.records.push({ messages }) - 1;
    this.inFlight += 1;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    this.inFlight -= 1;
    if (this.fails(call)) throw new Error('KafkaJSNumberOfRetriesExceeded: broker gone');
  };

  events(): TickEvent[] {
    return this.records.flatMap((record) => record.messages.map((message) => JSON.parse(message.value)));
  }
}

function fixedSource(ticks: Tick[], openLoop = true): TickSource {
  return {
    name: 'fixed',
    pairs: DEFAULTS.pairs,
    openLoop,
    async *ticks() {
      yield ticks;
    },
    stats: emptyStats,
  };
}

const synthetic = (count: number, rateEventsPerSec = 100_000) =>
  new SyntheticSource({ pairs: DEFAULTS.pairs, rateEventsPerSec, seed: 3, count });

const base = { runId: 'run-1', partitions: DEFAULTS.topicPartitions };

describe('produce', () => {
  it('writes the event contract with a run-wide seq from 0 and one fixed partition per pair', async () => {
    const kafka = new RecordingSend();
    const before = nowUs();
    const report = await produce({ ...base, sender: kafka, source: synthetic(1_000) });
    const events = kafka.events();
    expect(report).toMatchObject({ sent: 1_000, failed: 0, interrupted: false });
    expect(events.map((event) => event.seq)).toEqual(Array.from({ length: 1_000 }, (_, i) => i));
    const event = events[0] as TickEvent;
    expect(Object.keys(event)).toEqual([
      'v',
      'run_id',
      'seq',
      'symbol',
      'price',
      'size',
      'event_time',
      'intended_at',
      'produced_at',
    ]);
    expect(event).toMatchObject({ v: 1, run_id: 'run-1', symbol: 'BTC-USD' });
    expect(event.produced_at).toBeGreaterThanOrEqual(Math.max(before, event.intended_at));
    const partitions = kafka.records.flatMap((record) => record.messages.map((m) => [m.key, m.partition]));
    expect(new Map(partitions as [string, number][])).toEqual(
      new Map([
        ['BTC-USD', 0],
        ['ETH-USD', 1],
        ['SOL-USD', 2],
        ['ADA-USD', 0],
        ['DOGE-USD', 1],
      ]),
    );
  });

  it('records the schedule lag of every event and reports the offered and achieved rates', async () => {
    const report = await produce({
      ...base,
      sender: new RecordingSend(),
      source: synthetic(2_000, 20_000),
    });
    expect(report.scheduleLagUs.count).toBe(2_000);
    expect(report.offeredRateEventsPerSec).toBeCloseTo(20_000, 0);
    expect(report.achievedRateEventsPerSec).toBeGreaterThan(10_000);
    expect(report.behindSchedule).toBe(false);
    expect(report.lastProducedAtUs).toBeGreaterThan(report.firstProducedAtUs);
  });

  it('stamps produced_at when it accepts a tick, so waiting for an acknowledgement is Kafka time, not schedule lag', async () => {
    const kafka = new RecordingSend(40);
    const report = await produce({
      ...base,
      sender: kafka,
      source: synthetic(200, 1_000),
      maxInFlightSends: 1,
    });
    const events = kafka.events();
    expect(events).toHaveLength(200);
    // Every send waits 40 ms for the one before it, yet each event was accepted on its 1 ms slot.
    expect(kafka.records.length).toBeLessThan(20);
    const lagsUs = events.map((event) => event.produced_at - event.intended_at).sort((a, b) => a - b);
    expect(lagsUs[Math.floor(0.5 * lagsUs.length)]).toBeLessThan(5_000);
    expect(report.behindSchedule).toBe(false);
  });

  it('batches and keeps at most the allowed number of sends in flight', async () => {
    const kafka = new RecordingSend(5);
    await produce({
      ...base,
      sender: kafka,
      source: synthetic(20_000, 1e6),
      maxBatchEvents: 500,
      maxInFlightSends: 3,
    });
    expect(kafka.maxInFlight).toBe(3);
    expect(kafka.records.every((record) => record.messages.length <= 500)).toBe(true);
    expect(kafka.records.length).toBeLessThan(100);
  });

  it('counts failed sends instead of dropping them silently', async () => {
    const kafka = new RecordingSend(0, (call) => call === 1);
    const report = await produce({
      ...base,
      sender: kafka,
      source: synthetic(3_000, 1e6),
      maxBatchEvents: 1_000,
      maxInFlightSends: 1,
    });
    expect(report.sent + report.failed).toBe(3_000);
    expect(report.failed).toBe(kafka.records[1]?.messages.length);
    expect(report.sendErrors[0]).toMatch(/events not sent: KafkaJSNumberOfRetriesExceeded/);
  });

  it('marks an open-loop run behind schedule when Kafka cannot keep up', async () => {
    const startUs = nowUs() - 1_000_000;
    const late = Array.from({ length: 10 }, (_, i) => ({
      symbol: 'BTC-USD',
      price: '1',
      size: '1',
      eventTimeUs: startUs,
      intendedAtUs: startUs + i,
    }));
    const report = await produce({ ...base, sender: new RecordingSend(), source: fixedSource(late) });
    expect(report.behindSchedule).toBe(true);
    const live = await produce({ ...base, sender: new RecordingSend(), source: fixedSource(late, false) });
    expect(live.behindSchedule).toBe(false);
    const lenient = await produce({
      ...base,
      sender: new RecordingSend(),
      source: fixedSource(late),
      behindScheduleBoundUs: 5_000_000,
    });
    expect(lenient.behindSchedule).toBe(false);
  });

  it('stops on Ctrl-C, counts what was handed to Kafka and says it was interrupted', async () => {
    const kafka = new RecordingSend(20);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 150);
    const report = await produce({
      ...base,
      sender: kafka,
      source: synthetic(1e9, 10_000),
      signal: controller.signal,
    });
    expect(report.interrupted).toBe(true);
    expect(report.sent).toBe(kafka.events().length);
    expect(report.sent).toBeGreaterThan(500);
    expect(kafka.inFlight).toBe(0);
  });

  it('reports progress about once a second', async () => {
    const progress: ProducerProgress[] = [];
    await produce({
      ...base,
      sender: new RecordingSend(),
      source: synthetic(2_300, 1_000),
      onProgress: (p) => progress.push(p),
    });
    expect(progress.length).toBeGreaterThanOrEqual(2);
    expect(progress.length).toBeLessThanOrEqual(3);
    expect(progress[0]?.currentRateEventsPerSec).toBeGreaterThan(800);
    expect(progress[1]?.sent).toBeGreaterThan(progress[0]?.sent ?? 0);
    expect(progress[1]?.elapsedMs).toBeGreaterThanOrEqual(1_900);
  });

  it("sends the same events when each producer thread's synthetic source makes only its share of the ticks", async () => {
    const startUs = nowUs();
    const options = { pairs: DEFAULTS.pairs, rateEventsPerSec: 1e6, seed: 7, count: 5_000, startUs };
    const strip = (events: TickEvent[]) =>
      events.map(({ produced_at: _produced, ...rest }) => rest).sort((a, b) => a.seq - b.seq);
    const alone = new RecordingSend();
    await produce({ ...base, sender: alone, source: new SyntheticSource(options) });
    const shares = [new RecordingSend(), new RecordingSend(), new RecordingSend()];
    await Promise.all(
      shares.map((sender, index) => {
        const share = { index, of: 3 };
        return produce({ ...base, sender, source: new SyntheticSource({ ...options, share }), share });
      }),
    );
    expect(strip(shares.flatMap((share) => share.events()))).toEqual(strip(alone.events()));
  });

  it('splits a source over producers by symbol: together they send exactly the events one producer sends', async () => {
    const startUs = nowUs();
    const source = () =>
      new SyntheticSource({ pairs: DEFAULTS.pairs, rateEventsPerSec: 1e6, seed: 7, count: 5_000, startUs });
    const strip = (events: TickEvent[]) =>
      events.map(({ produced_at: _produced, ...rest }) => rest).sort((a, b) => a.seq - b.seq);
    const alone = new RecordingSend();
    await produce({ ...base, sender: alone, source: source() });
    const shares = [new RecordingSend(), new RecordingSend()];
    await Promise.all(
      shares.map((sender, index) => produce({ ...base, sender, source: source(), share: { index, of: 2 } })),
    );
    expect(strip(shares.flatMap((share) => share.events()))).toEqual(strip(alone.events()));
    const symbolsOf = (send: RecordingSend) => new Set(send.events().map((event) => event.symbol));
    expect([...symbolsOf(shares[0] as RecordingSend)]).toEqual(['BTC-USD', 'SOL-USD', 'DOGE-USD']);
    expect([...symbolsOf(shares[1] as RecordingSend)]).toEqual(['ETH-USD', 'ADA-USD']);
    const partitionOf = (send: RecordingSend) =>
      new Map(send.records.flatMap((r) => r.messages.map((m) => [m.key, m.partition] as const)));
    expect(partitionOf(shares[1] as RecordingSend)).toEqual(
      new Map([
        ['ETH-USD', 1],
        ['ADA-USD', 0],
      ]),
    );
  });
});
