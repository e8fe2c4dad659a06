import type pg from 'pg';
import type { Engine } from '../config/defaults.js';
import type { StackConfig } from '../config/stack-config.js';
import { connect } from '../engines/postgres.js';
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

/**
 * Per second since the run's start (0-based, every second up to the last commit or produced_at): rows committed
 * in it and their end-to-end p50/p99 (null without commits), and the backlog at its end.
 */
export type EngineSeries = Map<number, Omit<EngineSecond, 'freshnessUs'>>;

/**
 * Phase one of collecting, before the window is known. Per second since `originUs` (⌊(t − origin) / 10⁶⌋, as
 * `secondIndexOf`): rows committed and their end-to-end p50 and p99 (percentile_cont, by PostgreSQL), and the
 * backlog at the second's end: rows produced by then minus rows committed by then (the events in flight, counted
 * exactly from the table; rows never committed are missing and reported as such). Steady-state detection and
 * the sustainability verdict read this series. Commit times are taken on the producer's clock: minus
 * `clockOffsetUs`, PostgreSQL's clock minus the producer host's (docs/measurement.md#clocks-across-hosts).
 */
export async function collectSeries(
  client: pg.Client,
  engine: Engine,
  runId: string,
  originUs: number,
  clockOffsetUs = 0,
): Promise<EngineSeries> {
  const timed = engineTables(engine).timed;
  const commit = '(commit_us - $3::bigint)';
  const committed = await client.query<{ s: number; n: string; p50: number; p99: number }>(
    `SELECT floor((${commit} - $2::bigint) / 1000000.0)::int AS s, count(*) AS n,
            percentile_cont(0.5) WITHIN GROUP (ORDER BY ${commit} - produced_at_us) AS p50,
            percentile_cont(0.99) WITHIN GROUP (ORDER BY ${commit} - produced_at_us) AS p99
     FROM ${timed} WHERE run_id = $1 GROUP BY 1`,
    [runId, originUs, Math.round(clockOffsetUs)],
  );
  const produced = await client.query<{ s: number; n: string }>(
    `SELECT floor((produced_at_us - $2::bigint) / 1000000.0)::int AS s, count(*) AS n
     FROM ${timed} WHERE run_id = $1 GROUP BY 1`,
    [runId, originUs],
  );
  return seriesFromCounts(
    committed.rows.map((row) => ({
      second: Number(row.s),
      rows: Number(row.n),
      p50Us: Number(row.p50),
      p99Us: Number(row.p99),
    })),
    produced.rows.map((row) => ({ second: Number(row.s), rows: Number(row.n) })),
  );
}

/**
 * {@link collectSeries} of several engines of one segment, in parallel (one connection each). An engine whose
 * table cannot be read gets an empty series; reading its figures later says what went wrong.
 */
export async function collectSeriesOf(
  stack: StackConfig,
  engines: readonly Engine[],
  runId: string,
  originUs: number,
  clockOffsetUs = 0,
): Promise<Map<Engine, EngineSeries>> {
  const read = await Promise.all(
    engines.map(async (engine): Promise<EngineSeries> => {
      const own = await connect(stack);
      try {
        return await collectSeries(own, engine, runId, originUs, clockOffsetUs);
      } catch {
        return new Map();
      } finally {
        await own.end();
      }
    }),
  );
  return new Map(engines.map((engine, i) => [engine, read[i] as EngineSeries]));
}

/**
 * The dense series of {@link collectSeries} from per-second counts: every second from 0 to the last one seen,
 * backlog(s) = Σ produced in seconds ≤ s − Σ committed in seconds ≤ s (seconds before 0 count into second 0).
 */
export function seriesFromCounts(
  committed: readonly { second: number; rows: number; p50Us: number; p99Us: number }[],
  produced: readonly { second: number; rows: number }[],
): EngineSeries {
  const last = Math.max(-1, ...committed.map((c) => c.second), ...produced.map((p) => p.second));
  const committedAt = new Map<number, (typeof committed)[number]>();
  const committedBy = new Array<number>(last + 1).fill(0);
  const producedBy = new Array<number>(last + 1).fill(0);
  for (const c of committed) {
    committedAt.set(c.second, c);
    const second = Math.max(0, c.second);
    committedBy[second] = (committedBy[second] as number) + c.rows;
  }
  for (const p of produced) {
    const second = Math.max(0, p.second);
    producedBy[second] = (producedBy[second] as number) + p.rows;
  }
  const series: EngineSeries = new Map();
  let backlog = 0;
  for (let second = 0; second <= last; second++) {
    backlog += (producedBy[second] as number) - (committedBy[second] as number);
    const c = committedAt.get(second);
    series.set(second, {
      committedRateEventsPerSec: c?.rows ?? 0,
      p50Us: c?.p50Us ?? null,
      p99Us: c?.p99Us ?? null,
      backlogEvents: backlog,
    });
  }
  return series;
}

/**
 * Phase two, once the window is chosen: streams every committed row of a run through a server-side cursor
 * (never the whole result set in one message) and computes, in one pass over PostgreSQL's commit timestamps,
 * the latency histograms of the rows produced in the window and the counts. Each commit time is first put on
 * the producer's clock by subtracting `clockOffsetUs` (PostgreSQL's clock minus the producer host's), so
 * end-to-end = commit − offset − produced_at, and the sink stage = commit − offset − engine_ts
 * (docs/measurement.md#clocks-across-hosts).
 */
export async function collectEngine(
  client: pg.Client,
  engine: Engine,
  runId: string,
  window: WindowUs,
  clockOffsetUs = 0,
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
        const commitUs = Number(row[1]) - clockOffsetUs;
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
