import { describe, expect, it } from 'vitest';
import { medianIntervalRanks, summarizeFigureRepeats, summarizeRepeats } from './repeats.js';

describe('medianIntervalRanks', () => {
  it('has no interval for a single run', () => {
    expect(medianIntervalRanks(1)).toBeNull();
    expect(medianIntervalRanks(0)).toBeNull();
  });

  it('falls back to the full range, with its true coverage, below six runs', () => {
    expect(medianIntervalRanks(2)).toEqual({ lowerRank: 1, upperRank: 2, coverage: 0.5 });
    // 1 − 2 · (1/32)
    expect(medianIntervalRanks(5)).toEqual({ lowerRank: 1, upperRank: 5, coverage: 0.9375 });
  });

  it('matches the binomial tables from six runs on', () => {
    // 1 − 2 · (1/64)
    expect(medianIntervalRanks(6)).toEqual({ lowerRank: 1, upperRank: 6, coverage: 0.96875 });
    // 1 − 2 · (1 + 10)/1024
    expect(medianIntervalRanks(10)).toEqual({ lowerRank: 2, upperRank: 9, coverage: 1 - 22 / 1024 });
    // P(B ≤ 5) = (1 + 20 + 190 + 1140 + 4845 + 15504) / 2^20
    const twenty = medianIntervalRanks(20);
    expect(twenty).toMatchObject({ lowerRank: 6, upperRank: 15 });
    expect(twenty?.coverage).toBeCloseTo(1 - (2 * 21_700) / 1_048_576, 12);
  });

  it('stays finite for many runs', () => {
    const ranks = medianIntervalRanks(2000);
    expect(ranks?.coverage).toBeGreaterThanOrEqual(0.95);
    expect(ranks?.lowerRank).toBeGreaterThan(900);
  });
});

describe('summarizeRepeats', () => {
  it('reports the median and the range of two runs as a wide interval', () => {
    expect(summarizeRepeats([300, 100])).toEqual({
      runs: 2,
      missingRuns: 0,
      median: 200,
      ciLow: 100,
      ciHigh: 300,
      ciCoverage: 0.5,
    });
  });

  it('gives one run a median and no interval', () => {
    expect(summarizeRepeats([42])).toMatchObject({ median: 42, ciLow: null, ciHigh: null, ciCoverage: null });
  });

  it('leaves out runs without the figure and counts them', () => {
    const s = summarizeRepeats([5, null, 1, 4, 2, 3, 6, null]);
    expect(s).toMatchObject({ runs: 6, missingRuns: 2, median: 3.5, ciLow: 1, ciHigh: 6 });
  });

  it('has nothing to say about no runs', () => {
    expect(summarizeRepeats([null])).toEqual({
      runs: 0,
      missingRuns: 1,
      median: null,
      ciLow: null,
      ciHigh: null,
      ciCoverage: null,
    });
  });
});

describe('summarizeFigureRepeats', () => {
  it('summarizes each named figure across runs', () => {
    const summary = summarizeFigureRepeats([
      { p99_us: 10, rows: 5 },
      { p99_us: 30 },
      { p99_us: 20, rows: 7 },
    ]);
    expect(summary['p99_us']).toMatchObject({ runs: 3, median: 20, ciLow: 10, ciHigh: 30 });
    expect(summary['rows']).toMatchObject({ runs: 2, missingRuns: 1, median: 6 });
  });
});
