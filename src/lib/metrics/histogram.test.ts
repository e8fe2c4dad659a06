import { describe, expect, it } from 'vitest';
import { LatencyRecorder } from './histogram.js';
import { percentileCont, sortAscending, summarizeLatenciesUs } from './summary.js';

function recorderOf(values: readonly number[]): LatencyRecorder {
  const recorder = new LatencyRecorder();
  for (const v of values) recorder.record(v);
  return recorder;
}

/** A deterministic pseudo-random sequence (mulberry32), so failures reproduce. */
function seeded(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('LatencyRecorder', () => {
  it('reports count 0 and every figure null when nothing was recorded', () => {
    const s = new LatencyRecorder().summarize();
    expect(s.count).toBe(0);
    expect(s.negativeCount).toBe(0);
    expect(s.p50Us).toBeNull();
    expect(s.maxUs).toBeNull();
    expect(s.meanUs).toBeNull();
  });

  it('is exact for values below 2048 µs, where every bucket is one µs wide', () => {
    const values = [20, -30, 0, -10, 1500, 1500, 7, 2047];
    expect(recorderOf(values).summarize()).toEqual(summarizeLatenciesUs(values));
  });

  it('keeps negative latencies and orders them before the positive ones', () => {
    const s = recorderOf([-30, -10, 0, 20]).summarize();
    expect(s).toMatchObject({ count: 4, negativeCount: 2, minUs: -30, maxUs: 20, p50Us: -5, meanUs: -5 });
    expect(s.stddevUs).toBeCloseTo(Math.sqrt(325), 12);
  });

  it('returns the value itself for every percentile of one value, however large', () => {
    const s = recorderOf([1_000_000]).summarize();
    expect(s).toMatchObject({ p50Us: 1_000_000, p999Us: 1_000_000, minUs: 1_000_000, maxUs: 1_000_000 });
    expect(s.stddevUs).toBe(0);
  });

  it('interpolates p99.9 of ten values between the ninth and the tenth', () => {
    const s = recorderOf([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]).summarize();
    expect(s.p999Us).toBeCloseTo(9.991, 10);
    expect(s.p90Us).toBeCloseTo(9.1, 10);
  });

  it('agrees with percentile_cont within 0.1% on large values of both signs', () => {
    const random = seeded(42);
    const values = Array.from({ length: 20_000 }, () => {
      const magnitude = Math.round(Math.exp(8 + 6 * random()));
      return random() < 0.1 ? -magnitude : magnitude;
    });
    const sorted = sortAscending(values);
    const recorder = recorderOf(values);
    for (const q of [0.01, 0.05, 0.5, 0.9, 0.95, 0.99, 0.999]) {
      const exact = percentileCont(sorted, q) as number;
      expect(Math.abs((recorder.percentileUs(q) as number) - exact)).toBeLessThanOrEqual(
        Math.abs(exact) * 0.001,
      );
    }
    const s = recorder.summarize();
    const exact = summarizeLatenciesUs(values);
    expect(s.minUs).toBe(exact.minUs);
    expect(s.maxUs).toBe(exact.maxUs);
    expect(s.negativeCount).toBe(exact.negativeCount);
    expect(s.meanUs).toBeCloseTo(exact.meanUs as number, 6);
    expect(s.stddevUs).toBeCloseTo(exact.stddevUs as number, 6);
  });

  it('records a value many times at once', () => {
    const recorder = new LatencyRecorder();
    recorder.record(100, 3);
    recorder.record(400);
    // mean 175; deviations −75 ×3, 225 → (3·5625 + 50625) / 4 = 16875
    expect(recorder.summarize()).toMatchObject({ count: 4, p50Us: 100, maxUs: 400, meanUs: 175 });
    expect(recorder.summarize().stddevUs).toBeCloseTo(Math.sqrt(16875), 10);
  });

  it('refuses values that are not finite and counts that are not positive integers', () => {
    expect(() => new LatencyRecorder().record(Number.NaN)).toThrow(/finite/);
    expect(() => new LatencyRecorder().record(5, 0)).toThrow(/positive integer/);
  });

  it('merges into exactly what one recorder of all values reports', () => {
    const a = [-500, 3, 90_000, 12];
    const b = [7, 7, 2_500_000, -4];
    const merged = recorderOf(a);
    merged.merge(recorderOf(b));
    merged.merge(new LatencyRecorder());
    const whole = recorderOf([...a, ...b]).summarize();
    const s = merged.summarize();
    expect({ ...s, meanUs: 0, stddevUs: 0 }).toEqual({ ...whole, meanUs: 0, stddevUs: 0 });
    expect(s.meanUs).toBeCloseTo(whole.meanUs as number, 9);
    expect(s.stddevUs).toBeCloseTo(whole.stddevUs as number, 6);
  });

  it('survives serialization unchanged, empty or not', () => {
    const recorder = recorderOf([-42, 0, 1, 65_000, 3_000_000]);
    const copy = LatencyRecorder.deserialize(JSON.parse(JSON.stringify(recorder.serialize())));
    expect(copy.summarize()).toEqual(recorder.summarize());
    copy.record(10_000_000);
    expect(copy.summarize().maxUs).toBe(10_000_000);
    const empty = LatencyRecorder.deserialize(new LatencyRecorder().serialize());
    expect(empty.summarize().count).toBe(0);
  });

  it('rejects a serialized histogram whose counts disagree', () => {
    const data = recorderOf([1, 2, 3]).serialize();
    expect(() => LatencyRecorder.deserialize({ ...data, count: 4 })).toThrow(/disagree/);
  });
  it('gives the empirical CDF of exact small values, negatives first, ending at (max, 1)', () => {
    expect(recorderOf([-5, 1, 1, 2]).cdf()).toEqual([
      { valueUs: -5, fraction: 0.25 },
      { valueUs: 1, fraction: 0.75 },
      { valueUs: 2, fraction: 1 },
    ]);
    expect(new LatencyRecorder().cdf()).toEqual([]);
  });

  it('thins a long CDF to the asked number of points, keeping it ascending and the last point', () => {
    const next = seeded(7);
    const recorder = recorderOf(Array.from({ length: 20_000 }, () => Math.round(next() * 5_000_000)));
    const cdf = recorder.cdf(50);
    expect(cdf.length).toBeLessThanOrEqual(51);
    expect(cdf.at(-1)?.fraction).toBe(1);
    expect(cdf.at(-1)?.valueUs).toBe(recorder.summarize().maxUs);
    for (let i = 1; i < cdf.length; i++) {
      expect(cdf[i]?.valueUs).toBeGreaterThan(cdf[i - 1]?.valueUs as number);
      expect(cdf[i]?.fraction).toBeGreaterThan(cdf[i - 1]?.fraction as number);
    }
  });
});
