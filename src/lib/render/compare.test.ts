import { describe, expect, it } from 'vitest';
import type { RunRecord } from '../results/record.js';
import { describeSteadyState, formatValue } from './compare.js';
import { renderMarkdownTable } from './table.js';

describe('formatValue', () => {
  it('shows microseconds as milliseconds, bytes as MiB and rates per second', () => {
    expect(formatValue(1_234_567, 'us')).toBe('1234.6 ms');
    expect(formatValue(250, 'us')).toBe('0.25 ms');
    expect(formatValue(-1500, 'us')).toBe('-1.5 ms');
    expect(formatValue(512 * 2 ** 20, 'bytes')).toBe('512 MiB');
    expect(formatValue(999.6, 'events_per_sec')).toBe('1000/s');
    expect(formatValue(null, 'us')).toBe('-');
  });
});

describe('renderMarkdownTable', () => {
  it('renders a header rule and escapes pipes', () => {
    expect(renderMarkdownTable(['a', 'b'], [['x|y', 1]])).toBe('| a | b |\n| --- | --- |\n| x\\|y | 1 |');
  });
});

describe('describeSteadyState', () => {
  const steadyState: NonNullable<RunRecord['steadyState']> = {
    chosenBy: 'mser-5',
    steadyStateStartUs: 15_000_000,
    steadyStateStartOffsetMs: 15_000,
    setBy: 'spark',
    found: true,
    engines: {
      spark: {
        found: true,
        detectedStartOffsetMs: 15_000,
        seriesSeconds: 60,
        mserStatisticUs2: 4,
        reason: 'x',
      },
      flink: {
        found: false,
        detectedStartOffsetMs: 30_000,
        seriesSeconds: 60,
        mserStatisticUs2: 4,
        reason: 'y',
      },
    },
  };

  it('says where the steady state began and what MSER-5 chose for each engine', () => {
    expect(describeSteadyState({ steadyState } as RunRecord)).toBe(
      'steady state from 15 s: MSER-5 per engine (spark 15 s, flink none), the latest for all',
    );
  });

  it('says when --warmup set it, and says nothing for a record without it', () => {
    const flag = { ...steadyState, chosenBy: 'warmup-flag' as const, steadyStateStartOffsetMs: 4_000 };
    expect(describeSteadyState({ steadyState: flag } as RunRecord)).toMatch(
      /^steady state from 4 s: set by --warmup/,
    );
    expect(describeSteadyState({} as RunRecord)).toBeUndefined();
  });
});
