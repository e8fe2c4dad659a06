import { mkdtempSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AIRFLOW_PORT_OFFSET } from '../../src/lib/airflow/settings.js';
import type { AirflowStatus } from '../../src/lib/airflow/status.js';
import { failedTaskLogs, waitForRun, type TriggerResult } from '../../src/lib/airflow/trigger.js';
import { airflowClient } from '../../src/lib/airflow/up.js';
import { connect } from '../../src/lib/engines/postgres.js';
import type { GoldRecheck } from '../../src/lib/bench/gold-recheck.js';
import type { RunOutcome } from '../../src/lib/bench/run.js';
import type { DownResult, StackStatus } from '../../src/lib/runtime/types.js';
import { json, runCli } from '../support/cli.js';
import { e2eStack } from '../support/stack.js';
import { goldTruth, type GoldRow } from '../support/gold-truth.js';

const { stateDir, resultsDir, stackArgs, config } = e2eStack('airflow', 27092);
const STATE = ['--state-dir', stateDir];
const API_PORT = config.ports.kafka + AIRFLOW_PORT_OFFSET;
const INSTALL_TIMEOUT_MS = 30 * 60_000;
// A short, light benchmark; the lag bound is loose because a busy 2-core machine is not what this test checks.
const BENCH_FLAGS = [
  '--engines',
  'baseline',
  '--duration',
  '15s',
  '--rate',
  '100',
  '--warmup',
  '3s',
  '--schedule-lag-bound',
  '10000',
];

async function benchmark(): Promise<string> {
  const run = await runCli(['run', ...STATE, '--results-dir', resultsDir, ...BENCH_FLAGS, '--json']);
  expect(run.code, run.stderr).toBe(0);
  return json<RunOutcome>(run).runs[0]!.runId;
}

/** Every gold row Airflow wrote for a run, in the truth's shape. */
async function airflowGold(window: '10min' | 'hourly', runId: string): Promise<GoldRow[]> {
  const client = await connect(config);
  try {
    const result = await client.query(
      `SELECT symbol, (extract(epoch FROM window_start) * 1000000)::bigint::text AS start_us,
         (extract(epoch FROM window_end) * 1000000)::bigint::text AS end_us, open::text, high::text, low::text,
         close::text, avg_price::float8 AS avg, vwap::float8 AS vwap, volume::text, trade_count::int AS count,
         price_stddev AS stddev
       FROM gold_${window}_metrics_airflow WHERE run_id = $1`,
      [runId],
    );
    return result.rows.map((r) => ({
      symbol: r.symbol,
      windowStartUs: BigInt(r.start_us),
      windowEndUs: BigInt(r.end_us),
      open: r.open,
      high: r.high,
      low: r.low,
      close: r.close,
      avgPrice: r.avg,
      vwap: r.vwap,
      volume: r.volume,
      tradeCount: r.count,
      priceStddev: r.stddev,
    }));
  } finally {
    await client.end();
  }
}

/** The baseline's committed events of a run, the raw table the gold DAG reads by default. */
async function rawEvents(runId: string) {
  const client = await connect(config);
  try {
    const result = await client.query(
      'SELECT seq::text, symbol, price::text, size::text, event_time_us::text FROM crypto_prices_baseline WHERE run_id = $1',
      [runId],
    );
    return result.rows.map((r) => ({
      seq: BigInt(r.seq),
      symbol: r.symbol,
      price: r.price,
      size: r.size,
      eventTimeUs: BigInt(r.event_time_us),
    }));
  } finally {
    await client.end();
  }
}

function occupy(port: number): Promise<net.Server> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen({ port, host: config.host }, () => resolve(server));
  });
}

