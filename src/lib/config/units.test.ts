import { describe, expect, it } from 'vitest';
import { formatDurationMs, parseDurationMs, parseList } from './units.js';

describe('parseDurationMs', () => {
  it('reads every unit', () => {
    expect(parseDurationMs('250us')).toBe(0.25);
    expect(parseDurationMs('500ms')).toBe(500);
    expect(parseDurationMs('15s')).toBe(15_000);
    expect(parseDurationMs('5m')).toBe(300_000);
    expect(parseDurationMs('1.5h')).toBe(5_400_000);
  });

  it('accepts a bare zero and a bare number when the flag names its unit', () => {
    expect(parseDurationMs('0')).toBe(0);
    expect(parseDurationMs('100', 'ms')).toBe(100);
    expect(parseDurationMs('30', 's')).toBe(30_000);
  });

  it('explains what is wrong with a bad duration', () => {
    expect(parseDurationMs('5parsecs')).toMatch(/not a duration/);
    expect(parseDurationMs('-1s')).toMatch(/not a duration/);
    expect(parseDurationMs('10')).toMatch(/has no unit/);
    expect(parseDurationMs('')).toMatch(/not a duration/);
  });
});

describe('formatDurationMs', () => {
  it('prints the shortest readable form', () => {
    expect(formatDurationMs(250)).toBe('250ms');
    expect(formatDurationMs(15_000)).toBe('15s');
    expect(formatDurationMs(1_500)).toBe('1.5s');
    expect(formatDurationMs(300_000)).toBe('5m');
    expect(formatDurationMs(330_000)).toBe('5m30s');
    expect(formatDurationMs(5_400_000)).toBe('1h30m');
  });
});

describe('parseList', () => {
  it('splits and trims', () => {
    expect(parseList('spark, flink')).toEqual(['spark', 'flink']);
  });

  it('rejects empty items', () => {
    expect(parseList('spark,,flink')).toMatch(/empty item/);
  });
});
