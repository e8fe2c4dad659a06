import { describe, expect, it } from 'vitest';
import type { UsageError } from '../errors.js';
import { changedEngines, jobSettingsProblem, resolveStackConfig, stackDifferences } from './stack-config.js';
import type { StackFlagValues } from './stack-config.js';

describe('resolveStackConfig', () => {
  it('lays out five consecutive ports from the default base', () => {
    const config = resolveStackConfig({}, '/work');
    expect(config.ports).toEqual({
      kafka: 19092,
      kafkaController: 19093,
      postgres: 19094,
      sparkUi: 19095,
      flinkUi: 19096,
    });
    expect(config.stateDir).toBe('/work/.crypto-bench');
    expect(config.engines).toEqual(['spark', 'flink', 'baseline']);
  });

  it('moves every port with --port-base and lets one service override its own', () => {
    const config = resolveStackConfig({ 'port-base': 30000, 'postgres-port': 5555 }, '/work');
    expect(config.ports).toEqual({
      kafka: 30000,
      kafkaController: 30001,
      postgres: 5555,
      sparkUi: 30003,
      flinkUi: 30004,
    });
  });

  it('refuses two services on one port', () => {
    expect(() => resolveStackConfig({ 'kafka-port': 19094 }, '/work')).toThrow(
      /given to both kafka and postgres/,
    );
  });

  it('runs locally unless told otherwise, and on Docker with its own bridge network by default', () => {
    expect(resolveStackConfig({}, '/work').runtime).toBe('local');
    const docker = resolveStackConfig({ runtime: 'docker', cpus: { spark: 1, flink: 1 } }, '/work');
    expect(docker.docker).toEqual({
      network: 'bridge',
      cpus: { spark: 1, flink: 1 },
      baseImage: 'eclipse-temurin:17-jre',
      taskmanagers: 1,
      sparkWorkers: 1,
    });
  });

  it('sizes the docker clusters with --taskmanagers and --spark-workers, and refuses them elsewhere with the fix', () => {
    const scaled = resolveStackConfig({ runtime: 'docker', taskmanagers: 2, 'spark-workers': 3 }, '/work');
    expect(scaled.docker).toMatchObject({ taskmanagers: 2, sparkWorkers: 3 });
    const refusal = (flags: StackFlagValues) => {
      try {
        resolveStackConfig(flags, '/work');
      } catch (error) {
        return { message: (error as UsageError).message, fix: (error as UsageError).suggestions };
      }
      return undefined;
    };
    expect(refusal({ taskmanagers: 2 })).toEqual({
      message: '--taskmanagers applies to the docker runtime only (this is --runtime local)',
      fix: [
        'Add --runtime docker, or drop --taskmanagers (the local runtime runs each job in one process; scale it with --parallelism flink=N)',
      ],
    });
    expect(refusal({ runtime: 'cluster', cluster: 'x.yaml', 'spark-workers': 2 })?.fix).toEqual([
      'Drop --spark-workers: a cluster runs the workers it has; raise --parallelism spark=N instead',
    ]);
    expect(refusal({ runtime: 'docker', engines: ['spark', 'baseline'], taskmanagers: 2 })).toEqual({
      message: '--taskmanagers sizes the flink cluster, but --engines leaves flink out',
      fix: ['Add flink to --engines, or drop --taskmanagers'],
    });
  });

  it('refuses Docker settings for the local runtime', () => {
    expect(() => resolveStackConfig({ network: 'host' }, '/work')).toThrow(
      /--network applies to the docker runtime/,
    );
    expect(() => resolveStackConfig({ cpus: { spark: 1 } }, '/work')).toThrow(
      /--cpus applies to the docker runtime/,
    );
  });

  it('keeps an absolute state directory as given', () => {
    expect(resolveStackConfig({ 'state-dir': '/tmp/cb' }, '/work').stateDir).toBe('/tmp/cb');
  });
});

describe('changedEngines', () => {
  const base = resolveStackConfig({}, '/work').jobs;

  it('restarts only the job whose setting changed', () => {
    expect(changedEngines(base, { ...base, sparkTriggerMs: 5000 })).toEqual(['spark']);
    expect(changedEngines(base, { ...base, flinkBufferTimeoutMs: 0 })).toEqual(['flink']);
    expect(changedEngines(base, { ...base, baselineBatchSize: 10 })).toEqual(['baseline']);
    expect(changedEngines(base, { ...base })).toEqual([]);
  });

  it('restarts Spark and Flink when gold is switched, not the baseline', () => {
    expect(changedEngines(base, { ...base, gold: !base.gold })).toEqual(['spark', 'flink']);
  });

  it('restarts every job for a new delivery guarantee, and the stateful ones for a new state backend', () => {
    expect(changedEngines(base, { ...base, delivery: 'exactly-once' })).toEqual([
      'spark',
      'flink',
      'baseline',
    ]);
    expect(changedEngines(base, { ...base, stateBackend: 'rocksdb' })).toEqual(['spark', 'flink']);
  });

  it('reads settings from before delivery and state backend existed as their defaults', () => {
    const old = { ...base } as Partial<typeof base>;
    delete old.delivery;
    delete old.stateBackend;
    expect(changedEngines(old as typeof base, base)).toEqual([]);
  });
});

describe('jobSettingsProblem', () => {
  const base = resolveStackConfig({}, '/work').jobs;

  it('finds nothing wrong with the defaults, or with exactly-once on micro-batches', () => {
    expect(jobSettingsProblem(base)).toBeUndefined();
    expect(jobSettingsProblem({ ...base, delivery: 'exactly-once' })).toBeUndefined();
  });

  it('refuses exactly-once under Spark Real-Time Mode, with the fix', () => {
    const problem = jobSettingsProblem({ ...base, delivery: 'exactly-once', sparkRealtime: true });
    expect(problem?.message).toMatch(/--delivery exactly-once cannot run with --trigger realtime/);
    expect(problem?.fix).toMatch(/--trigger 0/);
  });
});

describe('stackDifferences', () => {
  it('finds nothing between a stack and the same flags, and ignores job settings', () => {
    const config = resolveStackConfig({ runtime: 'docker', network: 'host' }, '/work');
    expect(stackDifferences(config, { ...config, jobs: { ...config.jobs, sparkTriggerMs: 5000 } })).toEqual(
      [],
    );
  });

  it('names the ports and docker settings a running stack keeps', () => {
    const running = resolveStackConfig(
      { runtime: 'docker', network: 'host', 'port-base': 29092, cpus: { spark: 1 } },
      '/work',
    );
    const asked = resolveStackConfig({ runtime: 'docker' }, '/work');
    expect(stackDifferences(running, asked)).toEqual([
      'kafka port 29092 (asked 19092)',
      'kafkaController port 29093 (asked 19093)',
      'postgres port 29094 (asked 19094)',
      'sparkUi port 29095 (asked 19095)',
      'flinkUi port 29096 (asked 19096)',
      '--network host (asked bridge)',
      '--cpus spark=1 (asked none)',
    ]);
  });
});
