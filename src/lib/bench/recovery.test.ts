import { describe, expect, it } from 'vitest';
import { enginesHitBy } from './recovery.js';

describe('enginesHitBy', () => {
  it('says a job fault hits its own engine, a cluster part its engine, Kafka and PostgreSQL every engine', () => {
    const all = ['spark', 'flink', 'baseline'] as const;
    expect(enginesHitBy('flink', all)).toEqual(['flink']);
    expect(enginesHitBy('flink-taskmanager', all)).toEqual(['flink']);
    expect(enginesHitBy('spark-worker', all)).toEqual(['spark']);
    expect(enginesHitBy('kafka', all)).toEqual(['spark', 'flink', 'baseline']);
    expect(enginesHitBy('postgres', ['flink'])).toEqual(['flink']);
    expect(enginesHitBy('spark', ['flink', 'baseline'])).toEqual([]);
  });
});
