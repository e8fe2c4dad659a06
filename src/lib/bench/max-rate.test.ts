import { describe, expect, it } from 'vitest';
import { emptyEngineResult, type RunRecord, type TimeseriesPoint } from '../results/record.js';
import { emptyLatencySummary } from '../metrics/summary.js';
import { judgeStep, offeredAsAsked, verdictOf } from './max-rate.js';

/** A run of flink at 1000/s whose backlog at the end of each second is `backlog`; the window is all of it. */
function run(
  backlog: (number | undefined)[],
  p99Us: number,
  options: { missingRows?: number; runId?: string } = {},
): RunRecord {
  const timeseries: TimeseriesPoint[] = backlog.map((backlogEvents, secondIndex) => ({
    secondIndex,
    startUs: secondIndex * 1_000_000,
    offeredRateEventsPerSec: 1000,
    engines: {
      flink: {
        committedRateEventsPerSec:
          1000 - ((backlogEvents ?? 0) - (secondIndex === 0 ? 0 : (backlog[secondIndex - 1] ?? 0))),
        p50Us: p99Us / 2,
        p99Us,
        freshnessUs: null,
        ...(backlogEvents === undefined ? {} : { backlogEvents }),
      },
    },
  }));
  const flink = emptyEngineResult();
  const missingRows = options.missingRows ?? 0;
  flink.latency = { ...emptyLatencySummary(), count: 1000, p50Us: p99Us / 2, p99Us };
  flink.completeness = {
    producedRows: 1000,
    committedDistinctRows: 1000 - missingRows,
    missingRows,
    duplicateDeliveries: null,
    duplicateDeliveriesUnknownReason: 'x',
    deadLetteredRows: 0,
    committedFraction: 1,
    balanced: true,
    problems: [],
  };
  return {
    runId: options.runId ?? 'r1',
    status: 'complete',
    statusReasons: [],
    config: { scheduleLagP99BoundUs: 50_000 },
    producer: { failedEvents: 0, scheduleLag: { ...emptyLatencySummary(), p99Us: 3_000 } },
    window: { startUs: 0, endUs: backlog.length * 1_000_000, warmupMs: 0 },
    timeseries,
    engines: { flink },
  } as unknown as RunRecord;
}

const flat = [60, 40, 55, 45, 50, 65, 35, 50, 45, 55];
const growing = [100, 200, 300, 400, 500, 600, 700, 800, 900, 1000];

describe('verdictOf', () => {
  it('calls a noisy flat backlog under the SLO sustainable, with its figures', () => {
    const verdict = verdictOf(run(flat, 200_000), 'flink', 1_000_000);
    expect(verdict).toMatchObject({
      sustainable: true,
      offeredRateEventsPerSec: 1000,
      p99Us: 200_000,
      reasons: [],
    });
  });

  it('calls a growing backlog unsustainable, even under the SLO', () => {
    const verdict = verdictOf(run(growing, 600_000), 'flink', 1_000_000);
    expect(verdict.sustainable).toBe(false);
    expect(verdict.backlogGrowthFraction).toBeCloseTo(0.1, 9);
    expect(verdict.reasons.join()).toMatch(/the backlog grows 100 events\/s, 10% of the offered rate/);
  });

  it('calls a run with rows left uncommitted unsustainable', () => {
    const verdict = verdictOf(run(flat, 150_000, { missingRows: 20 }), 'flink', 1_000_000);
    expect(verdict.sustainable).toBe(false);
    expect(verdict.reasons.join()).toMatch(/20 rows were not committed/);
  });

  it('cannot judge a run written before the backlog was recorded', () => {
    const verdict = verdictOf(
      run(
        flat.map(() => undefined),
        150_000,
      ),
      'flink',
      1_000_000,
    );
    expect(verdict.sustainable).toBeNull();
    expect(verdict.reasons[0]).toMatch(/no backlog series/);
  });
});

describe('judgeStep', () => {
  it('takes a clear verdict as it is, without a repeat', async () => {
    let repeats = 0;
    const step = await judgeStep(1000, run(flat, 200_000), 'flink', 1_000_000, async () => {
      repeats++;
      return undefined;
    });
    expect(repeats).toBe(0);
    expect(step).toMatchObject({ sustainable: true, runId: 'r1', reasons: [] });
    expect(step.verdicts).toHaveLength(1);
  });

  it('confirms a verdict near the boundary by repeating the point once', async () => {
    const step = await judgeStep(1000, run(flat, 900_000), 'flink', 1_000_000, async () =>
      run(flat, 850_000, { runId: 'r2' }),
    );
    expect(step.sustainable).toBe(true);
    expect(step.reasons).toEqual(['near the boundary: confirmed by a repeat (r2)']);
    expect(step.verdicts?.map((v) => v.runId)).toEqual(['r1', 'r2']);
  });

  it('does not call a rate sustainable when the repeat contradicts it', async () => {
    const step = await judgeStep(1000, run(flat, 900_000), 'flink', 1_000_000, async () =>
      run(flat, 1_100_000, { runId: 'r2' }),
    );
    expect(step.sustainable).toBe(false);
    expect(step.reasons[0]).toMatch(/the repeat \(r2\) gave not sustainable: p99 1100.0 ms is above/);
  });
});

describe('judgeStep on jobs just started', () => {
  it('repeats a failure and takes the repeat when it keeps up: a cold start is not the capacity', async () => {
    const step = await judgeStep(
      8000,
      run(growing, 4_000_000),
      'flink',
      1_000_000,
      async () => run(flat, 200_000, { runId: 'r2' }),
      true,
    );
    expect(step.sustainable).toBe(true);
    expect(step.runId).toBe('r2');
    expect(step.reasons[0]).toMatch(
      /^sustainable in the repeat \(r2\); the first run, on jobs just started, was not: /,
    );
    expect(step.verdicts?.map((v) => v.sustainable)).toEqual([false, true]);
  });

  it('calls the rate unsustainable only when the repeat fails too', async () => {
    const step = await judgeStep(
      8000,
      run(growing, 4_000_000),
      'flink',
      1_000_000,
      async () => run(growing, 3_000_000, { runId: 'r2' }),
      true,
    );
    expect(step.sustainable).toBe(false);
    expect(step.reasons.at(-1)).toBe(
      'confirmed by a repeat: the first run, on jobs just started, was not sustainable either',
    );
  });

  it('does not repeat a cold run that kept up', async () => {
    let repeats = 0;
    const step = await judgeStep(
      8000,
      run(flat, 200_000),
      'flink',
      1_000_000,
      async () => {
        repeats++;
        return undefined;
      },
      true,
    );
    expect(repeats).toBe(0);
    expect(step.sustainable).toBe(true);
  });
});

describe('offeredAsAsked', () => {
  it('trusts a run whose producer kept its schedule, even one invalid for want of a steady state', () => {
    expect(offeredAsAsked({ ...run(flat, 1), status: 'invalid' })).toBe(true);
  });

  it('does not trust a run whose producer fell behind, or that was interrupted', () => {
    const behind = run(flat, 1);
    (behind.producer as NonNullable<RunRecord['producer']>).scheduleLag.p99Us = 80_000;
    expect(offeredAsAsked(behind)).toBe(false);
    expect(offeredAsAsked({ ...run(flat, 1), status: 'interrupted' })).toBe(false);
    expect(offeredAsAsked(undefined)).toBe(false);
  });
});
