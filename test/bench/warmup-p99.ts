/**
 * Steady-state benchmark (a measurement, not a test): each engine's end-to-end p50 and p99 of one saved run over
 * three windows — the whole run, the old fixed warm-up (20% of the run, at most 60 s) and the window MSER-5 chose
 * (the record's `steadyState`) — so the effect of detecting the steady state can be quoted ("Spark's p99 before
 * and after"). Needs the stack the run was made on, still up (its tables hold the rows). From the repository root:
 *
 *   npx vite-node test/bench/warmup-p99.ts -- --state-dir .crypto-bench [--port-base 19092] \
 *     [--results-dir results] [--run RUN_ID]      (the newest run by default)
 */
import { parseArgs } from 'node:util';
import { resolveStackConfig } from '../../src/lib/config/stack-config.js';
import { connect } from '../../src/lib/engines/postgres.js';
import { engineTables } from '../../src/lib/engines/schema.js';
import { loadLatestRun, loadRun } from '../../src/lib/results/store.js';

const { values } = parseArgs({
  options: {
    'state-dir': { type: 'string', default: '.crypto-bench' },
    'port-base': { type: 'string', default: '19092' },
    'results-dir': { type: 'string', default: 'results' },
    run: { type: 'string' },
  },
});
const config = resolveStackConfig({
  'state-dir': values['state-dir'],
  'port-base': Number(values['port-base']),
});
const loaded = values.run ? loadRun(values['results-dir'], values.run) : loadLatestRun(values['results-dir']);
const run = loaded?.record;
if (!run?.window || !run.steadyState) throw new Error('No finished run with a detected steady state found');
const startUs = run.timeseries[0]?.startUs ?? run.window.startUs;
const fixedWarmupUs = Math.min(0.2 * run.config.durationMs, 60_000) * 1000;
const windows = {
  'whole run': startUs,
  'fixed 20% warm-up': startUs + fixedWarmupUs,
  [`${run.steadyState.chosenBy} (${run.steadyState.steadyStateStartOffsetMs / 1000} s)`]: run.window.startUs,
};
const client = await connect(config);
try {
  console.log(`Run ${run.runId} (${run.status}): ${JSON.stringify(run.steadyState.engines)}`);
  for (const engine of run.config.engines) {
    for (const [name, fromUs] of Object.entries(windows)) {
      const result = await client.query<{ p50: number; p99: number; n: string }>(
        `SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY commit_us - produced_at_us) AS p50,
                percentile_cont(0.99) WITHIN GROUP (ORDER BY commit_us - produced_at_us) AS p99, count(*) AS n
         FROM ${engineTables(engine).timed} WHERE run_id = $1 AND produced_at_us >= $2 AND produced_at_us < $3`,
        [run.runId, fromUs, run.window.endUs],
      );
      const row = result.rows[0];
      console.log(
        `${engine.padEnd(9)} ${name.padEnd(22)} p50 ${((row?.p50 ?? 0) / 1000).toFixed(1)} ms, p99 ${((row?.p99 ?? 0) / 1000).toFixed(1)} ms over ${row?.n} rows`,
      );
    }
  }
} finally {
  await client.end();
}
