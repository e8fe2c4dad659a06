import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunRecord } from '../../src/lib/results/record.js';
import { stopJobs } from '../../src/lib/runtime/stack.js';
import { readState } from '../../src/lib/runtime/state.js';
import { json, runCli, runFolders, untilNewRun } from '../support/cli.js';
import { e2eStack } from '../support/stack.js';

const { stateDir, resultsDir, stackArgs } = e2eStack('faults', 27092);
// Timings on a loaded 2-core machine are noisy; a run must not be declared invalid for that here, and a job
// restarted after a kill may need a while to catch up.
// Spark is in the stack for its own job-kill test only (the one test that measures it) and stopped after it: on
// the shared 2-core machine its micro-batches would load every other test. The supervisor and the injector treat
// every job the same way; the other tests measure Flink and the baseline.
const engines = ['--engines', 'flink,baseline'];
// A fault is a transient on purpose: the window is set (--warmup) rather than found by MSER-5, which could rightly
// see no steady state in a 35 s run with a crash in its middle; these tests are about delivery and recovery.
const commonRunArgs = [
  ...stackArgs,
  '--results-dir',
  resultsDir,
  '--schedule-lag-bound',
  '2s',
  '--warmup',
  '5s',
];
const runArgs = [...commonRunArgs, ...engines];

