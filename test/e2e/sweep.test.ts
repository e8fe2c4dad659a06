import { existsSync } from 'node:fs';
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

  it('rejects a malformed list naming the flag', async () => {
    const result = await runCli(['sweep', ...stackArgs, '--trigger', '5parsecs']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--trigger: "5parsecs" is not a duration');
  });
});
