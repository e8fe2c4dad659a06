import { describe, expect, it } from 'vitest';
import { freshnessUs, summarizeFreshness } from './freshness.js';

describe('freshnessUs', () => {
  it('is the age of the newest committed row', () => {
    expect(freshnessUs({ atUs: 10_000_000, maxProducedAtUs: 9_750_000 }, 0)).toBe(250_000);
  });

  it('counts from the run start while nothing is committed', () => {
    expect(freshnessUs({ atUs: 10_000_000, maxProducedAtUs: null }, 7_000_000)).toBe(3_000_000);
  });
});

describe('summarizeFreshness', () => {
  const start = 1_000_000;
  const samples = [
    { atUs: 2_000_000, maxProducedAtUs: null }, // 1 s since start
    { atUs: 3_000_000, maxProducedAtUs: 2_800_000 }, // 200 ms
    { atUs: 4_000_000, maxProducedAtUs: 3_900_000 }, // 100 ms
    { atUs: 5_000_000, maxProducedAtUs: 4_300_000 }, // 700 ms
  ];

  it('reports mean, p95 and max over every sample', () => {
    // ages 100, 200, 700, 1000 ms: mean 500 ms; h = 0.95 · 3 = 2.85 → 700 + 0.85 · 300 = 955 ms
    const s = summarizeFreshness(samples, start);
    expect(s).toMatchObject({ sampleCount: 4, samplesWithoutRows: 1, meanUs: 500_000, maxUs: 1_000_000 });
    expect(s.p95Us).toBeCloseTo(955_000, 6);
  });

  it('keeps only samples inside the window', () => {
    const s = summarizeFreshness(samples, start, { startUs: 3_000_000, endUs: 5_000_000 });
    expect(s).toMatchObject({ sampleCount: 2, samplesWithoutRows: 0, meanUs: 150_000, maxUs: 200_000 });
  });

  it('has no figures without samples', () => {
    expect(summarizeFreshness([], start)).toEqual({
      sampleCount: 0,
      samplesWithoutRows: 0,
      meanUs: null,
      p95Us: null,
      maxUs: null,
    });
  });
});
