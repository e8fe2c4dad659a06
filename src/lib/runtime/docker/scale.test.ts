import { describe, expect, it } from 'vitest';
import { mergeJobSettings, resolveStackConfig, type StackFlagValues } from '../../config/stack-config.js';
import type { Parallelism } from '../../config/lists.js';
import { capacityProblem, clusterScale, unitOf, unitsOfRole } from './scale.js';

function config(flags: StackFlagValues, parallelism: Partial<Parallelism> = {}) {
  const resolved = resolveStackConfig({ runtime: 'docker', ...flags }, '/work');
  return { ...resolved, jobs: mergeJobSettings(resolved.jobs, { parallelism: parallelism as Parallelism }) };
}

describe('the docker clusters scale', () => {
  it('gives each TaskManager just enough slots for the Flink parallelism, spread evenly', () => {
    const slots = (taskmanagers: number, flink: number) =>
      clusterScale(config({ taskmanagers }, { flink })).slotsPerTaskManager;
    expect(slots(1, 1)).toBe(1);
    expect(slots(2, 1)).toBe(1);
    expect(slots(2, 2)).toBe(1);
    expect(slots(2, 3)).toBe(2);
    expect(slots(1, 4)).toBe(4);
    expect(slots(3, 8)).toBe(3);
  });

  it('gives Spark at least two cores, its parallelism above that, spread over the workers', () => {
    expect(clusterScale(config({}))).toMatchObject({ sparkWorkers: 1, sparkCores: 2, coresPerWorker: 2 });
    expect(clusterScale(config({ 'spark-workers': 2 }))).toMatchObject({ sparkCores: 2, coresPerWorker: 1 });
    expect(clusterScale(config({ 'spark-workers': 2 }, { spark: 5 }))).toMatchObject({
      sparkCores: 5,
      coresPerWorker: 3,
    });
  });

  it('refuses a parallelism the running clusters cannot hold, naming the flag and the fix', () => {
    const scale = clusterScale(config({ taskmanagers: 2, 'spark-workers': 2 }));
    const jobs = (parallelism: Partial<Parallelism>) =>
      mergeJobSettings(config({}).jobs, { parallelism: parallelism as Parallelism });
    expect(capacityProblem(scale, jobs({ flink: 2, spark: 2 }))).toBeUndefined();
    expect(capacityProblem(scale, jobs({ flink: 3 }))).toEqual({
      message:
        "--parallelism flink=3 needs 3 task slots; this docker stack's 2 TaskManager(s) offer 1 each (2)",
      fix: 'Run `crypto-bench down`, then `crypto-bench up --runtime docker --parallelism flink=3` (slots are set at up), or lower --parallelism flink',
    });
    expect(capacityProblem(scale, jobs({ spark: 4 }))?.message).toBe(
      "--parallelism spark=4 needs 4 executor cores; this docker stack's 2 Spark worker(s) offer 1 each (2)",
    );
  });

  it('keeps the role as the name of a lone container and numbers several from 1', () => {
    expect(unitsOfRole(config({}), 'flink-taskmanager').map((u) => u.name)).toEqual(['flink-taskmanager']);
    expect(unitsOfRole(config({ 'spark-workers': 3 }), 'spark-worker').map((u) => u.name)).toEqual([
      'spark-worker-1',
      'spark-worker-2',
      'spark-worker-3',
    ]);
    expect(unitsOfRole(config({ taskmanagers: 4 }), 'flink-jobmanager')).toHaveLength(1);
    expect(unitOf({ role: 'spark-worker' })).toBe('spark-worker');
    expect(unitOf({ role: 'spark-worker', unit: 'spark-worker-2' })).toBe('spark-worker-2');
  });
});
