import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { LatencySummary } from '../metrics/summary.js';
import type { EngineResult, RunRecord } from '../results/record.js';
import { engineTable, formatValue, HEADLINE_METRICS, renderRunHeading } from './compare.js';
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

describe('the floor', () => {
  const run = JSON.parse(
    readFileSync(new URL('../results/fixtures/run-v1.json', import.meta.url), 'utf8'),
  ) as RunRecord;
  const flink = run.engines.flink as EngineResult;
  const fasterFlink: RunRecord = {
    ...run,
    engines: {
      ...run.engines,
      flink: { ...flink, latency: { ...(flink.latency as LatencySummary), p50Us: 7_000 } },
    },
  };

  it('shows each engine over the floor in the table, and the floor itself', () => {
    const { rows } = engineTable([run], HEADLINE_METRICS);
    expect(rows).toContainEqual(['end-to-end p50 over floor', '+1559.2 ms', '+74.3 ms', 'floor', '', '', '']);
  });

  it('says so in the table and the run heading when an engine beats the floor', () => {
    const { rows } = engineTable([fasterFlink], HEADLINE_METRICS);
    expect(rows.find((row) => row[0] === 'end-to-end p50 over floor')?.[2]).toBe('-8.8 ms (below the floor)');
    expect(renderRunHeading(fasterFlink)).toContain(
      "floor: flink's end-to-end p50 (7.0 ms) is below the baseline's (15.8 ms): the baseline was not the floor in this run",
    );
    expect(renderRunHeading(run)).not.toContain('floor:');
  });
});
