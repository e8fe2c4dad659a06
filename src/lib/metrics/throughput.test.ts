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
  const limits = { sloP99Us: 1_000_000, maxGrowthFraction: 0.02 };
  /** Commits per second that make `backlog` out of exactly `rate` offered every second. */
  const commitsFor = (backlog: number[], start: number, rate: number) =>
    backlog.map((b, i) => rate - (b - (i === 0 ? start : (backlog[i - 1] as number))));

  it('calls a noisy but flat backlog sustainable (Flink at 16,000/s with p50 47 ms, p99 100 ms)', () => {
    // about 50 ms of events in flight, ± 20 ms of wobble
    const backlog = [1100, 500, 900, 700, 1000, 450, 800, 1050, 600, 800, 950, 700, 500, 900, 800];
    const verdict = assessSustainability(
      {
        backlogEvents: backlog,
        backlogAtStartEvents: 800,
        committedEvents: commitsFor(backlog, 800, 16_000),
        p50Us: 47_000,
        p99Us: 100_000,
      },
      limits,
    );
    expect(verdict).toMatchObject({ sustainable: true, nearBoundary: false, reasons: [], windowSeconds: 15 });
    expect(verdict.offeredRateEventsPerSec).toBe(16_000);
    expect(verdict.committedRateEventsPerSec).toBe(16_000);
    expect(Math.abs(verdict.backlogGrowthFraction ?? 1)).toBeLessThan(0.001);
  });

  it("calls a batching engine's sawtooth sustainable: its growth stays within the wobble", () => {
    // a 5 s trigger at 1000/s: the backlog climbs to 4000 and drops to 0 at every commit
    const backlog = [1000, 2000, 3000, 4000, 0, 1000, 2000, 3000, 4000, 0, 1000, 2000, 3000, 4000, 0];
    const verdict = assessSustainability(
      {
        backlogEvents: backlog,
        backlogAtStartEvents: 0,
        committedEvents: [0, 0, 0, 0, 5000, 0, 0, 0, 0, 5000, 0, 0, 0, 0, 5000],
        p50Us: 2_500_000,
        p99Us: 4_900_000,
      },
      { ...limits, sloP99Us: 10_000_000 },
    );
    expect(verdict.sustainable).toBe(true);
    expect(verdict.offeredRateEventsPerSec).toBe(1000);
  });

  it('calls a growing backlog unsustainable, with the figures that show it', () => {
    // offered 1000/s, committed 800/s: the backlog grows 200 events every second
    const backlog = [200, 400, 600, 800, 1000, 1200, 1400, 1600, 1800, 2000];
    const verdict = assessSustainability(
      {
        backlogEvents: backlog,
        backlogAtStartEvents: 0,
        committedEvents: Array<number>(10).fill(800),
        p50Us: 300_000,
        p99Us: 600_000,
      },
      limits,
    );
    expect(verdict).toMatchObject({
      sustainable: false,
      offeredRateEventsPerSec: 1000,
      committedRateEventsPerSec: 800,
      backlogSpreadEvents: 0,
    });
    expect(verdict.backlogSlopeEventsPerSec).toBeCloseTo(200, 9);
    expect(verdict.backlogGrowthFraction).toBeCloseTo(0.2, 9);
    expect(verdict.reasons).toEqual([
      'committed 800/s of 1000/s offered, 20% short (more than the 11% an engine within the SLO may have in flight over 10 s)',
      'the backlog grows 200 events/s, 20% of the offered rate (more than 2.0%), and by 2000 events over the window, beyond its 0-event wobble',
    ]);
  });

  it('calls a flat backlog with a p99 above the SLO unsustainable', () => {
    const verdict = assessSustainability(
      {
        backlogEvents: [5, 5, 5],
        backlogAtStartEvents: 5,
        committedEvents: [10, 10, 10],
        p50Us: 1,
        p99Us: 1_500_000,
      },
      limits,
    );
    expect(verdict.sustainable).toBe(false);
    expect(verdict.reasons).toEqual(['p99 1500.0 ms is above the SLO of 1000 ms']);
  });

  it('marks a verdict near the boundary, so that the point is repeated', () => {
    const steady = {
      backlogEvents: [5, 5, 5],
      backlogAtStartEvents: 5,
      committedEvents: [10, 10, 10],
      p50Us: 1,
    };
    expect(assessSustainability({ ...steady, p99Us: 900_000 }, limits)).toMatchObject({
      sustainable: true,
      nearBoundary: true,
    });
    expect(assessSustainability({ ...steady, p99Us: 500_000 }, limits).nearBoundary).toBe(false);
  });

  it('cannot say with fewer than three seconds or nothing committed', () => {
    const short = assessSustainability(
      { backlogEvents: [0, 0], backlogAtStartEvents: 0, committedEvents: [5, 5], p50Us: 1, p99Us: 1 },
      limits,
    );
    expect(short.sustainable).toBeNull();
    expect(short.reasons[0]).toMatch(/only 2 whole second/);
    const none = assessSustainability(
      {
        backlogEvents: [0, 0, 0],
        backlogAtStartEvents: 0,
        committedEvents: [0, 0, 0],
        p50Us: null,
        p99Us: null,
      },
      limits,
    );
    expect(none).toMatchObject({ sustainable: null, nearBoundary: false });
  });
});
