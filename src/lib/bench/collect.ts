import type pg from 'pg';
import type { Engine } from '../config/defaults.js';
import { engineTables } from '../engines/schema.js';
import { LatencyRecorder } from '../metrics/histogram.js';
import { inWindow, type WindowUs } from '../metrics/window.js';
import type { EngineSecond, Stage } from '../results/record.js';

/** Rows fetched per round trip when streaming a run out of PostgreSQL. */
const FETCH_ROWS = 50_000;

/** Latency histograms of one engine over the rows produced in a window. */
export interface EngineLatencies {
  /** commit − produced_at. */
  endToEnd: LatencyRecorder;
  /** Each stage: kafka = kafka_ts − produced_at, engine = engine_ts − kafka_ts, sink = commit − engine_ts. */
  stages: Record<Stage, LatencyRecorder>;
}

/** Everything read from one engine's table for a run, in one pass. */
export interface EngineCollection {
  /** Latencies of the rows produced in the window: every row, not a sample. */
  latencies: EngineLatencies;
  /** Distinct rows of the run in the table (the primary key makes every row distinct). */
  committedRows: number;
  /** Rows whose commit time lies in the window. */
  committedInWindowRows: number;
}

/** Per second of commit time since the run's start: rows committed and their end-to-end p50/p99. */
export type EngineSeries = Map<number, Omit<EngineSecond, 'freshnessUs'>>;

/**
 * Phase one of collecting, before the window is known: per second of commit time since `originUs`
 * (⌊(commit − origin) / 10⁶⌋, as `secondIndexOf`), the rows committed and their end-to-end p50 and p99
 * (percentile_cont, computed by PostgreSQL). Steady-state detection reads this series.
 */
export async function collectSeries(
  client: pg.Client,
  engine: Engine,
  runId: string,
  originUs: number,
): Promise<EngineSeries> {
  const result = await client.query<{ s: number; n: string; p50: number; p99: number }>(
    `SELECT floor((commit_us - $2::bigint) / 1000000.0)::int AS s, count(*) AS n,
            percentile_cont(0.5) WITHIN GROUP (ORDER BY commit_us - produced_at_us) AS p50,
            percentile_cont(0.99) WITHIN GROUP (ORDER BY commit_us - produced_at_us) AS p99
     FROM ${engineTables(engine).timed} WHERE run_id = $1 GROUP BY 1`,
    [runId, originUs],
  );
  const series: EngineSeries = new Map();
  for (const row of result.rows) {
    series.set(Number(row.s), {
      committedRateEventsPerSec: Number(row.n),
      p50Us: Number(row.p50),
      p99Us: Number(row.p99),
    });
  }
  return series;
}

/**
 * Phase two, once the window is chosen: streams every committed row of a run through a server-side cursor
 * (never the whole result set in one message) and computes, in one pass over PostgreSQL's commit timestamps,
 * the latency histograms of the rows produced in the window and the counts.
 */
export async function collectEngine(
  client: pg.Client,
  engine: Engine,
  runId: string,
  window: WindowUs,
): Promise<EngineCollection> {
  const latencies: EngineLatencies = {
    endToEnd: new LatencyRecorder(),
    stages: { kafka: new LatencyRecorder(), engine: new LatencyRecorder(), sink: new LatencyRecorder() },
  };
  let committedRows = 0;
  let committedInWindowRows = 0;
  await client.query('BEGIN READ ONLY');
  try {
    await client.query(
      `DECLARE run_rows NO SCROLL CURSOR FOR
       SELECT produced_at_us, commit_us, kafka_ts_us, engine_ts_us FROM ${engineTables(engine).timed} WHERE run_id = $1`,
      [runId],
    );
    for (;;) {
      const batch = await client.query<string[]>({
        text: `FETCH ${FETCH_ROWS} FROM run_rows`,
        rowMode: 'array',
      });
      for (const row of batch.rows) {
        const producedUs = Number(row[0]);
        const commitUs = Number(row[1]);
        const kafkaUs = Number(row[2]);
        const engineUs = Number(row[3]);
        committedRows++;
        if (inWindow(commitUs, window)) committedInWindowRows++;
        if (!inWindow(producedUs, window)) continue;
        latencies.endToEnd.record(commitUs - producedUs);
        latencies.stages.kafka.record(kafkaUs - producedUs);
        latencies.stages.engine.record(engineUs - kafkaUs);
        latencies.stages.sink.record(commitUs - engineUs);
      }
      if (batch.rows.length < FETCH_ROWS) break;
    }
  } finally {
    await client.query('COMMIT');
  }
  return { latencies, committedRows, committedInWindowRows };
}

/** Dead-lettered records an engine wrote while the run was going (dead letters carry no run id). */
export async function countDeadLetters(
  client: pg.Client,
  engine: Engine,
  runSpan: WindowUs,
): Promise<number> {
  const dead = await client.query<{ n: string }>(
    `SELECT count(*) AS n FROM ${engineTables(engine).deadLetters} WHERE engine_ts_us >= $1 AND engine_ts_us < $2`,
    [runSpan.startUs, runSpan.endUs],
  );
  return Number(dead.rows[0]?.n ?? 0);
}
