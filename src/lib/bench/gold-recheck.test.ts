import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunRecord } from '../results/record.js';
import { writeRun } from '../results/store.js';
import { recheckGold } from './gold-recheck.js';

const fixture = readFileSync(new URL('../results/fixtures/run-v1.json', import.meta.url), 'utf8');
const run = JSON.parse(fixture) as RunRecord;

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'crypto-bench-gold-check-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('recheckGold', () => {
  it('refuses a run id that is not in the results directory, naming the runs it knows', async () => {
    await writeRun(dir, run, '<html></html>');
    const check = recheckGold({ resultsDir: dir, stateDir: path.join(dir, 'state'), runId: 'no-such-run' });
    await expect(check).rejects.toMatchObject({
      message: expect.stringContaining(`No run 'no-such-run' in ${dir}`),
      oclif: { exit: 3 },
    });
    await expect(check).rejects.toMatchObject({
      suggestions: [expect.stringContaining(run.runId)],
    });
  });

  it('refuses a known run when no stack runs to read its events back from, saying to start it', async () => {
    await writeRun(dir, run, '<html></html>');
    const check = recheckGold({ resultsDir: dir, stateDir: path.join(dir, 'state'), runId: run.runId });
    await expect(check).rejects.toMatchObject({
      message: expect.stringContaining('No stack runs in'),
      suggestions: [expect.stringContaining('crypto-bench up')],
      oclif: { exit: 2 },
    });
  });
});
