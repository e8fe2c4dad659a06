import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  headerLine,
  tickLine,
  TICK_FILE_FORMAT,
  TICK_FILE_VERSION,
} from '../../src/lib/producer/tick-file.js';
import type { RunRecord } from '../../src/lib/results/record.js';
import { json, runCli } from '../support/cli.js';
import { closedPort } from '../support/coinbase-standin.js';
import { e2eStack } from '../support/stack.js';

// The baseline alone: what is judged here is the source's side of the run, the same for every engine.
const { stateDir, resultsDir, stackArgs } = e2eStack('sources', 29592);
const runArgs = [...stackArgs, '--engines', 'baseline', '--results-dir', resultsDir];
const TICKS = 100_000;

/** A recorded file of `count` ticks, one every millisecond, over two pairs. */
function tickFile(count: number): string {
  const file = path.join(stateDir, 'large.ndjson');
  const startUs = Date.UTC(2026, 0, 1) * 1000;
  const lines = [
    headerLine({
      format: TICK_FILE_FORMAT,
      version: TICK_FILE_VERSION,
      source: 'coinbase-ws',
      pairs: ['BTC-USD', 'ETH-USD'],
      recordedAt: new Date(startUs / 1000).toISOString(),
    }),
  ];
  for (let i = 0; i < count; i++) {
    const atUs = startUs + i * 1000;
    lines.push(
      tickLine({
        symbol: i % 2 === 0 ? 'BTC-USD' : 'ETH-USD',
        price: i % 2 === 0 ? '60000.01' : '3000.5',
        size: '0.01',
        eventTimeUs: atUs,
        intendedAtUs: atUs,
      }),
    );
  }
  writeFileSync(file, lines.join(''));
  return file;
}

describe('sources at their limits: a large replay at max speed, a live feed that cannot connect', () => {
  beforeAll(async () => {
    const up = await runCli(['up', ...stackArgs, '--engines', 'baseline', '--json']);
    expect(up.code, `${up.stdout}\n${up.stderr}`).toBe(0);
  });

  afterAll(async () => {
    await runCli(['down', '--state-dir', stateDir, '--volumes', '--yes']);
  });

  it(`sends all ${TICKS.toLocaleString('en')} ticks and is not judged by a schedule it never had`, async () => {
    const result = await runCli([
      'run',
      ...runArgs,
      '--source',
      'replay',
      '--file',
      tickFile(TICKS),
      '--speed',
      'max',
      '--duration',
      '2m',
      '--warmup',
      '0s',
      '--drain-timeout',
      '2m',
      '--json',
    ]);
    expect(result.code, result.stderr).toBe(0);
    const run = json<{ runs: RunRecord[] }>(result).runs[0] as RunRecord;
    expect(run.statusReasons).toEqual([]);
    expect(run.status).toBe('complete');
    expect(run.producer?.sentEvents).toBe(TICKS);
    expect(run.engines.baseline?.completeness?.missingRows).toBe(0);
  });

  it('record names the endpoint and its last error, exits non-zero and leaves no file when nothing arrived', async () => {
    const url = `ws://127.0.0.1:${await closedPort()}`;
    const out = path.join(stateDir, 'nothing.ndjson');
    const result = await runCli(['record', '--coinbase-ws-url', url, '--duration', '3s', '--out', out]);
    expect(result.code, result.stderr).toBe(4);
    expect(result.stderr).toContain('Recorded nothing in 3s');
    expect(result.stderr).toContain(`WebSocket ${url}:`);
    expect(result.stderr).toContain('ECONNREFUSED');
    expect(existsSync(out)).toBe(false);
  });

  it('run names the endpoint and its last error when a live source produced nothing', async () => {
    const url = `ws://127.0.0.1:${await closedPort()}`;
    const result = await runCli([
      'run',
      ...runArgs,
      '--source',
      'coinbase-ws',
      '--coinbase-ws-url',
      url,
      '--duration',
      '3s',
    ]);
    expect(result.code, result.stderr).toBe(6);
    expect(result.stdout).toMatch(
      new RegExp(
        `nothing was produced: the coinbase-ws source delivered no tick; its last error: WebSocket ${url}: .*ECONNREFUSED`,
      ),
    );
    expect(result.stdout).not.toContain('───');
  });
});
