import { describe, expect, it } from 'vitest';
import {
  mean,
  percentileCont,
  sortAscending,
  stddevPopulation,
  summarizeLatenciesUs,
  interpolatePercentile,
} from './summary.js';

describe('percentileCont', () => {
  it('interpolates linearly between the two closest ranks, like PostgreSQL', () => {
    // h = 0.5 · 3 = 1.5 → 2 + 0.5 · (3 − 2)
    expect(percentileCont([1, 2, 3, 4], 0.5)).toBe(2.5);
    // h = 0.9 · 4 = 3.6 → 40 + 0.6 · 10
    expect(percentileCont([10, 20, 30, 40, 50], 0.9)).toBeCloseTo(46, 10);
    // h = 0.25 · 4 = 1 → exactly the second value
    expect(percentileCont([10, 20, 30, 40, 50], 0.25)).toBe(20);
  });

  it('returns the minimum at q = 0 and the maximum at q = 1', () => {
    expect(percentileCont([3, 7, 11], 0)).toBe(3);
    expect(percentileCont([3, 7, 11], 1)).toBe(11);
  });

  it('puts p99.9 of ten values between the ninth and the tenth, never above the maximum', () => {
    // h = 0.999 · 9 = 8.991 → 9 + 0.991 · (10 − 9)
    expect(percentileCont([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.999)).toBeCloseTo(9.991, 10);
  });

  it('handles ties', () => {
    expect(percentileCont([5, 5, 5, 7], 0.5)).toBe(5);
    // h = 0.75 · 3 = 2.25 → 5 + 0.25 · 2
    expect(percentileCont([5, 5, 5, 7], 0.75)).toBe(5.5);
  });

  it('handles negative values', () => {
    expect(percentileCont([-30, -10, 0, 20], 0.5)).toBe(-5);
    // h = 0.75 → −30 + 0.75 · 20
    expect(percentileCont([-30, -10, 0, 20], 0.25)).toBe(-15);
  });

  it('returns the value itself for one value and null for none', () => {
    expect(percentileCont([42], 0.999)).toBe(42);
    expect(percentileCont([], 0.5)).toBeNull();
  });

  it('rejects unsorted input and quantiles outside [0, 1]', () => {
    expect(() => percentileCont([2, 1], 0.5)).toThrow(/ascending/);
    expect(() => percentileCont([1, 2], 1.5)).toThrow(/\[0, 1\]/);
    expect(() => interpolatePercentile(-0.1, 3, () => 0)).toThrow(/\[0, 1\]/);
  });
});

describe('sortAscending', () => {
  it('sorts numerically, not as strings', () => {
    expect(sortAscending([10, 9, -1, 100])).toEqual([-1, 9, 10, 100]);
  });
});

describe('mean and stddevPopulation', () => {
  it('compute Σx/n and √(Σ(x − x̄)²/n)', () => {
    expect(mean([2, 4, 4, 4, 5, 5, 7, 9])).toBe(5);
    expect(stddevPopulation([2, 4, 4, 4, 5, 5, 7, 9])).toBe(2);
  });

  it('give 0 spread for one value and null for none', () => {
    expect(mean([7])).toBe(7);
    expect(stddevPopulation([7])).toBe(0);
    expect(mean([])).toBeNull();
    expect(stddevPopulation([])).toBeNull();
  });
});

describe('summarizeLatenciesUs', () => {
  it('summarizes a small sample exactly, negatives included', () => {
    const s = summarizeLatenciesUs([20, -30, 0, -10]);
    expect(s).toMatchObject({ count: 4, negativeCount: 2, minUs: -30, maxUs: 20, meanUs: -5, p50Us: -5 });
    // deviations −25, −5, 5, 25 → (625 + 25 + 25 + 625) / 4 = 325
    expect(s.stddevUs).toBeCloseTo(Math.sqrt(325), 12);
    // h = 0.99 · 3 = 2.97 → 0 + 0.97 · 20
    expect(s.p99Us).toBeCloseTo(19.4, 10);
  });

  it('reports count 0 and every figure null for no values', () => {
    expect(summarizeLatenciesUs([])).toEqual({
      count: 0,
      negativeCount: 0,
      p50Us: null,
      p90Us: null,
      p95Us: null,
      p99Us: null,
      p999Us: null,
      minUs: null,
      maxUs: null,
      meanUs: null,
      stddevUs: null,
    });
  });
});
