import type pg from 'pg';
import type { Engine } from '../config/defaults.js';
import { engineTables } from '../engines/schema.js';
import { LatencyRecorder } from '../metrics/histogram.js';
import type { WindowUs } from '../metrics/window.js';
import type { EngineSecond, Stage } from '../results/record.js';

/** Rows fetched per round trip when streaming latencies out of PostgreSQL. */
const FETCH_ROWS = 50_000;

/** Latency histograms of one engine over the rows produced in a window. */
export interface EngineLatencies {
  /** commit − produced_at. */
  endToEnd: LatencyRecorder;
  /** Each stage: kafka = kafka_ts − produced_at, engine = engine_ts − kafka_ts, sink = commit − engine_ts. */
  stages: Record<Stage, LatencyRecorder>;
}

/**
 * Streams every committed row of a run whose `produced_at` lies in the window through a server-side cursor
 * (never the whole table in memory) into histograms: all rows, not a sample.
 */
export async function collectLatencies(
  client: pg.Client,
  engine: Engine,
  runId: string,
  window: WindowUs,
): Promise<EngineLatencies> {
  const result: EngineLatencies = {
    endToEnd: new LatencyRecorder(),
    stages: { kafka: new LatencyRecorder(), engine: new LatencyRecorder(), sink: new LatencyRecorder() },
  };
  const table = engineTables(engine).timed;
  await client.query('BEGIN READ ONLY');
  try {
    await client.query(
      `DECLARE latencies NO SCROLL CURSOR FOR
       SELECT commit_us - produced_at_us, kafka_ts_us - produced_at_us, engine_ts_us - kafka_ts_us, commit_us - engine_ts_us
       FROM ${table} WHERE run_id = $1 AND produced_at_us >= $2 AND produced_at_us < $3`,
      [runId, window.startUs, window.endUs],
    );
    for (;;) {
      const batch = await client.query<string[]>({
        text: `FETCH ${FETCH_ROWS} FROM latencies`,
        rowMode: 'array',
      });
      for (const row of batch.rows) {
        result.endToEnd.record(Number(row[0]));
        result.stages.kafka.record(Number(row[1]));
        result.stages.engine.record(Number(row[2]));
        result.stages.sink.record(Number(row[3]));
      }
      if (batch.rows.length < FETCH_ROWS) break;
    }
  } finally {
    await client.query('COMMIT');
  }
  return result;
}

/** Row counts of one engine for a run. */
export interface EngineCounts {
  /** Distinct rows of the run in the table (the primary key makes every row distinct). */
  committedRows: number;
  /** Rows whose commit time lies in the window. */
  committedInWindowRows: number;
  /** Dead-lettered records the engine wrote while the run was going (dead letters carry no run id). */
  deadLetteredRows: number;
}

/** Counts committed rows (all, and in the window) and dead letters written during the run. */
export async function collectCounts(
  client: pg.Client,
  engine: Engine,
  runId: string,
  window: WindowUs,
  runSpan: WindowUs,
): Promise<EngineCounts> {
  const t = engineTables(engine);
  const rows = await client.query<{ all: string; in_window: string }>(
    `SELECT count(*) AS all, count(*) FILTER (WHERE commit_us >= $2 AND commit_us < $3) AS in_window
     FROM ${t.timed} WHERE run_id = $1`,
    [runId, window.startUs, window.endUs],
  );
  const dead = await client.query<{ n: string }>(
    `SELECT count(*) AS n FROM ${t.deadLetters} WHERE engine_ts_us >= $1 AND engine_ts_us < $2`,
    [runSpan.startUs, runSpan.endUs],
  );
  return {
    committedRows: Number(rows.rows[0]?.all ?? 0),
    committedInWindowRows: Number(rows.rows[0]?.in_window ?? 0),
    deadLetteredRows: Number(dead.rows[0]?.n ?? 0),
  };
}

/** Committed rate and latency percentiles per second of commit time, computed by PostgreSQL. */
export async function collectPerSecond(
  client: pg.Client,
  engine: Engine,
  runId: string,
  originUs: number,
): Promise<Map<number, Omit<EngineSecond, 'freshnessUs'>>> {
  const result = await client.query<{ s: string; n: string; p50: number; p99: number }>(
    `SELECT floor((commit_us - $2) / 1000000.0) AS s, count(*) AS n,
            percentile_cont(0.5) WITHIN GROUP (ORDER BY commit_us - produced_at_us) AS p50,
            percentile_cont(0.99) WITHIN GROUP (ORDER BY commit_us - produced_at_us) AS p99
     FROM ${engineTables(engine).timed} WHERE run_id = $1 GROUP BY 1 ORDER BY 1`,
    [runId, originUs],
  );
  const seconds = new Map<number, Omit<EngineSecond, 'freshnessUs'>>();
  for (const row of result.rows) {
    seconds.set(Number(row.s), {
      committedRateEventsPerSec: Number(row.n),
      p50Us: Number(row.p50),
      p99Us: Number(row.p99),
    });
  }
  return seconds;
}
