import { describe, expect, it } from 'vitest';
import { resolveStackConfig } from '../config/stack-config.js';
import { planSweep, type SweepAxes } from './sweep-plan.js';

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
});
