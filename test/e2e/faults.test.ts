import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunRecord } from '../../src/lib/results/record.js';
import { readState } from '../../src/lib/runtime/state.js';
import { json, runCli } from '../support/cli.js';
import { e2eStack } from '../support/stack.js';

const { stateDir, resultsDir, stackArgs } = e2eStack('faults', 27092);
// Timings on a loaded 2-core machine are noisy; a run must not be declared invalid for that here.
const engines = ['--engines', 'flink,baseline'];
const runArgs = [...stackArgs, ...engines, '--results-dir', resultsDir, '--schedule-lag-bound', '2s'];

/** Starts `run --json` in the background; resolves with its exit code and stdout when it ends. */
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

describe('faults: a run is complete only when every engine committed everything', () => {
  beforeAll(async () => {
    const up = await runCli(['up', ...stackArgs, ...engines, '--no-gold', '--json']);
    expect(up.code, `${up.stdout}\n${up.stderr}`).toBe(0);
  });

  afterAll(async () => {
    await runCli(['down', '--state-dir', stateDir, '--volumes', '--yes']);
  });

  it('reports a run whose Flink job was killed with kill -9 and not restarted as incomplete, with the missing count', async () => {
    const running = runInBackground(['--duration', '30s', '--rate', '500', '--drain-timeout', '10s']);
    await new Promise((resolve) => setTimeout(resolve, 15_000));
    const pid = readState(stateDir)?.services.flink?.pid as number;
    process.kill(pid, 'SIGKILL');
    const { code, stdout, stderr } = await running;
    expect(code, stderr).toBe(7);
    const run = JSON.parse(stdout).runs[0] as RunRecord;
    expect(run.status).toBe('incomplete');
    const flink = run.engines.flink;
    const missing = flink?.completeness?.missingRows ?? 0;
    expect(missing).toBeGreaterThan(0);
    expect(flink?.incompleteReasons?.join(' ')).toContain('died');
    expect(flink?.incompleteReasons?.join(' ')).toContain(`(${missing.toLocaleString('en-US')} missing)`);
    expect(run.engines.baseline?.incompleteReasons).toEqual([]);
    expect(run.statusReasons.some((r) => r.startsWith('flink lost events'))).toBe(true);

    const table = await runCli(['compare', run.runId, '--results-dir', resultsDir]);
    expect(table.stdout).toContain('INCOMPLETE');
    expect(table.stdout).toContain('flink (incomplete)');
    const committed = (flink?.completeness?.committedDistinctRows ?? 0).toLocaleString('en-US');
    expect(table.stdout).toContain(`over ${committed} of 15,000 events`);
    const csv = await runCli(['compare', run.runId, '--results-dir', resultsDir, '--format', 'csv']);
    expect(csv.stdout).toMatch(/,flink,latency_e2e_p50_us,us,[\d.]*,incomplete,"died: flink not running/);
    const compareJson = json<{ runs: RunRecord[] }>(
      await runCli(['compare', run.runId, '--results-dir', resultsDir, '--json']),
    );
    expect(compareJson.runs[0]?.status).toBe('incomplete');
  });
});
