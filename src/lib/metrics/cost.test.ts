import { describe, expect, it } from 'vitest';
import { summarizeCost } from './cost.js';

const GB = 1024 ** 3;
const windowMs = (startMs: number, endMs: number) => ({ startUs: startMs * 1000, endUs: endMs * 1000 });

describe('summarizeCost', () => {
  const samples = [
    { atMs: 0, cpuSeconds: 10, rssBytes: 1 * GB },
    { atMs: 1000, cpuSeconds: 11.5, rssBytes: 3 * GB },
    { atMs: 2000, cpuSeconds: 13, rssBytes: 2 * GB },
    { atMs: 3000, cpuSeconds: 14, rssBytes: 1 * GB },
  ];

  it('counts the CPU used between the window edges, interpolating between samples', () => {
    // C(500) = 10.75, C(2500) = 13.5 → 2.75 s over 2 s = 1.375 cores
    const cost = summarizeCost(samples, windowMs(500, 2500), 1_000_000);
    expect(cost.cpuSeconds).toBeCloseTo(2.75, 12);
    expect(cost.meanCores).toBeCloseTo(1.375, 12);
    expect(cost.coveredMs).toBe(2000);
    expect(cost.cpuSecondsPerMillionEvents).toBeCloseTo(2.75, 12);
  });

  it('takes the peak memory of the samples inside the window', () => {
    expect(summarizeCost(samples, windowMs(1500, 3000), 10).peakRssBytes).toBe(2 * GB);
  });

  it('covers only the part of the window that was sampled, in any sample order', () => {
    const cost = summarizeCost([...samples].reverse(), windowMs(2000, 10_000), 500_000);
    expect(cost).toMatchObject({
      cpuSeconds: 1,
      coveredMs: 1000,
      meanCores: 1,
      cpuSecondsPerMillionEvents: 2,
    });
  });

  it('counts a drop of the counter (a process restarted) as no CPU rather than negative', () => {
    const restarted = [
      { atMs: 0, cpuSeconds: 50, rssBytes: 1 },
      { atMs: 1000, cpuSeconds: 51, rssBytes: 1 },
      { atMs: 2000, cpuSeconds: 0.5, rssBytes: 1 },
      { atMs: 3000, cpuSeconds: 1.5, rssBytes: 1 },
    ];
    expect(summarizeCost(restarted, windowMs(0, 3000), 1).cpuSeconds).toBeCloseTo(2, 12);
  });

  it('has no figures when the samples do not reach into the window or no event was committed', () => {
    expect(summarizeCost([], windowMs(0, 1000), 5)).toEqual({
      cpuSeconds: null,
      peakRssBytes: null,
      meanCores: null,
      coveredMs: 0,
      cpuSecondsPerMillionEvents: null,
    });
    expect(summarizeCost(samples, windowMs(5000, 6000), 5).cpuSeconds).toBeNull();
    expect(summarizeCost(samples, windowMs(0, 3000), 0).cpuSecondsPerMillionEvents).toBeNull();
  });
});
