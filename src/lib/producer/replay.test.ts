import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { scratchDir } from '../../../test/support/scratch.js';
import { ConfigError } from '../errors.js';
import { nowUs } from './clock.js';
import { openReplay, parseSpeed } from './replay.js';
import type { Tick } from './source.js';
import { headerLine, tickLine } from './tick-file.js';

const dir = scratchDir('crypto-bench-replay');
const HEADER = headerLine({
  format: 'crypto-bench-ticks',
  version: 1,
  source: 'coinbase-ws',
  pairs: ['BTC-USD', 'ETH-USD'],
  recordedAt: '2024-05-01T12:00:00.000Z',
});

function tick(symbol: string, eventTimeUs: number): Tick {
  return { symbol, price: '60000.01', size: '0.001', eventTimeUs, intendedAtUs: eventTimeUs + 150 };
}

function file(name: string, text: string): string {
  const target = path.join(dir, name);
  writeFileSync(target, text);
  return target;
}

async function replayAll(target: string, speed: number): Promise<{ ticks: Tick[]; startUs: number }> {
  const source = await openReplay({ file: target, speed });
  const startUs = nowUs();
  const ticks: Tick[] = [];
  for await (const batch of source.ticks(new AbortController().signal)) ticks.push(...batch);
  return { ticks, startUs };
}

describe('parseSpeed', () => {
  it('reads factors, and max or 0 as as-fast-as-possible', () => {
    expect(parseSpeed('1')).toBe(1);
    expect(parseSpeed('10x')).toBe(10);
    expect(parseSpeed('0.5')).toBe(0.5);
    expect(parseSpeed('max')).toBe(Number.POSITIVE_INFINITY);
    expect(parseSpeed('0')).toBe(Number.POSITIVE_INFINITY);
  });

  it('explains a bad speed', () => {
    expect(parseSpeed('-2')).toMatch(/not a speed; use a factor/);
    expect(parseSpeed('fast')).toMatch(/not a speed/);
  });
});

describe('openReplay', () => {
  it('names a missing file and how to make one', async () => {
    const missing = path.join(dir, 'nope.ndjson');
    const error = await openReplay({ file: missing, speed: 1 }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toBe(`Replay file ${missing} does not exist`);
    expect((error as ConfigError).suggestions?.join()).toMatch(/crypto-bench record/);
  });

  it('names the file and line of a corrupt tick, before anything is replayed', async () => {
    const target = file(
      'corrupt.ndjson',
      HEADER + tickLine(tick('BTC-USD', 1)) + '{"symbol":"BTC-USD","price":60000}\n',
    );
    await expect(openReplay({ file: target, speed: 1 })).rejects.toThrow(
      `${target}:3: "price" is not a decimal string`,
    );
  });

  it('names a line cut short by a crash', async () => {
    const target = file('cut.ndjson', HEADER + tickLine(tick('BTC-USD', 1)) + '{"symbol":"BTC-');
    await expect(openReplay({ file: target, speed: 1 })).rejects.toThrow(
      new RegExp(`${target}:3: not valid JSON`),
    );
  });

  it('refuses a file without the header, or from a newer version', async () => {
    const headless = file('headless.ndjson', tickLine(tick('BTC-USD', 1)));
    await expect(openReplay({ file: headless, speed: 1 })).rejects.toThrow(
      /:1: the first line is not a crypto-bench-ticks header/,
    );
    const newer = file(
      'newer.ndjson',
      HEADER.replace('"version":1', '"version":2') + tickLine(tick('BTC-USD', 1)),
    );
    await expect(openReplay({ file: newer, speed: 1 })).rejects.toThrow(/version 2 is newer/);
  });

  it('refuses a file with no ticks', async () => {
    const empty = file('empty.ndjson', HEADER);
    await expect(openReplay({ file: empty, speed: 1 })).rejects.toThrow(/holds no ticks/);
  });
});

describe('ReplaySource', () => {
  const recorded = [0, 100_000, 100_000, 300_000].map((offsetUs, i) =>
    tick(i % 2 ? 'ETH-USD' : 'BTC-USD', 1_700_000_000_000_000 + offsetUs),
  );
  const target = file('paced.ndjson', HEADER + recorded.map(tickLine).join(''));

  it('keeps the recorded gaps divided by the speed', async () => {
    const { ticks, startUs } = await replayAll(target, 10);
    expect(ticks.map((t) => t.symbol)).toEqual(recorded.map((t) => t.symbol));
    const offsets = ticks.map((t) => t.intendedAtUs - (ticks[0]?.intendedAtUs ?? 0));
    expect(offsets).toEqual([0, 10_000, 10_000, 30_000]);
    expect(ticks[0]?.intendedAtUs).toBeGreaterThanOrEqual(startUs - 1_000);
    expect(ticks.every((t) => t.eventTimeUs === t.intendedAtUs)).toBe(true);
    expect(ticks.map((t) => t.price)).toEqual(recorded.map((t) => t.price));
  });

  it('takes the recorded time at speed 1', async () => {
    const started = performance.now();
    await replayAll(target, 1);
    expect(performance.now() - started).toBeGreaterThanOrEqual(295);
  });

  it('replays as fast as possible at max speed', async () => {
    const started = performance.now();
    const { ticks } = await replayAll(target, Number.POSITIVE_INFINITY);
    expect(ticks).toHaveLength(4);
    expect(performance.now() - started).toBeLessThan(250);
  });
});
