/**
 * Collection benchmark (a measurement, not a test): how long reading the figures of a run with 1,000,000 rows per
 * engine takes — the streaming latency read (every row, through a server-side cursor), the counts and the
 * per-second series that `run` computes at its end — and whether the histogram agrees with PostgreSQL's own
 * percentile_cont on the same rows.
 *
 * Needs a running stack. Run from the repository root:
 *
 *   npx vite-node test/bench/collect-bench.ts -- --state-dir .crypto-bench [--port-base 19092] [--rows 1000000]
 *
 * It inserts `--rows` synthetic rows per engine under a run id of its own (`bench-collect-…`, with realistic
 * spreads of timestamps over 100 s), measures, then deletes them.
 */
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { collectEngine, collectSeries } from '../../src/lib/bench/collect.js';
import { ENGINES } from '../../src/lib/config/defaults.js';
import { resolveStackConfig } from '../../src/lib/config/stack-config.js';
import { connect } from '../../src/lib/engines/postgres.js';
import { engineTables } from '../../src/lib/engines/schema.js';

const { values } = parseArgs({
  options: {
    'state-dir': { type: 'string', default: '.crypto-bench' },
    'port-base': { type: 'string', default: '19092' },
    rows: { type: 'string', default: '1000000' },
  },
});
const rows = Number(values.rows);
const config = resolveStackConfig({
  'state-dir': values['state-dir'],
  'port-base': Number(values['port-base']),
});
const runId = `bench-collect-${Date.now()}`;
const client = await connect(config);
const startUs = Date.now() * 1000 - 200_000_000;
const spanUs = 100_000_000;
try {
  for (const engine of ENGINES) {
    const t = engineTables(engine);
    const begin = performance.now();
    await client.query(
      `INSERT INTO ${t.raw} (run_id, seq, symbol, price, size, event_time_us, intended_at_us, produced_at_us,
                             kafka_ts_us, engine_ts_us, kafka_partition, kafka_offset)
       SELECT $1, g, 'BTC-USD', 60000, 0.01, p, p, p, p + 1000, p + 1000 + (random() * 200000)::bigint, g % 3, g
       FROM (SELECT g, $2::bigint + (g * $3::bigint / $4::bigint) AS p FROM generate_series(0, $4::bigint - 1) g) s`,
      [runId, startUs, spanUs, rows],
    );
    console.log(`${engine}: inserted ${rows} rows in ${((performance.now() - begin) / 1000).toFixed(1)} s`);
  }
  const window = { startUs: startUs + 20_000_000, endUs: startUs + spanUs };
  const all = performance.now();
  const doneMs: number[] = [];
  await Promise.all(
    ENGINES.map(async (engine) => {
      const own = await connect(config);
      const t0 = performance.now();
      await collectSeries(own, engine, runId, startUs);
      const collected = await collectEngine(own, engine, runId, window);
      const t1 = performance.now();
      doneMs.push(t1 - all);
      const db = await own.query<{ p50: number; p99: number }>(
        `SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY commit_us - produced_at_us) AS p50,
                percentile_cont(0.99) WITHIN GROUP (ORDER BY commit_us - produced_at_us) AS p99
         FROM ${engineTables(engine).timed} WHERE run_id = $1 AND produced_at_us >= $2 AND produced_at_us < $3`,
        [runId, window.startUs, window.endUs],
      );
      const summary = collected.latencies.endToEnd.summarize();
      console.log(
        `${engine}: ${collected.committedRows} rows read in ${((t1 - t0) / 1000).toFixed(2)} s; ` +
          `p50 ${summary.p50Us} vs percentile_cont ${db.rows[0]?.p50}, p99 ${summary.p99Us} vs ${db.rows[0]?.p99}`,
      );
      await own.end();
    }),
  );
  console.log(`all engines read in parallel, as run does: ${(Math.max(...doneMs) / 1000).toFixed(2)} s`);
} finally {
  for (const engine of ENGINES)
    await client.query(`DELETE FROM ${engineTables(engine).raw} WHERE run_id = $1`, [runId]);
  await client.end();
}
