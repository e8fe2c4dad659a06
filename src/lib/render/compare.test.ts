import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { LatencySummary } from '../metrics/summary.js';
import type { EngineResult, RunRecord } from '../results/record.js';
import {
  describeSteadyState,
  engineTable,
  formatValue,
  HEADLINE_METRICS,
  renderRunHeading,
  seriesNote,
} from './compare.js';
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

describe('an incomplete engine in the tables', () => {
  const fixture = JSON.parse(
    readFileSync(new URL('../results/fixtures/run-v1.json', import.meta.url), 'utf8'),
  ) as RunRecord;
  const incomplete = (run: RunRecord, runId = run.runId): RunRecord => {
    const flink = run.engines.flink as EngineResult;
    return {
      ...run,
      runId,
      status: 'incomplete',
      engines: {
        ...run.engines,
        flink: {
          ...flink,
          completeness: {
            ...(flink.completeness as NonNullable<EngineResult['completeness']>),
            producedRows: 30_000,
            committedDistinctRows: 12_159,
            missingRows: 17_841,
          },
          incompleteReasons: ['lost events: committed 12,159 of 30,000 events (17,841 missing)'],
        },
      },
    };
  };

  it('heads its column incomplete, marks its latency figures and says over how many events they are', () => {
    const { head, rows, notes } = engineTable([incomplete(fixture)], HEADLINE_METRICS);
    expect(head).toContain('flink (incomplete)');
    expect(head).toContain('spark');
    const flinkColumn = head.indexOf('flink (incomplete)');
    const p50 = rows.find((row) => row[0] === 'end-to-end p50') as string[];
    expect(p50[flinkColumn]).toMatch(/ \*$/);
    expect(p50[head.indexOf('spark')]).not.toMatch(/\*/);
    expect(rows.find((row) => row[0] === 'throughput')?.[flinkColumn]).not.toMatch(/\*/);
    expect(notes).toHaveLength(1);
    expect(notes[0]).toContain('flink INCOMPLETE');
    expect(notes[0]).toContain('over 12,159 of 30,000 events');
  });

  it('says which runs of a repeat series are left out of the medians', () => {
    const series = [fixture, incomplete(fixture, '20250102-030406-cd34')];
    expect(seriesNote(series)).toMatch(
      /^1 of 2 runs not complete, left out of the medians: 20250102-030406-cd34 incomplete/,
    );
    expect(seriesNote([fixture, fixture])).toBeNull();
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
