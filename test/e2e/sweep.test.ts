import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SweepOutcome } from '../../src/lib/bench/sweep.js';
import { json, runCli } from '../support/cli.js';
import { e2eStack } from '../support/stack.js';

const { stateDir, resultsDir, stackArgs } = e2eStack('sweep', 23092);

describe('crypto-bench sweep', () => {
  beforeAll(async () => {
    // Without the gold queries Spark's micro-batches at 500 events/s take a fraction of a second, so the trigger
    // interval, not a 2-core machine's batch time, sets its latency: that is what this test is about.
    const up = await runCli(['up', ...stackArgs, '--no-gold', '--json']);
    expect(up.code, `${up.stdout}\n${up.stderr}`).toBe(0);
  });

  afterAll(async () => {
    await runCli(['down', '--state-dir', stateDir, '--volumes', '--yes']);
  });

  it('gives physically sensible results: a 10 s Spark trigger has a higher p50 than a 1 s trigger', async () => {
    const result = await runCli([
      'sweep',
      ...stackArgs,
      '--results-dir',
      resultsDir,
      '--trigger',
      '1s,10s',
      '--buffer-timeout',
      '0,100ms',
      '--rate',
      '500',
      '--duration',
      '25s',
      '--warmup',
      '5s',
      '--schedule-lag-bound',
      '2s',
      '--json',
    ]);
    expect(result.code, result.stderr).toBe(0);
    const { sweep, runs } = json<SweepOutcome>(result);
    expect(sweep.points.map((p) => [p.labels.spark, p.labels.flink, p.status])).toEqual([
      ['trigger 1s', 'buffer 0ms, batch 1000/200ms', 'complete'],
      ['trigger 10s', 'buffer 100ms, batch 1000/200ms', 'complete'],
    ]);
    const sparkP50 = sweep.points.map((p) => runs[p.runIds[0] as string]?.engines.spark?.latency?.p50Us ?? 0);
    expect(sparkP50[1]).toBeGreaterThan(sparkP50[0] as number);
    expect(existsSync(path.join(resultsDir, sweep.sweepId, 'sweep.csv'))).toBe(true);

    const again = await runCli(['compare', sweep.sweepId, '--results-dir', resultsDir]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain('trigger 10s');
  });

  it('sweeps parallelism on a new topic: the baseline really runs 2 consumer threads, and every event is committed', async () => {
    const result = await runCli([
      'sweep',
      ...stackArgs,
      '--results-dir',
      resultsDir,
      '--engines',
      'flink,baseline',
      '--parallelism',
      '1,2',
      '--partitions',
      '6',
      '--rate',
      '500',
      '--duration',
      '12s',
      '--warmup',
      '2s',
      '--schedule-lag-bound',
      '2s',
      '--json',
    ]);
    expect(result.code, result.stderr).toBe(0);
    const { sweep, runs } = json<SweepOutcome>(result);
    expect(sweep.points.map((p) => [p.partitions, p.settings.parallelism, p.status])).toEqual([
      [6, { spark: 1, flink: 1, baseline: 1 }, 'complete'],
      [6, { spark: 2, flink: 2, baseline: 2 }, 'complete'],
    ]);
    for (const point of sweep.points) {
      const run = runs[point.runIds[0] as string];
      expect(run?.config.partitions).toBe(6);
      expect(run?.config.jobs?.parallelism).toEqual(point.settings.parallelism);
      for (const engine of ['flink', 'baseline'] as const) {
        const completeness = run?.engines[engine]?.completeness;
        expect(completeness?.missingRows, `${engine} at point ${point.index + 1}`).toBe(0);
        expect(completeness?.committedDistinctRows).toBe(completeness?.producedRows);
      }
    }

    // Each of the baseline's two consumer threads was given partitions of the new topic, and between them all six.
    const log = readFileSync(path.join(stateDir, 'logs', 'baseline.log'), 'utf8');
    expect(log).toContain('threads=2');
    const assigned = (thread: string) =>
      [...log.matchAll(new RegExp(`consumer ${thread}: assigned partitions \\[([\\d, ]*)\\]`, 'g'))]
        .map((match) => (match[1] ? match[1].split(', ').map(Number) : []))
        .at(-1) ?? [];
    expect(assigned('1/2').length).toBeGreaterThan(0);
    expect(assigned('2/2').length).toBeGreaterThan(0);
    expect([...assigned('1/2'), ...assigned('2/2')].sort()).toEqual([0, 1, 2, 3, 4, 5]);

    // The stack got its own topic and parallelism back.
    const state = JSON.parse(readFileSync(path.join(stateDir, 'state.json'), 'utf8')) as {
      config: { partitions: number; jobs: { parallelism: Record<string, number> } };
    };
    expect(state.config.partitions).toBe(3);
    expect(state.config.jobs.parallelism).toEqual({ spark: 1, flink: 1, baseline: 1 });
  });

  it('rejects a malformed list naming the flag', async () => {
    const result = await runCli(['sweep', ...stackArgs, '--trigger', '5parsecs']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--trigger: "5parsecs" is not a duration');
  });

  it('refuses a parallelism of 0 and more baseline threads than partitions, before anything starts', async () => {
    const zero = await runCli(['sweep', ...stackArgs, '--parallelism', 'flink=0']);
    expect(zero.code).toBe(2);
    expect(zero.stderr).toContain('--parallelism: "0": parallelism is a whole number from 1 to 256');
    const idle = await runCli(['sweep', ...stackArgs, '--parallelism', 'baseline=4', '--partitions', '3']);
    expect(idle.code).toBe(2);
    expect(idle.stderr).toContain(
      "--parallelism baseline=4 is more consumer threads than the topic's 3 partitions",
    );
  });
});
