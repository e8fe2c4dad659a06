import { describe, expect, it } from 'vitest';
import { checkEventTimeOptions, parseLate, type EventTimeOptions } from './event-time.js';
import type { Tick } from './source.js';
import { SyntheticSource } from './synthetic.js';

async function ticksOf(eventTime: EventTimeOptions, durationMs = 1000, seed = 3): Promise<Tick[]> {
  // Scheduled two seconds in the past, on a whole second (windows align to the epoch): every event is due at
  // once, the test does not wait.
  const startUs = Math.floor(Date.now() / 1000) * 1_000_000 - 2_000_000;
  const source = new SyntheticSource({
    pairs: ['BTC-USD', 'ETH-USD'],
    rateEventsPerSec: 10_000,
    seed,
    durationMs,
    startUs,
    eventTime,
  });
  const ticks: Tick[] = [];
  for await (const batch of source.ticks(new AbortController().signal)) ticks.push(...batch);
  return ticks.map((tick) => ({
    ...tick,
    eventTimeUs: tick.eventTimeUs - startUs,
    intendedAtUs: tick.intendedAtUs - startUs,
  }));
}

describe('parseLate', () => {
  it('reads a fraction and a delay', () => {
    expect(parseLate('0.01:30s')).toEqual({ fraction: 0.01, delayMs: 30_000 });
    expect(parseLate('1:500ms')).toEqual({ fraction: 1, delayMs: 500 });
  });

  it('refuses a fraction outside (0, 1] and text that is not FRACTION:DELAY', () => {
    expect(parseLate('0:30s')).toMatch(/outside \(0, 1\]/);
    expect(parseLate('1.5:30s')).toMatch(/outside \(0, 1\]/);
    expect(parseLate('-0.1:30s')).toMatch(/outside \(0, 1\]/);
    expect(parseLate('0.01')).toMatch(/FRACTION:DELAY/);
    expect(parseLate('0.01:soon')).toMatch(/not a duration/);
  });
});

describe('the synthetic source with --disorder', () => {
  it('moves each event time back by at most MAX, so some events are out of order', async () => {
    const ticks = await ticksOf({ disorderMs: 2 });
    expect(ticks).toHaveLength(10_000);
    let outOfOrder = 0;
    ticks.forEach((tick, i) => {
      expect(tick.eventTimeUs).toBeLessThanOrEqual(tick.intendedAtUs);
      expect(tick.eventTimeUs).toBeGreaterThanOrEqual(tick.intendedAtUs - 2_000);
      if (i > 0 && tick.eventTimeUs < (ticks[i - 1] as Tick).eventTimeUs) outOfOrder++;
    });
    expect(outOfOrder).toBeGreaterThan(1000);
  });

  it('gives the same event times for the same seed and the same prices as without disorder', async () => {
    const first = await ticksOf({ disorderMs: 5 });
    const again = await ticksOf({ disorderMs: 5 });
    const plain = await ticksOf({});
    expect(again).toEqual(first);
    expect(first.map((tick) => tick.price)).toEqual(plain.map((tick) => tick.price));
    expect((await ticksOf({ disorderMs: 5 }, 1000, 4)).map((t) => t.eventTimeUs)).not.toEqual(
      first.map((t) => t.eventTimeUs),
    );
  });
});

describe('the synthetic source with --late', () => {
  // Windows of 100 ms closed by a 10 ms watermark: a late event goes 20 ms after its window closed.
  const late: EventTimeOptions = {
    late: { fraction: 0.1, delayMs: 20 },
    windowMs: 100,
    watermarkDelayMs: 10,
  };

  it('sends that fraction of events DELAY after their window has closed, keeping their event time', async () => {
    const ticks = await ticksOf(late);
    const held = ticks.filter((tick) => tick.intendedAtUs !== tick.eventTimeUs);
    // About 10% of 10,000; those of the last window would be due after the run and are not sent.
    expect(held.length).toBeGreaterThan(800);
    expect(held.length).toBeLessThan(1100);
    for (const tick of held) {
      const windowEndUs = (Math.floor(tick.eventTimeUs / 100_000) + 1) * 100_000;
      expect(tick.intendedAtUs).toBe(windowEndUs + 30_000);
    }
    // Each is sent after an event whose time had already closed its window.
    const index = ticks.indexOf(held[0] as Tick);
    const closing = (Math.floor((held[0] as Tick).eventTimeUs / 100_000) + 1) * 100_000 + 10_000;
    expect(ticks.slice(0, index).some((tick) => tick.eventTimeUs >= closing)).toBe(true);
  });

  it('sends the same late events for the same seed', async () => {
    expect(await ticksOf(late)).toEqual(await ticksOf(late));
  });

  it('starts event time at --event-time-start, whatever the send time', async () => {
    const ticks = await ticksOf({ eventTimeStartUs: 0 }, 10);
    const startUs = Date.now() * 1000 - 2_000_000;
    expect(ticks[0]?.eventTimeUs).toBeLessThan(-startUs / 2);
  });
});

describe('checkEventTimeOptions', () => {
  it('refuses --disorder and --late on a live or replay source, naming the flag', () => {
    expect(() => checkEventTimeOptions({ disorderMs: 2000 }, 'replay', 60_000)).toThrow(/--disorder/);
    expect(() =>
      checkEventTimeOptions({ late: { fraction: 0.1, delayMs: 1 } }, 'coinbase-ws', 60_000),
    ).toThrow(/--late/);
  });

  it('refuses a disorder larger than the run', () => {
    expect(() => checkEventTimeOptions({ disorderMs: 120_000 }, 'synthetic', 60_000)).toThrow(
      /--disorder: .*longer than the run/,
    );
    expect(() => checkEventTimeOptions({ disorderMs: 2000 }, 'synthetic', 60_000)).not.toThrow();
  });
});
