import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  formatCsv,
  formatLatencyCsv,
  formatTimeseriesCsv,
  LATENCY_CSV_HEADER,
  parseCsv,
  parseLatencyCsv,
  parseTimeseriesCsv,
  timeseriesCsvHeader,
} from './csv.js';
import type { RunRecord } from './record.js';

const run = JSON.parse(readFileSync(new URL('./fixtures/run-v1.json', import.meta.url), 'utf8')) as RunRecord;

describe('formatCsv and parseCsv', () => {
  it('quote only what needs quoting and read it back', () => {
    const text = formatCsv(['a', 'b'], [['plain', 'has, comma'], ['say "hi"', null], [1.5, 'two\nlines']]);
    expect(text).toBe('a,b\nplain,"has, comma"\n"say ""hi""",\n1.5,"two\nlines"\n');
    expect(parseCsv(text)).toEqual([
      ['a', 'b'],
      ['plain', 'has, comma'],
      ['say "hi"', ''],
      ['1.5', 'two\nlines'],
    ]);
  });

  it('reads CRLF line ends and a last line without one', () => {
    expect(parseCsv('a,b\r\n1,2')).toEqual([
      ['a', 'b'],
      ['1', '2'],
    ]);
  });

  it('refuses a quote that is never closed', () => {
    expect(() => parseCsv('a\n"open')).toThrow(/never closed/);
  });
});

describe('latency.csv', () => {
  it('has the units in its column names', () => {
    expect(LATENCY_CSV_HEADER.join(',')).toBe(
      'engine,stage,count,negative_count,p50_us,p90_us,p95_us,p99_us,p999_us,min_us,max_us,mean_us,stddev_us',
    );
  });

  it('holds one row per engine and stage, then the producer, and reads back unchanged', () => {
    const rows = parseLatencyCsv(formatLatencyCsv(run));
    expect(rows.map((r) => `${r.engine}/${r.stage}`)).toEqual([
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
    expect(rows[4]?.summary).toEqual(run.engines.flink?.latency);
    expect(rows[4]?.summary.negativeCount).toBe(1);
  });

  it('refuses a file with another header', () => {
    expect(() => parseLatencyCsv('engine,p50\nspark,1\n')).toThrow(/header/);
  });
});

describe('timeseries.csv', () => {
  it('has one column group per engine, units in the names', () => {
    expect(timeseriesCsvHeader(['flink']).join(',')).toBe(
      'second,start_us,offered_rate_events_per_sec,' +
        'flink_committed_rate_events_per_sec,flink_p50_us,flink_p99_us,flink_freshness_us',
    );
  });

  it('reads back unchanged, empty seconds included', () => {
    const points = parseTimeseriesCsv(formatTimeseriesCsv(run));
    expect(points).toEqual(run.timeseries);
    expect(points[0]?.engines.spark?.p50Us).toBeNull();
  });

  it('refuses a number that is not one', () => {
    const text = formatTimeseriesCsv(run).replace('\n0,', '\nzero,');
    expect(() => parseTimeseriesCsv(text)).toThrow(/"zero" is not a number/);
  });
});