/** Starts `run --json` in the background; resolves with its exit code and output when it ends. */
function runInBackground(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['bin/run.js', 'run', ...runArgs, ...args, '--json'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
}

/** A run that must end complete (exit 0), on Flink and the baseline unless `args` name other engines. */
async function faultRun(args: string[]): Promise<RunRecord> {
  const base = args.includes('--engines') ? commonRunArgs : runArgs;
  const result = await runCli(['run', ...base, '--drain-timeout', '180s', ...args, '--json']);
  expect(result.code, result.stderr).toBe(0);
  return json<{ runs: RunRecord[] }>(result).runs[0] as RunRecord;
}

describe('faults: supervision, fault injection and recovery on the local runtime', () => {
  beforeAll(async () => {
    const up = await runCli([
      'up',
      ...stackArgs,
      '--engines',
      'spark,flink,baseline',
      '--no-gold',
      '--timeout',
      '600s',
      '--json',
    ]);
    expect(up.code, `${up.stdout}\n${up.stderr}`).toBe(0);
    expect(json<{ supervised: boolean }>(up).supervised).toBe(true);
  });

  afterAll(async () => {
    await runCli(['down', '--state-dir', stateDir, '--volumes', '--yes']);
  });

  it('refuses a fault the local runtime cannot take before anything starts, naming the flag and the fix', async () => {
    const result = await runCli([
      'run',
      ...runArgs,
      '--duration',
      '10s',
      '--fault',
      'flink-taskmanager:kill@5s',
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      '--fault flink-taskmanager:kill@5s: this local stack has no flink-taskmanager',
    );
    const late = await runCli(['run', ...runArgs, '--duration', '10s', '--fault', 'flink:kill@20s']);
    expect(late.code).toBe(2);
    expect(late.stderr).toContain('is at or after the end of the run');
  });

  it('restarts the Spark job killed with kill -9 mid-run: nothing lost, the fault and its restart recorded with their times, downtime and recovery measured', async () => {
    try {
      const run = await faultRun([
        '--engines',
        'spark',
        '--duration',
        '30s',
        '--rate',
        '300',
        '--fault',
        'spark:kill@10s',
      ]);
      expect(run.status, run.statusReasons.join('; ')).toBe('complete');
      const fault = run.faults?.[0];
      expect([fault?.text, fault?.outcome]).toEqual(['spark:kill@10s', 'injected']);
      const injectedAtUs = fault?.injectedAtUs ?? 0;
      expect(Math.abs(injectedAtUs - (fault?.plannedAtUs ?? 0))).toBeLessThan(200_000);
      expect(run.engines.spark?.completeness?.missingRows).toBe(0);
      expect(run.engines.spark?.incompleteReasons).toEqual([]);
      // The supervisor polls twice a second and restarts a first crash after 0.5 s (a loaded machine: 10 s).
      const restart = run.restarts?.find((r) => r.service === 'spark' && r.atUs > injectedAtUs);
      expect(restart, JSON.stringify(run.restarts)).toBeDefined();
      expect((restart?.atUs ?? 0) - injectedAtUs).toBeLessThan(10_000_000);
      const recovery = fault?.recovery.spark;
      // Downtime: from the kill to the first commit of an event produced after it, so past the restart.
      expect(recovery?.downtimeUs).toBeGreaterThan((restart?.atUs ?? 0) - injectedAtUs);
      if (recovery?.recoveryUs === null) expect(recovery.notes.join(' ')).toContain('did not get back');
      else expect(recovery?.recoveryUs).toBeGreaterThanOrEqual(recovery?.downtimeUs ?? Infinity);
    } finally {
      await stopJobs(stateDir, ['spark']);
    }
  });

  it('restarts each job killed with kill -9 mid-run: nothing lost, the fault and restart recorded, recovery measured', async () => {
    const run = await faultRun([
      '--duration',
      '40s',
      '--rate',
      '300',
      '--fault',
      'flink:kill@12s',
      '--fault',
      'baseline:kill@12s',
    ]);
    expect(run.status, run.statusReasons.join('; ')).toBe('complete');
    expect(run.faults?.map((f) => [f.text, f.outcome])).toEqual([
      ['flink:kill@12s', 'injected'],
      ['baseline:kill@12s', 'injected'],
    ]);
    for (const fault of run.faults ?? []) {
      const engine = fault.target as 'flink' | 'baseline';
      expect(Math.abs((fault.injectedAtUs ?? 0) - fault.plannedAtUs), fault.text).toBeLessThan(200_000);
      expect(run.engines[engine]?.completeness?.missingRows, engine).toBe(0);
      expect(
        run.restarts?.some((r) => r.service === engine && r.atUs > (fault.injectedAtUs ?? 0)),
        engine,
      ).toBe(true);
      expect(fault.recovery[engine]?.downtimeUs, engine).toBeGreaterThan(0);
      // Measured: a time, or (a restart slower than the run on a loaded machine) the reason there is none.
      const recovery = fault.recovery[engine];
      if (recovery?.recoveryUs === null)
        expect(recovery.notes.join(' '), engine).toContain('did not get back');
      else expect(recovery?.recoveryUs, engine).toBeGreaterThan(0);
    }
    const status = json<{ services: { name: string; restarts?: number }[] }>(
      await runCli(['status', '--state-dir', stateDir, '--json']),
    );
    expect(status.services.find((s) => s.name === 'flink')?.restarts).toBeGreaterThanOrEqual(1);
    const table = await runCli(['compare', run.runId, '--results-dir', resultsDir]);
    expect(table.stdout).toContain('Recovery per fault');
    expect(table.stdout).toMatch(/flink:kill@12s .* flink /);
  });

  it('shows a latency spike and its recovery when Flink is paused for 5 s', async () => {
    const run = await faultRun(['--duration', '35s', '--rate', '300', '--fault', 'flink:pause@15s+5s']);
    expect(run.status, run.statusReasons.join('; ')).toBe('complete');
    const fault = run.faults?.[0];
    expect(fault?.outcome).toBe('injected');
    expect(((fault?.resumedAtUs ?? 0) - (fault?.injectedAtUs ?? 0)) / 1e6).toBeCloseTo(5, 0);
    const recovery = fault?.recovery.flink;
    expect(recovery?.downtimeUs).toBeGreaterThan(4_000_000);
    expect(recovery?.peakP99Us).toBeGreaterThan(4_000_000);
    expect(recovery?.recoveryUs).not.toBeNull();
    const html = readFileSync(path.join(resultsDir, run.runId, 'report.html'), 'utf8');
    expect(html).toContain('flink:pause@15s+5s');
  });

  // After the job faults, so that a stack the crashes broke shows here and not in another test's figures.
  it('kills Kafka and PostgreSQL mid-run: both restarted, every engine recovers and loses nothing, in that run and the next', async () => {
    const result = await runCli([
      'run',
      ...runArgs,
      '--drain-timeout',
      '180s',
      '--duration',
      '45s',
      '--rate',
      '300',
      '--fault',
      'kafka:kill@10s',
      '--fault',
      'postgres:kill@28s',
      '--json',
    ]);
    // While Kafka is down the producer cannot offer the load, so the run may rightly be invalid (exit 6); an
    // engine that lost events or did not drain would make it incomplete (exit 7): it must not.
    expect([0, 6], result.stderr).toContain(result.code);
    const run = json<{ runs: RunRecord[] }>(result).runs[0] as RunRecord;
    expect(run.faults?.map((f) => [f.target, f.outcome])).toEqual([
      ['kafka', 'injected'],
      ['postgres', 'injected'],
    ]);
    for (const fault of run.faults ?? []) {
      expect(
        run.restarts?.some((r) => r.service === fault.target && r.atUs > (fault.injectedAtUs ?? 0)),
        fault.text,
      ).toBe(true);
    }
    // Everything the producer got into Kafka is committed by every engine. (Whether events were produced after
    // each crash depends on how long Kafka's restart takes: 68 s once on the loaded machine, longer than the run.)
    for (const engine of ['flink', 'baseline'] as const) {
      expect(run.engines[engine]?.incompleteReasons, engine).toEqual([]);
      expect(run.engines[engine]?.completeness?.missingRows, engine).toBe(0);
    }
    // The stack the crashes left behind serves the next run in full.
    const next = await faultRun(['--duration', '15s', '--rate', '300']);
    expect(next.status, next.statusReasons.join('; ')).toBe('complete');
    for (const engine of ['flink', 'baseline'] as const)
      expect(next.engines[engine]?.completeness?.missingRows, engine).toBe(0);
  });

  it('reports a run whose Flink job was killed and not restarted (supervision off) as incomplete, with the missing count', async () => {
    const off = await runCli(['up', ...stackArgs, '--no-supervise', '--json']);
    expect(off.code, off.stderr).toBe(0);
    expect(json<{ supervised: boolean }>(off).supervised).toBe(false);
    const before = runFolders(resultsDir);
    const running = runInBackground(['--duration', '30s', '--rate', '500', '--drain-timeout', '10s']);
    // Kill once the run is producing (its record is on disk from its start), not after a fixed time: on a loaded
    // machine the CLI may still be checking the stack then, and would rightly refuse a dead Flink (exit 4).
    await untilNewRun(resultsDir, before);
    await new Promise((resolve) => setTimeout(resolve, 10_000));
    process.kill(readState(stateDir)?.services.flink?.pid as number, 'SIGKILL');
    const { code, stdout, stderr } = await running;
    expect(code, `${stdout}\n${stderr}`).toBe(7);
    const run = JSON.parse(stdout).runs[0] as RunRecord;
    expect(run.status).toBe('incomplete');
    const flink = run.engines.flink;
    const missing = flink?.completeness?.missingRows ?? 0;
    expect(missing).toBeGreaterThan(0);
    expect(flink?.incompleteReasons?.join(' ')).toContain('died');
    expect(flink?.incompleteReasons?.join(' ')).toContain(`(${missing.toLocaleString('en-US')} missing)`);
    expect(run.engines.baseline?.incompleteReasons).toEqual([]);
    expect(run.statusReasons.some((r) => r.startsWith('flink: lost events'))).toBe(true);

    const table = await runCli(['compare', run.runId, '--results-dir', resultsDir]);
    expect(table.stdout).toContain('INCOMPLETE');
    expect(table.stdout).toContain('flink (incomplete)');
    const committed = (flink?.completeness?.committedDistinctRows ?? 0).toLocaleString('en-US');
    expect(table.stdout).toContain(`over ${committed} of 15,000 events`);
    const csv = await runCli(['compare', run.runId, '--results-dir', resultsDir, '--format', 'csv']);
    expect(csv.stdout).toMatch(/,flink,latency_e2e_p50_us,us,[\d.]*,incomplete,"died: flink not running/);
  });
});
