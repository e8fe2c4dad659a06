import { describe, expect, it } from 'vitest';
import { DEFAULTS } from '../config/defaults.js';
import { nowUs } from './clock.js';
import type { Tick } from './source.js';
import { START_PRICES, SyntheticSource, TickGenerator } from './synthetic.js';

function generate(seed: number, count: number): Omit<Tick, 'eventTimeUs' | 'intendedAtUs'>[] {
  const generator = new TickGenerator(DEFAULTS.pairs, seed);
  return Array.from({ length: count }, () => {
    const { symbol, price, size } = generator.next(0);
    return { symbol, price, size };
  });
}

async function collect(source: SyntheticSource): Promise<{ ticks: Tick[]; batches: number }> {
  const ticks: Tick[] = [];
  let batches = 0;
  for await (const batch of source.ticks(new AbortController().signal)) {
    batches += 1;
    ticks.push(...batch);
  }
  return { ticks, batches };
}

describe('TickGenerator', () => {
  it('gives the same symbols, prices and sizes for the same seed', () => {
    expect(generate(42, 1000)).toEqual(generate(42, 1000));
  });

  it('gives different prices for a different seed', () => {
    expect(generate(43, 1000)).not.toEqual(generate(42, 1000));
  });

  it('takes the pairs round-robin and starts each walk near its market price', () => {
    const ticks = generate(7, 10);
    expect(ticks.map((tick) => tick.symbol)).toEqual([...DEFAULTS.pairs, ...DEFAULTS.pairs]);
    for (const tick of ticks) {
      const start = START_PRICES[tick.symbol] ?? 0;
      expect(Number(tick.price)).toBeGreaterThan(start * 0.99);
      expect(Number(tick.price)).toBeLessThan(start * 1.01);
      expect(Number(tick.size)).toBeGreaterThan(0);
    }
  });

  it('quotes BTC to the cent and DOGE to 1e-5, as Coinbase does', () => {
    const [btc, , , , doge] = generate(1, 5);
    expect(btc?.price).toMatch(/^\d{5}\.\d{2}$/);
    expect(doge?.price).toMatch(/^0\.\d{5}$/);
  });
});

describe('SyntheticSource', () => {
  it('schedules event i at exactly start + i/rate, its event time equal to its intended time', async () => {
    const startUs = nowUs();
    const source = new SyntheticSource({
      pairs: DEFAULTS.pairs,
      rateEventsPerSec: 50_000,
      seed: 1,
      count: 5_000,
      startUs,
    });
    const { ticks } = await collect(source);
    expect(ticks).toHaveLength(5_000);
    ticks.forEach((tick, i) => {
      expect(tick.intendedAtUs).toBe(startUs + i * 20);
      expect(tick.eventTimeUs).toBe(tick.intendedAtUs);
    });
  });

  it('never hands out an event before it is due', async () => {
    const source = new SyntheticSource({
      pairs: DEFAULTS.pairs,
      rateEventsPerSec: 2_000,
      seed: 1,
      count: 200,
    });
    for await (const batch of source.ticks(new AbortController().signal)) {
      const handedAtUs = nowUs();
      for (const tick of batch) expect(tick.intendedAtUs).toBeLessThanOrEqual(handedAtUs);
    }
  });

  it('stops when the schedule reaches the duration', async () => {
    const startUs = nowUs();
    const source = new SyntheticSource({
      pairs: ['BTC-USD'],
      rateEventsPerSec: 10_000,
      seed: 1,
      durationMs: 50,
      startUs,
    });
    const { ticks } = await collect(source);
    expect(ticks).toHaveLength(500);
    expect(ticks.at(-1)?.intendedAtUs).toBe(startUs + 49_900);
  });

  it('generates 200,000 events in well under two seconds, in batches rather than one by one', async () => {
    const startUs = nowUs() - 2_000_000; // all due at once: measures generation alone
    const source = new SyntheticSource({
      pairs: DEFAULTS.pairs,
      rateEventsPerSec: 100_000,
      seed: 1,
      count: 200_000,
      startUs,
    });
    const started = performance.now();
    const { ticks, batches } = await collect(source);
    expect(ticks).toHaveLength(200_000);
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(batches).toBeLessThanOrEqual(20);
  });

  it('repeats the same sequence each time it is iterated', async () => {
    const options = { pairs: DEFAULTS.pairs, rateEventsPerSec: 1e6, seed: 9, count: 100 };
    const first = await collect(new SyntheticSource(options));
    const again = await collect(new SyntheticSource(options));
    expect(again.ticks.map((tick) => tick.price)).toEqual(first.ticks.map((tick) => tick.price));
  });

  it('stops promptly when aborted', async () => {
    const controller = new AbortController();
    const source = new SyntheticSource({ pairs: DEFAULTS.pairs, rateEventsPerSec: 10, seed: 1 });
    setTimeout(() => controller.abort(), 50);
    const started = performance.now();
    for await (const batch of source.ticks(controller.signal)) expect(batch.length).toBeGreaterThan(0);
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it('refuses a rate that is not positive, naming the flag', () => {
    expect(() => new SyntheticSource({ pairs: DEFAULTS.pairs, rateEventsPerSec: 0, seed: 1 })).toThrow(
      /--rate/,
    );
  });

  it('makes only a share of the ticks, each the one the whole source makes at the same place (its seq)', async () => {
    const options = { pairs: DEFAULTS.pairs, rateEventsPerSec: 1e6, seed: 5, count: 1_000, startUs: nowUs() };
    const { ticks: all } = await collect(new SyntheticSource(options));
    const { ticks: share } = await collect(new SyntheticSource({ ...options, share: { index: 1, of: 2 } }));
    const expected = all.flatMap((tick, seq) =>
      (DEFAULTS.pairs as readonly string[]).indexOf(tick.symbol) % 2 === 1 ? [{ ...tick, seq }] : [],
    );
    expect(share).toEqual(expected);
  });

  it('makes every tick despite a share when late events need their random draws', async () => {
    const options = {
      pairs: DEFAULTS.pairs,
      rateEventsPerSec: 1e6,
      seed: 5,
      count: 1_000,
      startUs: nowUs(),
      eventTime: { disorderMs: 5 },
    };
    const { ticks } = await collect(new SyntheticSource({ ...options, share: { index: 1, of: 2 } }));
    expect(ticks).toHaveLength(1_000);
    expect(ticks.every((tick) => tick.seq === undefined)).toBe(true);
  });
});
