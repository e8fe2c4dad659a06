import { describe, expect, it } from 'vitest';
import { emptyEngineResult, type RunRecord, type TimeseriesPoint } from '../results/record.js';
import { emptyLatencySummary } from '../metrics/summary.js';
import { verdictOf } from './max-rate.js';

function run(p50s: number[], p99Us: number, missingRows = 0): RunRecord {
  const timeseries: TimeseriesPoint[] = p50s.map((p50Us, secondIndex) => ({
    secondIndex,
    startUs: secondIndex * 1_000_000,
    offeredRateEventsPerSec: 1000,
    engines: { flink: { committedRateEventsPerSec: 1000, p50Us, p99Us: p50Us, freshnessUs: null } },
  }));
  const flink = emptyEngineResult();
  flink.latency = { ...emptyLatencySummary(), count: 1000, p99Us };
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
    window: { startUs: 0, endUs: p50s.length * 1_000_000, warmupMs: 0 },
    timeseries,
    engines: { flink },
  } as unknown as RunRecord;
}

describe('verdictOf', () => {
  it('calls a flat latency under the bound sustainable', () => {
    expect(
      verdictOf(run([100_000, 110_000, 95_000, 105_000, 100_000], 200_000), 'flink', 1_000_000).sustainable,
    ).toBe(true);
  });

  it('calls a latency that keeps rising unsustainable, even under the bound', () => {
    const verdict = verdictOf(
      run([100_000, 200_000, 300_000, 400_000, 500_000], 600_000),
      'flink',
      1_000_000,
    );
    expect(verdict.sustainable).toBe(false);
    expect(verdict.reasons.join()).toMatch(/keeps rising/);
  });

  it('calls a run with rows left uncommitted unsustainable', () => {
    const verdict = verdictOf(run([100_000, 100_000, 100_000, 100_000], 150_000, 20), 'flink', 1_000_000);
    expect(verdict.sustainable).toBe(false);
    expect(verdict.reasons.join()).toMatch(/20 rows were not committed/);
  });
});
