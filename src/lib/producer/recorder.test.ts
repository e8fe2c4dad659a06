import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { scratchDir } from '../../../test/support/scratch.js';
import { DEFAULTS } from '../config/defaults.js';
import { ConfigError } from '../errors.js';
import { record } from './recorder.js';
import { openReplay } from './replay.js';
import type { Tick } from './source.js';
import { SyntheticSource } from './synthetic.js';

const dir = scratchDir('crypto-bench-record');
const synthetic = (count?: number) =>
  new SyntheticSource({ pairs: DEFAULTS.pairs, rateEventsPerSec: 1_000, seed: 5, count });

describe('record', () => {
  it('writes a header and one line per tick that replay reads back unchanged', async () => {
    const outFile = path.join(dir, 'round-trip.ndjson');
    const recorded: Tick[] = [];
    for await (const batch of synthetic(50).ticks(new AbortController().signal)) recorded.push(...batch);
    const report = await record(synthetic(50), { outFile });
    expect(report).toMatchObject({ ticks: 50, outFile, interrupted: false });

    const [header] = readFileSync(outFile, 'utf8').split('\n');
    expect(JSON.parse(header ?? '')).toMatchObject({
      format: 'crypto-bench-ticks',
      version: 1,
      source: 'synthetic',
      pairs: DEFAULTS.pairs,
    });
    const replay = await openReplay({ file: outFile, speed: Number.POSITIVE_INFINITY });
    const replayed: Tick[] = [];
    for await (const batch of replay.ticks(new AbortController().signal)) replayed.push(...batch);
    const content = (ticks: Tick[]) => ticks.map(({ symbol, price, size }) => ({ symbol, price, size }));
    expect(content(replayed)).toEqual(content(recorded));
    expect(replay.pairs).toEqual(DEFAULTS.pairs);
  });

  it('stops after the duration and keeps what it recorded', async () => {
    const outFile = path.join(dir, 'duration.ndjson');
    const report = await record(synthetic(), { outFile, durationMs: 200 });
    expect(report.interrupted).toBe(false);
    expect(report.ticks).toBeGreaterThan(100);
    expect(readFileSync(outFile, 'utf8').trimEnd().split('\n')).toHaveLength(report.ticks + 1);
  });

  it('keeps every line written before Ctrl-C and says it was interrupted', async () => {
    const outFile = path.join(dir, 'interrupted.ndjson');
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const report = await record(synthetic(), { outFile, signal: controller.signal });
    expect(report.interrupted).toBe(true);
    const replay = await openReplay({ file: outFile, speed: Number.POSITIVE_INFINITY });
    expect(replay.tickCount).toBe(report.ticks);
  });

  it('refuses to overwrite a file unless asked to', async () => {
    const outFile = path.join(dir, 'exists.ndjson');
    writeFileSync(outFile, 'precious');
    await expect(record(synthetic(1), { outFile })).rejects.toThrow(ConfigError);
    expect(readFileSync(outFile, 'utf8')).toBe('precious');
    await expect(record(synthetic(1), { outFile, overwrite: true })).resolves.toMatchObject({ ticks: 1 });
  });

  it('names a missing directory', async () => {
    const outFile = path.join(dir, 'no-such-dir', 'x.ndjson');
    await expect(record(synthetic(1), { outFile })).rejects.toThrow(/Directory .*no-such-dir does not exist/);
  });
});
