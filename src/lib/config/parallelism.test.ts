import { describe, expect, it } from 'vitest';
import { parseParallelism } from './lists.js';
import { changedEngines, mergeJobSettings, resolveStackConfig } from './stack-config.js';

describe('--parallelism', () => {
  it('reads ENGINE=N for the engines named', () => {
    expect(parseParallelism('spark=2,flink=2,baseline=2')).toEqual({ spark: 2, flink: 2, baseline: 2 });
    expect(parseParallelism('flink=4')).toEqual({ flink: 4 });
  });

  it('refuses an engine that does not exist, 0, and an engine given twice', () => {
    expect(parseParallelism('storm=2')).toMatch(
      /"storm" is not an engine; choose from spark, flink, baseline/,
    );
    expect(parseParallelism('flink=0')).toMatch(/parallelism is a whole number from 1 to 256/);
    expect(parseParallelism('flink=2,flink=3')).toMatch(/"flink" is given twice/);
  });

  it('keeps the parallelism of the engines not named, and restarts only the engines it changes', () => {
    const jobs = resolveStackConfig({}).jobs;
    const merged = mergeJobSettings(jobs, { parallelism: { flink: 2 } as never });
    expect(merged.parallelism).toEqual({ spark: 1, flink: 2, baseline: 1 });
    expect(changedEngines(jobs, merged)).toEqual(['flink']);
  });
});