describe('Airflow next to a running stack', () => {
  beforeAll(async () => {
    const up = await runCli(['up', ...stackArgs, '--engines', 'baseline', '--no-gold', '--json']);
    expect(up.code, `${up.stdout}\n${up.stderr}`).toBe(0);
  });

  afterAll(async () => {
    await runCli(['down', ...STATE, '--volumes', '--yes']);
  });

  it('refuses to install without a Python 3, naming the cause', async () => {
    const result = await runCli(['airflow', 'up', ...STATE], {
      env: {
        CRYPTO_BENCH_PYTHON: '/nonexistent/python3',
        CRYPTO_BENCH_CACHE_DIR: mkdtempSync(path.join(tmpdir(), 'cb-nopy-')),
      },
    });
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('No Python 3 to install Airflow with');
    expect(result.stderr).toContain('CRYPTO_BENCH_PYTHON');
  });

  it('reports a failed PyPI install with the last lines pip printed', async () => {
    const result = await runCli(['airflow', 'up', ...STATE], {
      env: {
        PIP_INDEX_URL: 'http://127.0.0.1:9/simple',
        PIP_RETRIES: '0',
        PIP_TIMEOUT: '2',
        CRYPTO_BENCH_CACHE_DIR: mkdtempSync(path.join(tmpdir(), 'cb-nopypi-')),
      },
      timeoutMs: 300_000,
    });
    expect(result.code).toBe(4);
    expect(result.stderr).toMatch(/Installing apache-airflow\[postgres\]==3\.3\.2 from PyPI failed/);
    expect(result.stderr).toMatch(/No matching distribution|Could not find a version|Connection refused/i);
  });

  it('refuses to start when the Airflow API port is taken, naming the port and --api-port', async () => {
    const server = await occupy(API_PORT);
    try {
      const result = await runCli(['airflow', 'up', ...STATE]);
      expect(result.code).toBe(4);
      expect(result.stderr).toContain(`Port ${API_PORT} (Airflow API server)`);
      expect(result.stderr).toContain('--api-port');
    } finally {
      server.close();
    }
  });

  it('refuses run --gold-airflow before producing anything when Airflow is not running, saying how to start it', async () => {
    const result = await runCli([
      'run',
      ...STATE,
      '--results-dir',
      resultsDir,
      ...BENCH_FLAGS,
      '--gold-airflow',
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`--gold-airflow needs Airflow running beside the stack in ${stateDir}`);
    expect(result.stderr).toContain('crypto-bench airflow up');
    expect(result.stderr).not.toContain('producing for');
  });

  it(
    "reports a DAG that fails to import with Airflow's error, stops Airflow, and leaves the stack running",
    async () => {
      const dags = mkdtempSync(path.join(tmpdir(), 'cb-broken-dags-'));
      writeFileSync(
        path.join(dags, 'broken_dag.py'),
        'from airflow.sdk import DAG\nraise ValueError("this DAG is broken on purpose")\n',
      );
      const result = await runCli(['airflow', 'up', ...STATE, '--dags-folder', dags], {
        timeoutMs: INSTALL_TIMEOUT_MS,
      });
      expect(result.code, result.stderr).toBe(5);
      expect(result.stderr).toContain('broken_dag.py');
      expect(result.stderr).toContain('this DAG is broken on purpose');
      const status = json<StackStatus>(await runCli(['status', ...STATE, '--json']));
      expect(status.airflow).toBeUndefined();
      expect(status.services.every((s) => s.health !== 'dead')).toBe(true);
    },
    INSTALL_TIMEOUT_MS,
  );

  describe('once up', () => {
    beforeAll(async () => {
      const up = await runCli(['airflow', 'up', ...STATE, '--results-dir', resultsDir, '--json'], {
        timeoutMs: INSTALL_TIMEOUT_MS,
      });
      expect(up.code, up.stderr).toBe(0);
      const status = json<AirflowStatus>(up);
      expect(status.processes.map((p) => p.health)).toEqual(['running', 'running', 'running']);
      // Nothing runs during a measured window unless asked: every DAG starts paused.
      expect(status.dags.map((d) => [d.dagId, d.paused])).toEqual([
        ['crypto_bench_gold', true],
        ['crypto_bench_nightly', true],
      ]);
    }, INSTALL_TIMEOUT_MS);

    it("builds gold rows equal to the truth when the gold DAG is triggered through Airflow's REST API", async () => {
      const runId = await benchmark();
      const trigger = await runCli(['airflow', 'trigger', 'gold', ...STATE, '--run', runId, '--json']);
      expect(trigger.code, trigger.stderr).toBe(0);
      const result = json<TriggerResult>(trigger);
      expect(result.state).toBe('success');
      expect(result.tasks.map((t) => t.state)).toEqual(['success', 'success', 'success']);
      const events = await rawEvents(runId);
      expect(events.length).toBeGreaterThan(1000);
      for (const [window, sizeUs] of [
        ['10min', 600_000_000n],
        ['hourly', 3_600_000_000n],
      ] as const) {
        const truth = goldTruth(events, sizeUs);
        const gold = await airflowGold(window, runId);
        const key = (r: GoldRow) => `${r.windowStartUs}/${r.symbol}`;
        expect(gold.map(key).sort()).toEqual(truth.map(key).sort());
        for (const expected of truth) {
          const row = gold.find((r) => key(r) === key(expected))!;
          expect(row.windowEndUs).toBe(expected.windowEndUs);
          for (const field of ['open', 'high', 'low', 'close', 'volume'] as const) {
            expect(Number(row[field]), `${field} of ${key(row)}`).toBe(Number(expected[field]));
          }
          expect(row.tradeCount).toBe(expected.tradeCount);
          for (const field of ['avgPrice', 'vwap', 'priceStddev'] as const) {
            const want = expected[field] as number;
            expect(Math.abs((row[field] as number) - want), `${field} of ${key(row)}`).toBeLessThanOrEqual(
              1e-9 * Math.max(Math.abs(want), 1e-12),
            );
          }
        }
      }
      // Paused again: no scheduled run follows the one asked for.
      const status = json<AirflowStatus>(await runCli(['airflow', 'status', ...STATE, '--json']));
      expect(status.dags.find((d) => d.dagId === 'crypto_bench_gold')?.paused).toBe(true);
    });

    it("checks a run's Airflow gold against the run's truth, and the re-check finds a corrupted row wrong", async () => {
      // The stack's jobs run with --no-gold: Airflow's gold alone is checked, read from the baseline's table.
      const run = await runCli([
        'run',
        ...STATE,
        '--results-dir',
        resultsDir,
        ...BENCH_FLAGS,
        '--gold-airflow',
        '--json',
      ]);
      expect(run.code, run.stderr).toBe(0);
      const record = json<RunOutcome>(run).runs[0]!;
      expect(record.status, record.statusReasons.join('\n')).toBe('complete');
      expect(Object.keys(record.gold?.producers ?? {})).toEqual(['airflow']);
      expect(record.gold?.truthEvents).toBe(record.producer?.sentEvents);
      const airflow = record.gold!.producers.airflow!;
      expect(airflow.problems).toEqual([]);
      expect(airflow.airflowRun).toMatchObject({ sourceEngine: 'baseline' });
      for (const name of ['tenMinutes', 'hourly'] as const) {
        const table = airflow.tables[name];
        // Five pairs, in one window each (two when the 15 s run crossed a window's end).
        expect([5, 10]).toContain(table.closedWindows);
        expect(table).toMatchObject({
          rightWindows: table.closedWindows,
          wrongWindows: 0,
          missingWindows: 0,
        });
        expect(table).toMatchObject({ extraWindows: 0, openWindows: 0 });
        // Fresh from the trigger (the scheduler, the settle sensor, the SQL): after it, never 0 or negative.
        expect(table.freshness.count).toBe(table.closedWindows);
        expect(table.finalBeforeCloseWindows).toBe(0);
        expect(table.freshness.p50Us).toBeGreaterThan(0);
      }
      const compare = await runCli(['compare', record.runId, '--results-dir', resultsDir]);
      expect(compare.stdout).toContain('airflow (schedule)');
      expect(compare.stdout).toMatch(/gold 10-min right\s*│\s*(5|10)\b/);

      const client = await connect(config);
      let corrupted: { symbol: string };
      try {
        const updated = await client.query<{ symbol: string }>(
          `UPDATE gold_10min_metrics_airflow g SET high = high + 1
           FROM (SELECT window_start, symbol FROM gold_10min_metrics_airflow WHERE run_id = $1
                 ORDER BY window_start, symbol LIMIT 1) one
           WHERE g.run_id = $1 AND g.window_start = one.window_start AND g.symbol = one.symbol
           RETURNING g.symbol`,
          [record.runId],
        );
        expect(updated.rowCount).toBe(1);
        corrupted = updated.rows[0]!;
      } finally {
        await client.end();
      }
      const check = await runCli([
        'gold',
        'check',
        record.runId,
        ...STATE,
        '--results-dir',
        resultsDir,
        '--json',
      ]);
      expect(check.code, check.stderr).toBe(7);
      const recheck = json<GoldRecheck>(check);
      const tenMinutes = recheck.gold.producers.airflow!.tables.tenMinutes;
      expect(tenMinutes).toMatchObject({ wrongWindows: 1, rightWindows: tenMinutes.closedWindows - 1 });
      expect(tenMinutes.wrong[0]).toMatchObject({ symbol: corrupted.symbol, field: 'high' });
      expect(recheck.reasons).toEqual([
        expect.stringMatching(/^airflow gold 10-minute windows: 1 wrong, 0 missing/),
      ]);
      expect(recheck.gold.producers.airflow!.tables.hourly.wrongWindows).toBe(0);

      const unknown = await runCli(['gold', 'check', 'no-such-run', ...STATE, '--results-dir', resultsDir]);
      expect(unknown.code).toBe(3);
      expect(unknown.stderr).toContain(`No run 'no-such-run' in ${resultsDir}`);
      expect(unknown.stderr).toContain(record.runId);
    });

    it('fails the nightly DAG when the threshold is below the measured regression, and passes above it', async () => {
      const client = await airflowClient(stateDir);
      const settings = (maxRegressionPct: number) =>
        JSON.stringify({
          flags: BENCH_FLAGS,
          engine: 'baseline',
          figure: 'latency.p99Us',
          max_regression_pct: maxRegressionPct,
        });
      await client.setVariable('crypto_bench_nightly', settings(1e9));
      const first = await runCli(['airflow', 'trigger', 'nightly', ...STATE, '--json']);
      expect(first.code, first.stderr).toBe(0);
      const second = json<TriggerResult>(await runCli(['airflow', 'trigger', 'nightly', ...STATE, '--json']));
      expect(second.state).toBe('success');
      const checked = await client.returnValue<{ regression_pct: number }>(
        'crypto_bench_nightly',
        second.dagRunId,
        'check',
      );
      const measured = checked.regression_pct;
      expect(Number.isFinite(measured)).toBe(true);

      const recheck = async (maxRegressionPct: number) => {
        await client.setVariable('crypto_bench_nightly', settings(maxRegressionPct));
        await client.setPaused('crypto_bench_nightly', false);
        try {
          await client.clearTasks('crypto_bench_nightly', second.dagRunId, ['check']);
          const run = await waitForRun(
            client,
            { ...(await client.dagRun('crypto_bench_nightly', second.dagRunId)), state: 'queued' },
            Date.now() + 300_000,
          );
          return { run, tasks: await client.taskInstances('crypto_bench_nightly', run.dag_run_id) };
        } finally {
          await client.setPaused('crypto_bench_nightly', true);
        }
      };
      const below = await recheck(measured - 1);
      expect(below.run.state).toBe('failed');
      const log = await failedTaskLogs(client, below.run, below.tasks);
      expect(log).toContain('task check');
      expect(log).toMatch(/regressed by -?[\d.]+%/);
      const above = await recheck(measured + 1);
      expect(above.run.state).toBe('success');
    });

    it("shows Airflow in the stack's status, and the stack's down stops it", async () => {
      const status = await runCli(['status', ...STATE]);
      expect(status.stdout).toContain(`Airflow     http://127.0.0.1:${API_PORT}`);
      const down = json<DownResult>(await runCli(['down', ...STATE, '--json']));
      expect(down.airflowStopped).toEqual(['api-server', 'scheduler', 'dag-processor']);
      const after = json<AirflowStatus>(await runCli(['airflow', 'status', ...STATE, '--json']));
      expect(after.started).toBe(false);
    });
  });
});
