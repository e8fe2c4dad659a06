import type pg from 'pg';
import type { Engine } from '../config/defaults.js';
import { engineTables } from '../engines/schema.js';
import { LatencyRecorder } from '../metrics/histogram.js';
import { percentileCont, sortAscending } from '../metrics/summary.js';
import { secondIndexOf } from '../metrics/throughput.js';
import type { WindowUs } from '../metrics/window.js';
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
  /** Per second of commit time since `originUs`: rows committed and their end-to-end p50/p99. */
  perSecond: Map<number, Omit<EngineSecond, 'freshnessUs'>>;
}

/**
 * Streams every committed row of a run through a server-side cursor (never the whole result set in one
 * message) and computes, in one pass over PostgreSQL's commit timestamps: the latency histograms of the rows
 * produced in the window, the counts, and the per-second series (percentiles as percentile_cont).
 */
export async function collectEngine(
  client: pg.Client,
  engine: Engine,
  runId: string,
  window: WindowUs,
  originUs: number,
): Promise<EngineCollection> {
  const latencies: EngineLatencies = {
    endToEnd: new LatencyRecorder(),
    stages: { kafka: new LatencyRecorder(), engine: new LatencyRecorder(), sink: new LatencyRecorder() },
  };
  const seconds = new Map<number, number[]>();
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
        if (commitUs >= window.startUs && commitUs < window.endUs) committedInWindowRows++;
        const second = secondIndexOf(commitUs, originUs);
        let values = seconds.get(second);
        if (!values) seconds.set(second, (values = []));
        values.push(commitUs - producedUs);
        if (producedUs < window.startUs || producedUs >= window.endUs) continue;
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
  return { latencies, committedRows, committedInWindowRows, perSecond: summarizeSeconds(seconds) };
}

function summarizeSeconds(seconds: Map<number, number[]>): Map<number, Omit<EngineSecond, 'freshnessUs'>> {
  const summary = new Map<number, Omit<EngineSecond, 'freshnessUs'>>();
  for (const [second, values] of seconds) {
    const sorted = sortAscending(values);
    summary.set(second, {
      committedRateEventsPerSec: values.length,
      p50Us: percentileCont(sorted, 0.5),
      p99Us: percentileCont(sorted, 0.99),
    });
  }
  return summary;
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

/**
 * Duplicate deliveries of a run's rows to an engine's table: rows the redelivery trigger logged (see
 * `redeliveryDdl`), each a write of a row already committed, counted exactly. With `committedIn`, only the
 * redeliveries committed in that span (epoch µs; the ledger row's own commit time), e.g. after one fault.
 */
export async function countRedeliveries(
  client: pg.Client,
  engine: Engine,
  runId: string,
  committedIn?: WindowUs,
): Promise<number> {
  const table = engineTables(engine).redeliveries;
  const commitUs = `(extract(epoch FROM pg_xact_commit_timestamp(xmin)) * 1000000)::bigint`;
  const result = committedIn
    ? await client.query<{ n: string }>(
        `SELECT count(*) AS n FROM ${table} WHERE run_id = $1 AND ${commitUs} >= $2 AND ${commitUs} < $3`,
        [runId, committedIn.startUs, committedIn.endUs],
      )
    : await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${table} WHERE run_id = $1`, [runId]);
  return Number(result.rows[0]?.n ?? 0);
}
