import { expect } from 'vitest';
import type { RunRecord } from '../../src/lib/results/record.js';

/** Loose bound on a one-host clock offset: a behaviour check (the offset is ~0), not a timing target. */
const ONE_HOST_BOUND_US = 5_000;

/**
 * A run on one host carries PostgreSQL's clock offset at its start and end, each with an uncertainty, both
 * ~0 (|offset| < 5 ms), applies none, and says so in its record.
 */
export function expectOneHostClock(run: RunRecord): void {
  const clock = run.clock;
  expect(clock, 'run.json carries the clock').toBeDefined();
  expect(clock?.problems).toEqual([]);
  expect(clock?.oneHost).toBe(true);
  expect(clock?.samples).toBeGreaterThanOrEqual(10);
  for (const [offset, uncertainty] of [
    [clock?.startOffsetUs, clock?.startUncertaintyUs],
    [clock?.endOffsetUs, clock?.endUncertaintyUs],
  ]) {
    expect(typeof offset).toBe('number');
    expect(Math.abs(offset as number)).toBeLessThan(ONE_HOST_BOUND_US);
    expect(uncertainty).toBeGreaterThan(0);
    expect(uncertainty).toBeLessThan(ONE_HOST_BOUND_US);
  }
  expect(clock?.appliedOffsetUs).toBe(0);
  expect(clock?.appliedUncertaintyUs).toBe(0);
  expect(run.environment.clockAssumption).toMatch(/^one host/);
}
