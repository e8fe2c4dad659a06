import { describe, expect, it } from 'vitest';
import { mergeJobSettings, resolveStackConfig } from '../config/stack-config.js';
import type { MaxRateResult, SweepPointRecord, SweepRecord } from '../results/sweep-record.js';
import { scaleCurves } from './sweep-scale.js';
import { renderSweepReport } from './report.js';
import { maxRateTable, sweepCsv, sweepTable } from './sweep.js';

const base = resolveStackConfig({}, '/w').jobs;
const at = (n: number) => mergeJobSettings(base, { parallelism: { spark: n, flink: n, baseline: n } });

const point = (index: number, partitions: number, parallelism: number): SweepPointRecord => ({
  index,
  rateEventsPerSec: 1000,
  partitions,
  settings: at(parallelism),
  labels: { spark: 'trigger 1s', flink: 'buffer 100ms', baseline: 'batch 1000' },
  runIds: [],
  status: 'complete',
  reasons: [],
});

const sweepOf = (fields: Partial<SweepRecord>): SweepRecord => ({
  schemaVersion: 1,
  sweepId: 's1',
  startedAt: '',
  endedAt: null,
  config: { engines: ['flink', 'baseline'], durationMs: 10_000, repeat: 1, isolate: false, sloP99Us: null },
  points: [],
  maxRate: null,
  interrupted: false,
  ...fields,
});

const found = (rate: number, p99Us: number): MaxRateResult => ({
  sustainableRateEventsPerSec: rate,
  firstUnsustainableRateEventsPerSec: rate * 2,
  steps: [
    {
      rateEventsPerSec: rate,
      sustainable: true,
      runId: `r${rate}`,
      reasons: [],
      verdicts: [
        {
          runId: `r${rate}`,
          sustainable: true,
          reasons: [],
          windowSeconds: 10,
          offeredRateEventsPerSec: rate,
          committedRateEventsPerSec: rate,
          backlogSlopeEventsPerSec: 0,
          backlogGrowthFraction: 0,
          backlogSpreadEvents: 0,
          p50Us: p99Us / 2,
          p99Us,
          nearBoundary: false,
        },
      ],
    },
  ],
});

describe('the scaling curves of a sweep', () => {
  it('are absent from a sweep of one scale', () => {
    expect(
      scaleCurves(sweepOf({ points: [point(0, 3, 1), { ...point(1, 3, 1), rateEventsPerSec: 2000 }] }), {}),
    ).toBe(undefined);
  });

  it('draw sustainable throughput and its p99 against parallelism, one line per engine', () => {
    const sweep = sweepOf({
      scaleSearches: [
        {
          partitions: 6,
          parallelism: { spark: 1, flink: 1, baseline: 1 },
          maxRate: { flink: found(4000, 80_000), baseline: found(8000, 20_000) },
        },
        {
          partitions: 6,
          parallelism: { spark: 2, flink: 2, baseline: 2 },
          maxRate: { flink: found(6000, 90_000), baseline: found(16000, 25_000) },
        },
      ],
    });
    const curves = scaleCurves(sweep, {});
    expect(curves?.x).toBe('parallelism');
    expect(curves?.throughputKind).toBe('sustainable');
    expect(curves?.throughput).toEqual([
      {
        name: 'flink',
        engine: 'flink',
        points: [
          [1, 4000],
          [2, 6000],
        ],
      },
      {
        name: 'baseline',
        engine: 'baseline',
        points: [
          [1, 8000],
          [2, 16000],
        ],
      },
    ]);
    expect(curves?.p99Us.find((line) => line.engine === 'baseline')?.points).toEqual([
      [1, 20_000],
      [2, 25_000],
    ]);
  });

  it('draw one line per partition count when both partitions and parallelism were swept', () => {
    const sweep = sweepOf({ points: [point(0, 3, 1), point(1, 3, 2), point(2, 6, 1), point(3, 6, 2)] });
    const curves = scaleCurves(sweep, {});
    expect(curves?.throughputKind).toBe('committed');
    expect(curves?.throughput.map((line) => [line.name, line.points.map(([x]) => x)])).toEqual([
      ['flink, 3 partitions', [1, 2]],
      ['baseline, 3 partitions', [1, 2]],
      ['flink, 6 partitions', [1, 2]],
      ['baseline, 6 partitions', [1, 2]],
    ]);
  });

  it('put partitions on x when only they were swept', () => {
    const curves = scaleCurves(sweepOf({ points: [point(0, 3, 1), point(1, 6, 1), point(2, 12, 1)] }), {});
    expect(curves?.x).toBe('partitions');
    expect(curves?.throughput[0]?.points.map(([x]) => x)).toEqual([3, 6, 12]);
  });
});

describe('the sweep table and CSV over scales', () => {
  const sweep = sweepOf({ points: [point(0, 6, 1), point(1, 6, 2)] });

  it('show the partitions and each engine’s parallelism', () => {
    const table = sweepTable(sweep, {});
    expect(table.head.slice(0, 4)).toEqual(['rate', 'engine', 'partitions', 'parallelism']);
    expect(table.rows.map((row) => row.slice(1, 4))).toEqual([
      ['flink', '6', '1'],
      ['baseline', '6', '1'],
      ['flink', '6', '2'],
      ['baseline', '6', '2'],
    ]);
    expect(sweepCsv(sweep, {}).split('\n')[0]).toMatch(/,status,partitions,parallelism$/);
  });
});

describe('a --find-max-rate sweep over parallelism', () => {
  const sweep = sweepOf({
    config: { engines: ['flink'], durationMs: 10_000, repeat: 1, isolate: false, sloP99Us: 1_000_000 },
    scaleSearches: [
      {
        partitions: 6,
        parallelism: { spark: 1, flink: 1, baseline: 1 },
        maxRate: { flink: found(4000, 80_000) },
      },
      {
        partitions: 6,
        parallelism: { spark: 2, flink: 2, baseline: 2 },
        maxRate: { flink: found(6000, 90_000) },
      },
    ],
  });

  it('lists the sustainable throughput of every engine at every scale', () => {
    const table = maxRateTable(sweep);
    expect(table?.head.slice(0, 3)).toEqual(['partitions', 'parallelism', 'engine']);
    expect(table?.rows.map((row) => row.slice(0, 4))).toEqual([
      ['6', '1', 'flink', '4000/s'],
      ['6', '2', 'flink', '6000/s'],
    ]);
  });

  it('draws the sustainable throughput and the p99 at it against parallelism in the report', () => {
    const html = renderSweepReport(sweep, {});
    expect(html).toContain('Sustainable throughput against parallelism');
    expect(html).toContain('End-to-end p99 at the sustainable rate against parallelism');
  });
});
