import { describe, expect, it } from 'vitest';
import type { GoldProducerRecord, GoldTableRecord } from '../results/record.js';
import { renderGoldRecheck } from './gold.js';

function table(overrides: Partial<GoldTableRecord>): GoldTableRecord {
  return {
    closedWindows: 5,
    rightWindows: 5,
    wrongWindows: 0,
    missingWindows: 0,
    extraWindows: 0,
    openWindows: 0,
    wrong: [],
    lateEvents: 0,
    lateIncludedEvents: 0,
    lateDroppedEvents: 0,
    rewrittenWindows: 0,
    finalBeforeCloseWindows: 0,
    freshness: { count: 5, p50Us: 0, p95Us: 0, maxUs: 0, meanUs: 0 },
    ...overrides,
  };
}

const spark: GoldProducerRecord = {
  closing: 'watermark',
  watermarkDelayMs: 10_000,
  problems: [],
  tables: { tenMinutes: table({ rewrittenWindows: 5, finalBeforeCloseWindows: 5 }), hourly: table({}) },
};
const reason =
  'airflow gold 10-minute windows: 1 wrong, 0 missing, 0 extra of 5 closed (first: BTC-USD 2026-12-01T10:00:00.000Z high expected 12, got 13)';
const airflow: GoldProducerRecord = {
  closing: 'schedule',
  watermarkDelayMs: null,
  problems: [reason],
  tables: {
    tenMinutes: table({
      rightWindows: 4,
      wrongWindows: 1,
      wrong: [
        {
          windowStartUs: Date.parse('2026-12-01T10:00:00Z') * 1000,
          symbol: 'BTC-USD',
          field: 'high',
          expected: '12',
          actual: '13',
        },
      ],
      freshness: { count: 4, p50Us: 12_500_000, p95Us: 14_000_000, maxUs: 14_000_000, meanUs: 12_600_000 },
    }),
    hourly: table({}),
  },
  airflowRun: {
    dagRunId: 'manual__1',
    sourceEngine: 'baseline',
    triggeredAtUs: 0,
    durationMs: 20_000,
    cpuSeconds: 12.34,
    rssBytes: 2 ** 30,
  },
};

describe('renderGoldRecheck', () => {
  it('shows every producer side by side, the windows final before close, and a wrong Airflow window once', () => {
    const text = renderGoldRecheck({
      runId: 'r1',
      checkedAt: '2026-12-01T11:00:00.000Z',
      gold: { truthSource: 'the topic', truthEvents: 6000, producers: { spark, airflow } },
      reasons: [reason],
    });
    expect(text).toContain(
      'Gold of run r1, checked 2026-12-01T11:00:00.000Z against 6000 events (the topic)',
    );
    expect(text).toMatch(/spark \(watermark 10s\).*airflow \(schedule\)/);
    expect(text).toMatch(/gold 10-min final before close \(freshness 0\)\s*│\s*5\s*│\s*0/);
    expect(text).toContain('gold 10-min freshness p50');
    expect(text).toContain('12500.0 ms');
    expect(text).toContain('1 table(s) with wrong, missing or extra windows');
    expect(text.split(reason)).toHaveLength(2);
    expect(text).toContain(
      'airflow: DAG run manual__1 read crypto_prices_baseline, took 20.0 s, 12.3 CPU s, memory 1.00 GiB',
    );
  });

  it('says so when every closed window is right', () => {
    const text = renderGoldRecheck({
      runId: 'r1',
      checkedAt: '2026-12-01T11:00:00.000Z',
      gold: { truthSource: 'the topic', truthEvents: 6000, producers: { spark } },
      reasons: [],
    });
    expect(text).toContain('Every closed window of every producer is right.');
  });
});
