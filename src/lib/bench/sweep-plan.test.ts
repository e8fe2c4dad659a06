import { describe, expect, it } from 'vitest';
import { resolveStackConfig } from '../config/stack-config.js';
import { planScales, planSweep, type SweepAxes } from './sweep-plan.js';

const base = resolveStackConfig({}, '/w').jobs;
const none: SweepAxes = {
  ratesEventsPerSec: [],
  sparkTriggers: [],
  flinkBufferTimeoutsMs: [],
  flinkBatchSizes: [],
  flinkBatchIntervalsMs: [],
};

describe('planSweep', () => {
  it('advances Spark triggers and Flink buffer timeouts together, the shorter list staying at its last value', () => {
    const points = planSweep(
      { ...none, sparkTriggers: [1000, 10_000, 'realtime'], flinkBufferTimeoutsMs: [0, 100] },
      base,
    );
    expect(points.map((p) => [p.labels.spark, p.labels.flink])).toEqual([
      ['trigger 1s', 'buffer 0ms, batch 1000/200ms'],
      ['trigger 10s', 'buffer 100ms, batch 1000/200ms'],
      ['trigger realtime', 'buffer 100ms, batch 1000/200ms'],
    ]);
    expect(points.every((p) => p.rateEventsPerSec === 1000)).toBe(true);
  });

  it('crosses Flink settings and repeats the sequence for each rate', () => {
    const points = planSweep(
      {
        ...none,
        ratesEventsPerSec: [1000, 10_000],
        flinkBatchSizes: [100, 1000],
        flinkBatchIntervalsMs: [0, 200],
      },
      base,
    );
    expect(points).toHaveLength(8);
    expect(points.slice(0, 4).map((p) => p.labels.flink)).toEqual([
      'buffer 100ms, batch 100/0ms',
      'buffer 100ms, batch 100/200ms',
      'buffer 100ms, batch 1000/0ms',
      'buffer 100ms, batch 1000/200ms',
    ]);
    expect(points[4]?.rateEventsPerSec).toBe(10_000);
    expect(points.map((p) => p.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it('makes a single point at the stack settings when nothing is swept', () => {
    const points = planSweep(none, base);
    expect(points).toHaveLength(1);
    expect(points[0]?.settings).toEqual(base);
  });

  it('crosses delivery guarantees and state backends, each repeating the trigger sequence', () => {
    const points = planSweep(
      {
        ...none,
        sparkTriggers: [0, 1000],
        deliveries: ['at-least-once', 'exactly-once'],
        stateBackends: ['hashmap', 'rocksdb'],
      },
      base,
    );
    expect(points).toHaveLength(8);
    expect(points.map((p) => p.labels.spark)).toEqual([
      'trigger 0',
      'trigger 1s',
      'trigger 0, rocksdb',
      'trigger 1s, rocksdb',
      'trigger 0, exactly-once',
      'trigger 1s, exactly-once',
      'trigger 0, exactly-once, rocksdb',
      'trigger 1s, exactly-once, rocksdb',
    ]);
    expect(points[7]?.labels.baseline).toBe('batch 1000, exactly-once');
    expect(points[7]?.labels.flink).toBe('buffer 100ms, batch 1000/200ms, exactly-once, rocksdb');
  });

  it('sweeps Flink checkpoint intervals, shown in its label', () => {
    const points = planSweep({ ...none, checkpointIntervalsMs: [1000, 60_000] }, base);
    expect(points.map((p) => p.settings.flinkCheckpointIntervalMs)).toEqual([1000, 60_000]);
    expect(points[1]?.labels.flink).toBe('buffer 100ms, batch 1000/200ms, checkpoint 1m');
  });

  it('puts the stack partitions and parallelism on every point when the scale is not swept', () => {
    const points = planSweep({ ...none, sparkTriggers: [0, 1000] }, base, 6);
    expect(points.map((p) => p.partitions)).toEqual([6, 6]);
    expect(points.map((p) => p.settings.parallelism)).toEqual([
      { spark: 1, flink: 1, baseline: 1 },
      { spark: 1, flink: 1, baseline: 1 },
    ]);
  });

  it('makes the scale outermost: each partition count, then each parallelism, repeats every other setting', () => {
    const points = planSweep(
      {
        ...none,
        flinkBufferTimeoutsMs: [0, 100],
        partitions: [3, 6],
        parallelisms: [
          { spark: 1, flink: 1, baseline: 1 },
          { spark: 2, flink: 2, baseline: 2 },
        ],
      },
      base,
    );
    expect(points).toHaveLength(8);
    expect(
      points.map((p) => [p.partitions, p.settings.parallelism?.flink, p.settings.flinkBufferTimeoutMs]),
    ).toEqual([
      [3, 1, 0],
      [3, 1, 100],
      [3, 2, 0],
      [3, 2, 100],
      [6, 1, 0],
      [6, 1, 100],
      [6, 2, 0],
      [6, 2, 100],
    ]);
  });

  it('keeps the parallelism of the engines a per-engine list does not name', () => {
    const stack = { ...base, parallelism: { spark: 3, flink: 1, baseline: 1 } };
    const points = planSweep(
      {
        ...none,
        parallelisms: [
          { flink: 1, baseline: 1 },
          { flink: 2, baseline: 2 },
        ],
      },
      stack,
    );
    expect(points.map((p) => p.settings.parallelism)).toEqual([
      { spark: 3, flink: 1, baseline: 1 },
      { spark: 3, flink: 2, baseline: 2 },
    ]);
  });

  it('lists the scales of a --find-max-rate search, partitions outermost', () => {
    const scales = planScales(
      { ...none, partitions: [6, 12], parallelisms: [{ flink: 1 }, { flink: 2 }] },
      base,
      3,
    );
    expect(scales.map((s) => [s.partitions, s.settings.parallelism?.flink])).toEqual([
      [6, 1],
      [6, 2],
      [12, 1],
      [12, 2],
    ]);
    expect(planScales(none, base, 3)).toEqual([{ partitions: 3, settings: base }]);
  });
});
