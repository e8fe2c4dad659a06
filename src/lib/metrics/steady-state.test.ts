import { describe, expect, it } from 'vitest';
import { batchMeans, mser5, mserStatistic } from './steady-state.js';

/** Each batch mean held for 5 seconds. */
const seconds = (batches: number[]) => batches.flatMap((value) => Array<number>(5).fill(value));

describe('mserStatistic', () => {
  it('is the squared standard error of the truncated mean: Σ(Z − Z̄)² / (k − d)²', () => {
    const z = [1000, 1000, 100, 100, 100, 100, 100, 100];
    // mean 325; 2·675² + 6·225² = 1 215 000; / 8² = 18 984.375
    expect(mserStatistic(z, 0)).toBe(18_984.375);
    // mean 1600/7; (1000 − 1600/7)² + 6·(100 − 1600/7)² = 694 285.71…; / 7²
    expect(mserStatistic(z, 1)).toBeCloseTo(694_285.714_285_7 / 49, 6);
    expect(mserStatistic(z, 2)).toBe(0);
  });
});

describe('batchMeans', () => {
  it('averages runs of five and drops an incomplete last batch', () => {
    expect(batchMeans([1, 2, 3, 4, 5, 10, 10, 10, 10, 10, 99, 99], 5)).toEqual([3, 10]);
  });
});

describe('mser5', () => {
  it('starts the steady state after a slow first 10 seconds', () => {
    const detection = mser5(seconds([1000, 1000, 100, 100, 100, 100, 100, 100]));
    // MSER(0) = 18 984, MSER(1) = 14 169, MSER(2) = 0: the earliest minimum is d = 2 batches, 10 s
    expect(detection).toMatchObject({ found: true, startSec: 10, seriesSeconds: 40, statistic: 0 });
    expect(detection.reason).toBe('MSER-5: minimum at 10 s of 40 s (8 batch means of 5 s)');
  });

  it('keeps the whole of a noisy series that has no transient', () => {
    // MSER(0) = 4/16 = 0.25, MSER(1) = 2.667/9 = 0.296, MSER(2) = 2/4 = 0.5
    expect(mser5(seconds([10, 12, 10, 12]))).toMatchObject({ found: true, startSec: 0, statistic: 0.25 });
  });

  it('finds no steady state in a series that keeps rising', () => {
    // a line of m batch means has MSER = (m − 1/m)/12, falling with every batch cut: the minimum is at the middle
    const detection = mser5(seconds([1, 2, 3, 4, 5, 6]));
    expect(detection.found).toBe(false);
    expect(detection.startSec).toBe(15);
    expect(detection.statistic).toBeCloseTo((3 - 1 / 3) / 12, 10);
    expect(detection.reason).toMatch(/^no steady state: .*the truncation point lies in the last half/);
  });

  it('counts the seconds before the first commit as warm-up', () => {
    const detection = mser5([null, null, null, ...seconds([5, 5, 5, 5])]);
    expect(detection).toMatchObject({ found: true, startSec: 3, seriesSeconds: 23 });
    expect(detection.reason).toMatch(/3 s without commits/);
  });

  it('holds the last value through seconds without commits', () => {
    // commits every 10 s at the same level: carried forward, the series is constant
    const sparse = Array.from({ length: 40 }, (_, second) => (second % 10 === 0 ? 7 : null));
    expect(mser5(sparse)).toMatchObject({ found: true, startSec: 0, statistic: 0 });
  });

  it('ignores an incomplete last batch', () => {
    expect(mser5([...seconds([5, 5, 5, 5]), 1e9, 1e9])).toMatchObject({ found: true, startSec: 0 });
  });

  it('cannot tell from fewer than 20 seconds, or from nothing', () => {
    const short = mser5(Array<number>(19).fill(1));
    expect(short).toMatchObject({ found: false, startSec: 0, statistic: null });
    expect(short.reason).toMatch(/too few seconds: 19 s of latency series, MSER-5 needs at least 20 s/);
    expect(mser5([null, null]).found).toBe(false);
    expect(mser5([]).found).toBe(false);
  });
});
