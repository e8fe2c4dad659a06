import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ratioFigures } from '../metrics/compare.js';
import { summarizeFigureRepeats } from '../metrics/repeats.js';
import {
  COMPARE_CSV_HEADER,
  engineFigures,
  roundToResolution,
  ENGINE_METRICS,
  formatFiguresCsv,
  PRODUCER_METRICS,
  toCsvRows,
} from './figures.js';
import { emptyEngineResult, type RunRecord } from './record.js';

const run = JSON.parse(readFileSync(new URL('./fixtures/run-v1.json', import.meta.url), 'utf8')) as RunRecord;

describe('toCsvRows', () => {
  it('pins the header of the compare CSV', () => {
    expect(COMPARE_CSV_HEADER.join(',')).toBe('run_id,run_status,engine,metric,unit,value,engine_status,engine_status_reasons');
    expect(formatFiguresCsv([run]).split('\n')[0]).toBe('run_id,run_status,engine,metric,unit,value,engine_status,engine_status_reasons');
  });

  it('gives one row per (run, engine, metric), engines in config order, then the producer', () => {
    const rows = toCsvRows(run);
    expect(rows).toHaveLength(3 * ENGINE_METRICS.length + PRODUCER_METRICS.length);
    expect(rows[0]).toEqual({
      runId: '20250102-030405-ab12',
      runStatus: 'complete',
      engine: 'spark',
      metric: 'latency_e2e_count_rows',
      unit: 'rows',
      value: 4,
      engineStatus: 'complete',
      engineStatusReasons: '',
    });
    expect([...new Set(rows.map((r) => r.engine))]).toEqual(['spark', 'flink', 'baseline', 'producer']);
  });

  it('marks every row of an incomplete engine with its status and reasons, so no script mixes it in unnoticed', () => {
    const flink = { ...(run.engines.flink as NonNullable<RunRecord['engines']['flink']>), incompleteReasons: ['died: flink not running at the end of the run', 'lost events: committed 1 of 4 events (3 missing)'] };
    const rows = toCsvRows({ ...run, status: 'incomplete', engines: { ...run.engines, flink } });
    const flinkRows = rows.filter((r) => r.engine === 'flink');
    expect(new Set(flinkRows.map((r) => r.engineStatus))).toEqual(new Set(['incomplete']));
    expect(flinkRows[0]?.engineStatusReasons).toBe(
      'died: flink not running at the end of the run; lost events: committed 1 of 4 events (3 missing)',
    );
    expect(rows.find((r) => r.engine === 'spark')?.engineStatus).toBe('complete');
    expect(rows.find((r) => r.engine === 'producer')?.engineStatus).toBeNull();
  });

  it('pins the metric names, since scripts read the CSV by them', () => {
    const latency = (prefix: string) =>
      ['count_rows', 'negative_count_rows', 'p50_us', 'p90_us', 'p95_us', 'p99_us', 'p999_us', 'min_us', 'max_us', 'mean_us', 'stddev_us'].map(
        (field) => `${prefix}_${field}`,
      );
    expect(ENGINE_METRICS.map((m) => m.name)).toEqual([
      ...latency('latency_e2e'),
      ...latency('latency_kafka'),
      ...latency('latency_engine'),
      ...latency('latency_sink'),
      'committed_in_window_rows',
      'throughput_events_per_sec',
      'freshness_mean_us',
      'freshness_p95_us',
      'freshness_max_us',
      'produced_rows',
      'committed_distinct_rows',
      'missing_rows',
      'duplicate_deliveries_rows',
      'dead_lettered_rows',
      'committed_fraction_ratio',
      'cpu_seconds',
      'peak_rss_bytes',
      'mean_cores',
      'cpu_seconds_per_million_events',
    ]);
    expect(PRODUCER_METRICS.map((m) => m.name)).toEqual([
      'sent_events',
      'failed_events',
      'offered_rate_events_per_sec',
      'achieved_rate_events_per_sec',
      ...latency('schedule_lag'),
      ...latency('source_delay'),
    ]);
  });

  it('ends every metric name with its unit', () => {
    for (const m of [...ENGINE_METRICS, ...PRODUCER_METRICS]) expect(m.name.endsWith(`_${m.unit}`) || m.name === m.unit).toBe(true);
    expect(new Set(ENGINE_METRICS.map((m) => m.name)).size).toBe(ENGINE_METRICS.length);
  });

  it('writes what was not measured as an empty cell', () => {
    const csv = formatFiguresCsv([run]);
    expect(csv).toContain('20250102-030405-ab12,complete,producer,source_delay_p50_us,us,,,\n');
    expect(csv).toContain('20250102-030405-ab12,complete,flink,latency_e2e_negative_count_rows,rows,1,complete,\n');
  });
});

describe('engineFigures', () => {
  it('feeds the ratios between engines', () => {
    const spark = engineFigures(run.engines.spark ?? emptyEngineResult());
    const flink = engineFigures(run.engines.flink ?? emptyEngineResult());
    const ratios = ratioFigures(spark, flink);
    expect(ratios['latency_e2e_p50_us']).toBeCloseTo(
      (run.engines.spark?.latency?.p50Us as number) / (run.engines.flink?.latency?.p50Us as number),
      12,
    );
    expect(ratios['latency_kafka_p50_us']).toBe(1);
  });

  it('feeds the summary across repeats', () => {
    const figures = [run, run].map((r) => engineFigures(r.engines.baseline ?? emptyEngineResult()));
    expect(summarizeFigureRepeats(figures)['throughput_events_per_sec']).toMatchObject({ median: 1000, runs: 2 });
  });

  it('gives null for everything not measured', () => {
    expect(Object.values(engineFigures(emptyEngineResult())).every((v) => v === null)).toBe(true);
  });
});

describe('roundToResolution', () => {
  it('keeps what the measurement resolves: whole microseconds, rates to 0.1 event/s', () => {
    expect(roundToResolution(8263884.799999997, 'us')).toBe(8263885);
    expect(roundToResolution(97.62209681193406, 'events_per_sec')).toBe(97.6);
    expect(roundToResolution(0.22022022022021998, 'cores')).toBe(0.22);
    expect(roundToResolution(0.99995, 'ratio')).toBe(1);
    expect(roundToResolution(null, 'us')).toBeNull();
  });
});
