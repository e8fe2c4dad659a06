import { describe, expect, it } from 'vitest';
import { inWindow, steadyStateWindow, windowSeconds } from './window.js';

describe('steadyStateWindow', () => {
  it('starts after the warm-up and ends with the run', () => {
    expect(steadyStateWindow({ startUs: 1_000_000, endUs: 121_000_000, warmupMs: 24_000 })).toEqual({
      startUs: 25_000_000,
      endUs: 121_000_000,
      warmupMs: 24_000,
    });
  });

  it('uses a warm-up given explicitly, zero included', () => {
    expect(steadyStateWindow({ startUs: 0, endUs: 10_000_000, warmupMs: 2_500 }).startUs).toBe(2_500_000);
    expect(steadyStateWindow({ startUs: 0, endUs: 10_000_000, warmupMs: 0 }).startUs).toBe(0);
  });

  it('explains a warm-up that leaves nothing to measure', () => {
    expect(() => steadyStateWindow({ startUs: 0, endUs: 10_000_000, warmupMs: 10_000 })).toThrow(
      /leaves nothing/,
    );
    expect(() => steadyStateWindow({ startUs: 5, endUs: 5, warmupMs: 0 })).toThrow(/must end after/);
  });
});

describe('inWindow and windowSeconds', () => {
  it('treat the window as half-open', () => {
    const window = { startUs: 10, endUs: 20 };
    expect(inWindow(10, window)).toBe(true);
    expect(inWindow(19, window)).toBe(true);
    expect(inWindow(20, window)).toBe(false);
    expect(windowSeconds({ startUs: 0, endUs: 2_500_000 })).toBe(2.5);
    expect(windowSeconds({ startUs: 5, endUs: 1 })).toBe(0);
  });
});
