import { describe, expect, it } from 'vitest';
import type { SweepRecord } from '../results/sweep-record.js';
import { maxRateCsv, maxRateStepsTable } from './sweep.js';

const figures = {
  windowSeconds: 10,
  offeredRateEventsPerSec: 16_000.4,
  committedRateEventsPerSec: 15_990.123,
  backlogSlopeEventsPerSec: 3.14159,
  backlogGrowthFraction: 0.000196349,
  backlogSpreadEvents: 900,
  p50Us: 47_000.5,
  p99Us: 100_000,
  nearBoundary: false,
};

const sweep = {
  sweepId: 's1',
  points: [],
  maxRate: {
    flink: {
      sustainableRateEventsPerSec: 16_000,
      firstUnsustainableRateEventsPerSec: null,
      steps: [
        {
          rateEventsPerSec: 16_000,
          sustainable: true,
          runId: 'r1',
          reasons: [],
          verdicts: [{ runId: 'r1', sustainable: true, reasons: [], ...figures }],
        },
        { rateEventsPerSec: 32_000, sustainable: null, runId: 'r2', reasons: ['the producer fell behind'] },
      ],
    },
  },
} as unknown as SweepRecord;

describe('the --find-max-rate steps', () => {
  it("put every run's figures and verdict in the CSV, rounded to what is resolved", () => {
    const lines = maxRateCsv(sweep).trim().split('\n');
    expect(lines).toEqual([
      'sweep_id,engine,rate_events_per_sec,run_id,offered_rate_events_per_sec,committed_rate_events_per_sec,backlog_slope_events_per_sec,backlog_growth_fraction,latency_e2e_p50_us,latency_e2e_p99_us,run_sustainable,step_sustainable,reasons,partitions,parallelism',
      's1,flink,16000,r1,16000,15990,3.1,0.0002,47001,100000,true,true,,,',
      's1,flink,32000,r2,,,,,,,,null,the producer fell behind,,',
    ]);
  });

  it('show the same in a table', () => {
    const table = maxRateStepsTable(sweep);
    expect(table.rows[0]).toEqual([
      'flink',
      '16000/s',
      'r1',
      '16000/s',
      '15990/s',
      '3/s (0.0%)',
      '47.0 ms',
      '100.0 ms',
      'sustainable',
      'sustainable',
      '',
    ]);
    expect(table.rows[1]?.at(-2)).toBe('no verdict');
  });
});
