import { describe, expect, it } from 'vitest';
import type { Engine } from '../config/defaults.js';
import { chooseSteadyState, noSteadyStateReasons, p50Series } from './steady-state.js';

/** Each value held for 5 seconds. */
const seconds = (batches: number[]) => batches.flatMap((value) => Array<number>(5).fill(value));
const flat = seconds([50, 50, 50, 50, 50, 50, 50, 50]);
const slowStart = seconds([9000, 9000, 9000, 50, 50, 50, 50, 50]);

describe('chooseSteadyState', () => {
  it('takes the latest start across engines, so every engine is measured on the same events', () => {
    const choice = chooseSteadyState(
      new Map<Engine, number[]>([
        ['spark', slowStart],
        ['flink', flat],
      ]),
      undefined,
    );
    expect(choice).toMatchObject({
      chosenBy: 'mser-5',
      steadyStateStartOffsetMs: 15_000,
      setBy: 'spark',
      found: true,
    });
    expect(choice.engines.spark?.detectedStartOffsetMs).toBe(15_000);
    expect(choice.engines.flink?.detectedStartOffsetMs).toBe(0);
    expect(noSteadyStateReasons(choice)).toEqual([]);
  });

  it('lets --warmup override the detection, and still records what MSER-5 chose', () => {
    const choice = chooseSteadyState(new Map<Engine, number[]>([['spark', slowStart]]), 4_000);
    expect(choice).toMatchObject({
      chosenBy: 'warmup-flag',
      steadyStateStartOffsetMs: 4_000,
      setBy: null,
      found: true,
    });
    expect(choice.engines.spark?.detectedStartOffsetMs).toBe(15_000);
  });

  it('says which engine reached no steady state and how to fix it', () => {
    const rising = seconds([10, 20, 30, 40, 50, 60, 70, 80]);
    const choice = chooseSteadyState(
      new Map<Engine, number[]>([
        ['flink', flat],
        ['baseline', rising],
      ]),
      undefined,
    );
    expect(choice.found).toBe(false);
    const reasons = noSteadyStateReasons(choice);
    expect(reasons).toHaveLength(1);
    expect(reasons[0]).toMatch(
      /^baseline reached no steady state \(no steady state: .*last half\); pass --warmup/,
    );
  });

  it('has no steady state without any series', () => {
    expect(noSteadyStateReasons(chooseSteadyState(new Map(), undefined))).toEqual([
      'no engine had a latency series to find a steady state in',
    ]);
  });
});

describe('p50Series', () => {
  it('has one value per second of the producing span, null where nothing was committed', () => {
    const series = new Map([
      [0, { committedRateEventsPerSec: 10, p50Us: 7, p99Us: 9 }],
      [2, { committedRateEventsPerSec: 10, p50Us: 8, p99Us: 9 }],
      [5, { committedRateEventsPerSec: 10, p50Us: 99, p99Us: 99 }],
    ]);
    expect(p50Series(series, 3_500_000)).toEqual([7, null, 8, null]);
  });
});
