import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  formatCsv,
  formatLatencyCsv,
  formatTimeseriesCsv,
  LATENCY_CSV_HEADER,
  latencyRows,
  timeseriesCsvHeader,
} from './csv.js';
import type { RunRecord } from './record.js';

const run = JSON.parse(readFileSync(new URL('./fixtures/run-v1.json', import.meta.url), 'utf8')) as RunRecord;

/** The lines of a CSV without quoted line breaks, split into cells. */
const cells = (text: string) =>
  text
    .trimEnd()
    .split('\n')
    .map((line) => line.split(','));

describe('formatCsv', () => {
  it('quotes only what needs quoting, writes null as an empty cell and ends with a newline', () => {
    const text = formatCsv(['a', 'b'], [['plain', 'has, comma'], ['say "hi"', null], [1.5, 'two\nlines']]);
    expect(text).toBe('a,b\nplain,"has, comma"\n"say ""hi""",\n1.5,"two\nlines"\n');
  });
});

describe('latency.csv', () => {
  it('has the units in its column names', () => {
    expect(LATENCY_CSV_HEADER.join(',')).toBe(
      'engine,stage,count,negative_count,p50_us,p90_us,p95_us,p99_us,p999_us,min_us,max_us,mean_us,stddev_us',
    );
  });

  it('holds one row per engine and stage, then the producer, each with every field of its summary', () => {
    const [header, ...rows] = cells(formatLatencyCsv(run));
    expect(header).toEqual(LATENCY_CSV_HEADER);
    expect(rows.map((r) => `${r[0]}/${r[1]}`)).toEqual([
      'spark/end_to_end',
      'spark/kafka',
      'spark/engine',
      'spark/sink',
      'flink/end_to_end',
      'flink/kafka',
      'flink/engine',
      'flink/sink',
      'baseline/end_to_end',
      'baseline/kafka',
      'baseline/engine',
      'baseline/sink',
      'producer/schedule_lag',
    ]);
    const flink = run.engines.flink?.latency;
    expect(rows[4]).toEqual([
      'flink',
      'end_to_end',
      ...[
        flink?.count,
        flink?.negativeCount,
        flink?.p50Us,
        flink?.p90Us,
        flink?.p95Us,
        flink?.p99Us,
        flink?.p999Us,
        flink?.minUs,
        flink?.maxUs,
        flink?.meanUs,
        flink?.stddevUs,
      ].map((value) => (value === null || value === undefined ? '' : String(value))),
    ]);
    expect(rows[4]?.[3]).toBe('1');
    expect(latencyRows(run)).toHaveLength(rows.length);
  });
});

describe('timeseries.csv', () => {
  it('has one column group per engine, units in the names', () => {
    expect(timeseriesCsvHeader(['flink']).join(',')).toBe(
      'second,start_us,offered_rate_events_per_sec,' +
        'flink_committed_rate_events_per_sec,flink_p50_us,flink_p99_us,flink_freshness_us',
    );
  });

  it('holds one row per second, an empty cell where an engine committed nothing', () => {
    const [header, ...rows] = cells(formatTimeseriesCsv(run));
    expect(header).toEqual(timeseriesCsvHeader(run.config.engines));
    expect(rows).toHaveLength(run.timeseries.length);
    const first = run.timeseries[0];
    expect(rows[0]?.slice(0, 3)).toEqual([String(first?.secondIndex), String(first?.startUs), String(first?.offeredRateEventsPerSec)]);
    expect(first?.engines.spark?.p50Us).toBeNull();
    expect(rows[0]?.[(header as string[]).indexOf('spark_p50_us')]).toBe('');
  });
});
