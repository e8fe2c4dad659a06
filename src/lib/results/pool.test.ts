import { describe, expect, it } from 'vitest';
import { LatencyRecorder } from '../metrics/histogram.js';
import { pooledLatency } from './pool.js';
import { emptyEngineResult, type RunRecord } from './record.js';

function runWith(runId: string, valuesUs: number[] | null): RunRecord {
  const engine = emptyEngineResult();
  if (valuesUs) {
    const recorder = new LatencyRecorder();
    valuesUs.forEach((v) => recorder.record(v));
    engine.histograms.endToEnd = recorder.serialize();
  }
  return { runId, engines: { flink: engine } } as unknown as RunRecord;
}

describe('pooledLatency', () => {
  it('merges the histograms of every run into one over all rows', () => {
    const pooled = pooledLatency([runWith('a', [1, 2, 3]), runWith('b', null), runWith('c', [4, -5])], 'flink', 'endToEnd');
    expect(pooled?.summarize()).toMatchObject({ count: 5, negativeCount: 1, minUs: -5, maxUs: 4, p50Us: 2, meanUs: 1 });
  });

  it('has nothing to pool when no run has the histogram', () => {
    expect(pooledLatency([runWith('a', null)], 'flink', 'endToEnd')).toBeNull();
    expect(pooledLatency([runWith('a', [1])], 'spark', 'endToEnd')).toBeNull();
  });

  it('names the run of a damaged histogram', () => {
    const broken = runWith('20250101-000000-bad1', [1, 2]);
    const histogram = broken.engines.flink?.histograms.endToEnd;
    if (histogram) histogram.count = 7;
    expect(() => pooledLatency([broken], 'flink', 'endToEnd')).toThrow(
      /endToEnd histogram of flink in run 20250101-000000-bad1 is damaged/,
    );
  });
});
