import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { LatencySummary } from '../metrics/summary.js';
import type { EngineResult, RunRecord } from '../results/record.js';
import type { SweepRecord } from '../results/sweep-record.js';
import { renderSweep } from './sweep.js';

const run = JSON.parse(
  readFileSync(new URL('../results/fixtures/run-v1.json', import.meta.url), 'utf8'),
) as RunRecord;

function sweepOf(point: RunRecord): SweepRecord {
  return {
    schemaVersion: 1,
    sweepId: '20250102-030000-swp1',
    startedAt: point.startedAt,
    endedAt: point.endedAt,
    config: { engines: point.config.engines, durationMs: 60_000, repeat: 1, isolate: false, sloP99Us: null },
    points: [
      {
        index: 0,
        rateEventsPerSec: 1000,
        settings: point.config.jobs as NonNullable<RunRecord['config']['jobs']>,
        labels: { spark: 'trigger realtime', flink: 'buffer 0ms', baseline: 'batch 1000' },
        runIds: [point.runId],
        status: 'complete',
        reasons: [],
      },
    ],
    maxRate: null,
    interrupted: false,
  };
}

describe('the sweep table', () => {
  it('says which point had an engine below the floor', () => {
    const spark = run.engines.spark as EngineResult;
    const fastSpark: RunRecord = {
      ...run,
      engines: {
        ...run.engines,
        spark: { ...spark, latency: { ...(spark.latency as LatencySummary), p50Us: 1_500 } },
      },
    };
    expect(renderSweep(sweepOf(fastSpark), { [run.runId]: fastSpark })).toContain(
      `point #1 (${run.runId}): floor: spark's end-to-end p50 (1.5 ms) is below the baseline's (15.8 ms)`,
    );
    expect(renderSweep(sweepOf(run), { [run.runId]: run })).not.toContain('floor:');
  });
});
