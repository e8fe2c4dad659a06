import { describe, expect, it } from 'vitest';
import { assessSustainability, secondIndexOf, throughputEventsPerSec } from './throughput.js';

describe('throughputEventsPerSec', () => {
  it('divides the rows committed in the window by its length in seconds', () => {
    expect(throughputEventsPerSec(96_000, { startUs: 24_000_000, endUs: 120_000_000 })).toBe(1000);
    expect(throughputEventsPerSec(0, { startUs: 0, endUs: 1_000_000 })).toBe(0);
  });

  it('has no rate for an empty window', () => {
    expect(throughputEventsPerSec(5, { startUs: 7, endUs: 7 })).toBeNull();
  });
});

describe('secondIndexOf', () => {
  it('floors to whole seconds from the origin, before it too', () => {
    expect(secondIndexOf(1_999_999, 1_000_000)).toBe(0);
    expect(secondIndexOf(2_000_000, 1_000_000)).toBe(1);
    expect(secondIndexOf(999_999, 1_000_000)).toBe(-1);
  });
});

describe('assessSustainability', () => {
  const limits = { p99BoundUs: 1_000_000, maxRiseFraction: 0.5 };

  it('accepts a flat or slightly rising latency under the p99 bound', () => {
    // slope 10 µs/s over 4 s = 40 µs on a mean of 120 µs → 1/3
    const verdict = assessSustainability([100, 110, 120, 130, 140], 500, limits);
    expect(verdict.sustainable).toBe(true);
    expect(verdict.slopeUsPerSec).toBeCloseTo(10, 10);
    expect(verdict.riseFraction).toBeCloseTo(1 / 3, 10);
    expect(verdict.reasons).toEqual([]);
  });

  it('rejects a latency that keeps rising', () => {
    // slope 100 µs/s over 4 s = 400 µs on a mean of 300 µs → 4/3
    const verdict = assessSustainability([100, 200, 300, 400, 500], 600, limits);
    expect(verdict.sustainable).toBe(false);
    expect(verdict.riseFraction).toBeCloseTo(4 / 3, 10);
    expect(verdict.reasons.join()).toMatch(/keeps rising: the p50 trend rose 133%/);
  });

  it('skips seconds without commits but keeps their place in time', () => {
    // points (0,100) (2,300) (4,500): slope 100 µs/s
    const verdict = assessSustainability([100, null, 300, null, 500], 600, limits);
    expect(verdict.slopeUsPerSec).toBeCloseTo(100, 10);
    expect(verdict.sustainable).toBe(false);
  });

  it('rejects a p99 above the bound even when latency is flat', () => {
    const verdict = assessSustainability([2e6, 2e6, 2e6], 3e6, limits);
    expect(verdict.sustainable).toBe(false);
    expect(verdict.reasons).toEqual(['p99 3000000 µs is above the bound of 1000000 µs']);
  });

  it('cannot say with fewer than three seconds of data or nothing committed', () => {
    expect(assessSustainability([100, 100], 100, limits).sustainable).toBeNull();
    expect(assessSustainability([], null, limits)).toMatchObject({ sustainable: null, slopeUsPerSec: null });
    expect(assessSustainability([100], 5e6, limits).sustainable).toBe(false);
  });
});
