import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliResult, runCli } from '../support/cli.js';
import { CoinbaseStandin } from '../support/coinbase-standin.js';
import { e2eStack } from '../support/stack.js';

// One small stack (the baseline alone: the progress a command prints does not depend on the engines) shared
// by every command; runs are a few seconds at a low rate.
const { stateDir, resultsDir, stackArgs } = e2eStack('streams', 28592);
const engineArgs = ['--engines', 'baseline'];
const measureArgs = [
  ...stackArgs,
  ...engineArgs,
  '--results-dir',
  resultsDir,
  '--schedule-lag-bound',
  '2s',
  '--rate',
  '100',
  '--duration',
  '2s',
  '--warmup',
  '0s',
];

/** Progress marks of the task list (listr2) and the lines commands write as they go. */
const PROGRESS_LINE = /^\s*(❯|✔|›|✖|↓|\[(STARTED|COMPLETED|FAILED)\])|^(Point \d+:|Run \S+: producing)/m;

/** stdout holds the data alone: no line of progress, and nothing that stderr showed as progress. */
function expectDataOnly(result: CliResult): void {
  expect(result.code, `${result.stdout}\n--- stderr ---\n${result.stderr}`).toBe(0);
  expect(result.stdout).not.toMatch(PROGRESS_LINE);
  const stdoutLines = new Set(result.stdout.split('\n').map((line) => line.trim()));
  for (const line of result.stderr.split('\n').filter((l) => PROGRESS_LINE.test(l)))
    expect(stdoutLines.has(line.trim()), `progress on stdout: ${line}`).toBe(false);
}

/** stdout is exactly one JSON document. */
function expectJson(result: CliResult): Record<string, unknown> {
  expectDataOnly(result);
  return JSON.parse(result.stdout) as Record<string, unknown>;
}

/** stdout is a CSV: a header and rows of the header's width, nothing before or after. */
function expectCsv(result: CliResult): string[][] {
  expectDataOnly(result);
  const rows = result.stdout
    .trimEnd()
    .split('\n')
    .map((line) => line.split(','));
  const width = rows[0]?.length ?? 0;
  expect(width).toBeGreaterThan(2);
  expect(rows[0]?.every((cell) => /^[a-z0-9_]+$/.test(cell))).toBe(true);
  for (const row of rows) expect(row.length, row.join(',')).toBe(width);
  return rows;
}

describe('every command writes its data on stdout and its progress on stderr, without a terminal', () => {
  let runId = '';

  beforeAll(async () => {
    const up = await runCli(['up', ...stackArgs, ...engineArgs]);
    expectDataOnly(up);
    expect(up.stdout).toMatch(/^The stack is up/);
    expect(up.stderr).toMatch(PROGRESS_LINE);
  });

  afterAll(async () => {
    await runCli(['down', '--state-dir', stateDir, '--volumes', '--yes']);
  });

  it('up: the endpoints, or one JSON document under --json', async () => {
    expect(expectJson(await runCli(['up', ...stackArgs, ...engineArgs, '--json']))).toHaveProperty(
      'services',
    );
  });

  it('status: the service table, or one JSON document', async () => {
    const plain = await runCli(['status', '--state-dir', stateDir]);
    expectDataOnly(plain);
    expect(plain.stdout).toContain('baseline');
    expect(expectJson(await runCli(['status', '--state-dir', stateDir, '--json']))).toHaveProperty(
      'services',
    );
  });

  it('run: the summary alone, or one JSON document', async () => {
    const plain = await runCli(['run', ...measureArgs]);
    expectDataOnly(plain);
    expect(plain.stderr).toMatch(/producing for 2s/);
    const asJson = expectJson(await runCli(['run', ...measureArgs, '--json'])) as {
      runs: { runId: string }[];
    };
    runId = asJson.runs[0]?.runId ?? '';
    expect(runId).not.toBe('');
  });

  it('sweep: a pure CSV under --format csv, one JSON document under --json', async () => {
    const sweepArgs = [
      'sweep',
      ...measureArgs.filter((a) => a !== '--rate' && a !== '100'),
      '--rate',
      '100,150',
    ];
    const rows = expectCsv(await runCli([...sweepArgs, '--format', 'csv']));
    expect(rows).toHaveLength(3);
    expect(expectJson(await runCli([...sweepArgs, '--json']))).toHaveProperty('sweep');
  });

  it('compare: table, CSV and JSON', async () => {
    expectDataOnly(await runCli(['compare', runId, '--results-dir', resultsDir]));
    expect(
      expectCsv(await runCli(['compare', runId, '--results-dir', resultsDir, '--format', 'csv'])).length,
    ).toBeGreaterThan(1);
    expect(
      expectJson(await runCli(['compare', runId, '--results-dir', resultsDir, '--json'])),
    ).toHaveProperty('runs');
  });

  it('report: the file it wrote, or one JSON document', async () => {
    const plain = await runCli(['report', runId, '--results-dir', resultsDir]);
    expectDataOnly(plain);
    expect(plain.stdout).toMatch(/^Wrote /);
    expect(expectJson(await runCli(['report', runId, '--results-dir', resultsDir, '--json']))).toHaveProperty(
      'file',
    );
  });

  it('record: the summary, or one JSON document', async () => {
    const standin = await CoinbaseStandin.start();
    standin.startTrading(50);
    try {
      const args = ['record', '--coinbase-ws-url', standin.wsUrl, '--duration', '2s', '--force'];
      const plain = await runCli([...args, '--out', path.join(stateDir, 'plain.ndjson')]);
      expectDataOnly(plain);
      expect(plain.stdout).toMatch(/^Recorded \d+ ticks/);
      const asJson = expectJson(
        await runCli([...args, '--out', path.join(stateDir, 'json.ndjson'), '--json']),
      );
      expect(asJson.ticks).toBeGreaterThan(0);
    } finally {
      await standin.close();
    }
  });

  it('compose: the YAML alone, or one JSON document', async () => {
    const plain = await runCli(['compose', ...engineArgs]);
    expectDataOnly(plain);
    expect(plain.stdout).toMatch(/^services:/m);
    expect(expectJson(await runCli(['compose', ...engineArgs, '--json']))).toHaveProperty('yaml');
  });

  it('down: what it stopped, or one JSON document', async () => {
    expectJson(await runCli(['down', '--state-dir', stateDir, '--json']));
    expectDataOnly(await runCli(['down', '--state-dir', stateDir]));
  });
});
