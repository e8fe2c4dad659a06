import { describe, expect, it } from 'vitest';
import type { GoldRecord, GoldTableRecord } from '../results/record.js';
import { airflowGoldReasons, goldIncompleteReasons } from './gold.js';
import { airflowSourceEngine, runCost } from './gold-airflow.js';

function table(overrides: Partial<GoldTableRecord>): GoldTableRecord {
  return {
    closedWindows: 0,
    rightWindows: 0,
    wrongWindows: 0,
    missingWindows: 0,
    extraWindows: 0,
    openWindows: 0,
    wrong: [],
    lateEvents: 0,
    lateIncludedEvents: 0,
    lateDroppedEvents: 0,
    rewrittenWindows: 0,
    freshness: { count: 0, p50Us: null, p95Us: null, maxUs: null, meanUs: null },
    ...overrides,
  };
}

describe('goldIncompleteReasons', () => {
  it('names the producer, the table, the counts and the first wrong window and field', () => {
    const gold: GoldRecord = {
      truthSource: 'kafka',
      truthEvents: 10,
      producers: {
        spark: {
          closing: 'watermark',
          watermarkDelayMs: 10_000,
          problems: [],
          tables: { tenMinutes: table({}), hourly: table({}) },
        },
        flink: {
          closing: 'watermark',
          watermarkDelayMs: 10_000,
          problems: [],
          tables: {
            tenMinutes: table({
              closedWindows: 5,
              wrongWindows: 1,
              missingWindows: 1,
              wrong: [{ windowStartUs: 0, symbol: 'BTC-USD', field: 'high', expected: '12', actual: '13' }],
            }),
            hourly: table({}),
          },
        },
      },
    };
    expect(goldIncompleteReasons(gold)).toEqual({
      flink: [
        'flink gold 10-minute windows: 1 wrong, 1 missing, 0 extra of 5 closed (first: BTC-USD 1970-01-01T00:00:00.000Z high expected 12, got 13)',
      ],
    });
  });
});

describe('airflowGoldReasons', () => {
  const airflow = (withRun: boolean): GoldRecord => ({
    truthSource: 'kafka',
    truthEvents: 10,
    producers: {
      airflow: {
        closing: 'schedule',
        watermarkDelayMs: null,
        problems: [],
        tables: { tenMinutes: table({ closedWindows: 2, missingWindows: 2 }), hourly: table({}) },
        ...(withRun
          ? {
              airflowRun: {
                dagRunId: 'manual__1',
                sourceEngine: 'baseline',
                triggeredAtUs: 0,
                durationMs: 1,
                cpuSeconds: 1,
                rssBytes: 1,
              },
            }
          : {}),
      },
    },
  });

  it("makes Airflow's wrong or missing windows the run's reasons once its DAG run finished", () => {
    expect(airflowGoldReasons(airflow(true))).toEqual([
      'airflow gold 10-minute windows: 0 wrong, 2 missing, 0 extra of 2 closed',
    ]);
  });

  it('leaves the run alone when Airflow never built the gold (no DAG run), and when there is no gold', () => {
    expect(airflowGoldReasons(airflow(false))).toEqual([]);
    expect(airflowGoldReasons(null)).toEqual([]);
  });
});

describe('airflowSourceEngine', () => {
  it("reads the baseline's raw table when the baseline ran, otherwise the run's first engine's", () => {
    expect(airflowSourceEngine(['spark', 'flink', 'baseline'])).toBe('baseline');
    expect(airflowSourceEngine(['flink', 'spark'])).toBe('flink');
    expect(airflowSourceEngine([])).toBeUndefined();
  });
});

describe('runCost', () => {
  it("is Airflow's CPU seconds between two samples and its memory at the end, null without a sample", () => {
    expect(runCost({ cpuSeconds: 10, rssBytes: 1 }, { cpuSeconds: 14.5, rssBytes: 2 })).toEqual({
      cpuSeconds: 4.5,
      rssBytes: 2,
    });
    expect(runCost(undefined, { cpuSeconds: 14.5, rssBytes: 2 })).toEqual({ cpuSeconds: null, rssBytes: 2 });
    expect(runCost({ cpuSeconds: 10, rssBytes: 1 }, undefined)).toEqual({ cpuSeconds: null, rssBytes: null });
  });
});
