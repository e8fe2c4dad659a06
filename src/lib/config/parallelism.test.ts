import { describe, expect, it } from 'vitest';
import { parallelismPoints, parseParallelism, parseParallelismList } from './lists.js';
import { changedEngines, mergeJobSettings, parallelismProblem, resolveStackConfig } from './stack-config.js';
import { parsePartitionList, sweepFlags } from './sweep-flags.js';

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

describe('sweep --parallelism', () => {
  it('reads one list for every engine, or a list for one engine', () => {
    expect(parseParallelismList('1,2,4')).toEqual({ values: [1, 2, 4] });
    expect(parseParallelismList('flink=1,2,4')).toEqual({ engine: 'flink', values: [1, 2, 4] });
  });

  it('refuses 0, an unknown engine, a value that is not a whole number, and an engine inside a list', () => {
    expect(parseParallelismList('0,2')).toMatch(/"0": parallelism is a whole number from 1 to 256/);
    expect(parseParallelismList('storm=1,2')).toMatch(
      /"storm" is not an engine; choose from spark, flink, baseline/,
    );
    expect(parseParallelismList('1.5')).toMatch(/"1.5" is not a whole number/);
    expect(parseParallelismList('two')).toMatch(/"two" is not a whole number/);
    expect(parseParallelismList('flink=1,flink=2')).toMatch(
      /give each engine its own list: --parallelism flink=1,2,4/,
    );
    expect(parseParallelismList('1,1')).toMatch(/lists a value twice/);
  });

  it('names the flag when it refuses a value', async () => {
    const parse = (input: string) => sweepFlags.parallelism.parse(input, {} as never, {} as never);
    await expect(parse('flink=0')).rejects.toThrow(/^--parallelism: "0": parallelism is a whole number/);
    await expect(parse('storm=2')).rejects.toThrow(/^--parallelism: "storm" is not an engine/);
    await expect(parse('x')).rejects.toThrow(/^--parallelism: "x" is not a whole number/);
  });

  it('gives every engine each value of a shared list, point by point', () => {
    expect(parallelismPoints([{ values: [1, 2] }])).toEqual([
      { spark: 1, flink: 1, baseline: 1 },
      { spark: 2, flink: 2, baseline: 2 },
    ]);
    expect(parallelismPoints([])).toEqual([]);
  });

  it('advances per-engine lists together, the shorter keeping its last value', () => {
    expect(
      parallelismPoints([
        { engine: 'flink', values: [1, 2, 4] },
        { engine: 'baseline', values: [1, 2] },
      ]),
    ).toEqual([
      { flink: 1, baseline: 1 },
      { flink: 2, baseline: 2 },
      { flink: 4, baseline: 2 },
    ]);
  });

  it('refuses a shared list with per-engine lists, and an engine given twice', () => {
    expect(parallelismPoints([{ values: [1, 2] }, { engine: 'flink', values: [1] }])).toMatch(/not both/);
    expect(
      parallelismPoints([
        { engine: 'flink', values: [1] },
        { engine: 'flink', values: [2] },
      ]),
    ).toMatch(/"flink" is given twice/);
  });
});

describe('sweep --partitions', () => {
  it('reads a list of partition counts and refuses 0, fractions and more than 10000, naming the flag', async () => {
    expect(parsePartitionList('3,6,12')).toEqual([3, 6, 12]);
    expect(parsePartitionList('0,3')).toMatch(/"0" must be a whole number of at least 1/);
    expect(parsePartitionList('1.5')).toMatch(/must be a whole number/);
    expect(parsePartitionList('20000')).toMatch(/at most 10000/);
    await expect(sweepFlags.partitions.parse('3,x', {} as never, {} as never)).rejects.toThrow(
      /^--partitions: "x"/,
    );
  });
});

describe('baseline consumer threads against the partitions', () => {
  const jobs = (baseline: number) =>
    mergeJobSettings(resolveStackConfig({}, '/w').jobs, { parallelism: { baseline } as never });

  it('refuses more threads than partitions, naming the flag and the fix', () => {
    const problem = parallelismProblem(jobs(4), 3, ['flink', 'baseline']);
    expect(problem?.message).toMatch(
      /--parallelism baseline=4 is more consumer threads than the topic's 3 partitions/,
    );
    expect(problem?.message).toMatch(/1 thread\(s\) would stay idle/);
    expect(problem?.fix).toBe('Use at most --parallelism baseline=3, or --partitions 4 or more');
  });

  it('accepts as many threads as partitions, and any count when the baseline does not run', () => {
    expect(parallelismProblem(jobs(3), 3, ['baseline'])).toBeUndefined();
    expect(parallelismProblem(jobs(8), 3, ['flink'])).toBeUndefined();
  });
});
