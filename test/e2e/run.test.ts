import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectEngine, collectSeries } from '../../src/lib/bench/collect.js';
import { connect } from '../../src/lib/engines/postgres.js';
import type { WindowUs } from '../../src/lib/metrics/window.js';
import { engineTables } from '../../src/lib/engines/schema.js';
import { COMPARE_CSV_HEADER } from '../../src/lib/results/figures.js';
import type { RunRecord } from '../../src/lib/results/record.js';
import { json, runCli, runFolders, untilNewRun } from '../support/cli.js';
import { e2eStack } from '../support/stack.js';
import { expectOneHostClock } from '../support/clock.js';
import { CoinbaseStandin } from '../support/coinbase-standin.js';

const { stateDir, resultsDir, stackArgs, config } = e2eStack('run', 22092);
// Timings on a loaded 2-core machine are noisy; the run must not be declared invalid for that here.
const runArgs = [
  ...stackArgs,
  '--results-dir',
  resultsDir,
  '--schedule-lag-bound',
  '2s',
  '--drain-timeout',
  '90s',
];

describe('crypto-bench run and compare', () => {
  let run: RunRecord;

  beforeAll(async () => {
    const up = await runCli(['up', ...stackArgs, '--json']);
    expect(up.code, `${up.stdout}\n${up.stderr}`).toBe(0);
  });

  afterAll(async () => {
    await runCli(['down', '--state-dir', stateDir, '--volumes', '--yes']);
  });

  it('measures every engine on a synthetic load and saves the result', async () => {
    const result = await runCli([
      'run',
      ...runArgs,
      '--duration',
      '20s',
      '--rate',
      '500',
      '--warmup',
      '4s',
      '--json',
    ]);
    expect(result.code, result.stderr).toBe(0);
    run = json<{ runs: RunRecord[] }>(result).runs[0] as RunRecord;
    expect(run.status).toBe('complete');
    expect(run.steadyState).toMatchObject({ chosenBy: 'warmup-flag', steadyStateStartOffsetMs: 4000 });
    expect(run.producer?.sentEvents).toBe(10_000);
    for (const file of ['run.json', 'latency.csv', 'timeseries.csv', 'report.html']) {
      expect(readFileSync(path.join(resultsDir, run.runId, file), 'utf8').length).toBeGreaterThan(0);
    }
  });

  it("records PostgreSQL's clock offset at the start and end with an uncertainty: ~0 on one host, nothing applied", async () => {
    expectOneHostClock(run);
    const saved = JSON.parse(readFileSync(path.join(resultsDir, run.runId, 'run.json'), 'utf8')) as RunRecord;
    expect(saved.clock).toEqual(run.clock);
    const summary = await runCli(['compare', run.runId, '--results-dir', resultsDir]);
    expect(summary.stdout).toMatch(
      /clock offset \S+ ms ± \d+\.\d\d ms \(one host: same clock, nothing applied/,
    );
  });

  it('writes an HTML report of the newest run with report, the latency CDF of every engine in it', async () => {
    const result = await runCli(['report', '--results-dir', resultsDir, '--json']);
    expect(result.code, result.stderr).toBe(0);
    const report = json<{ file: string; kind: string; ids: string[] }>(result);
    expect(report).toMatchObject({ kind: 'runs', ids: [run.runId] });
    const html = readFileSync(report.file, 'utf8');
    expect(html).toContain('End-to-end latency, cumulative distribution');
    for (const engine of run.config.engines) expect(html).toContain(`>${engine}</text>`);
  });

  it('counts add up for every engine: produced = committed + missing, nothing missing', () => {
    for (const [engine, result] of Object.entries(run.engines)) {
      const c = result?.completeness;
      expect(c?.producedRows, engine).toBe(10_000);
      expect((c?.committedDistinctRows ?? 0) + (c?.missingRows ?? 0), engine).toBe(c?.producedRows);
      expect(c?.missingRows, engine).toBe(0);
      // Committed rows per second of the window: an engine behind its load (Spark's first micro-batches after
      // `up`, with gold on, on 2 cores) commits fewer than offered there and the rest in the drain; one that
      // catches up on a backlog in the window commits more than 500/s there. Never more rows than were produced.
      const windowSeconds = ((run.window?.endUs ?? 0) - (run.window?.startUs ?? 0)) / 1e6;
      expect(result?.throughputEventsPerSec, engine).toBeGreaterThan(0);
      expect((result?.throughputEventsPerSec ?? 0) * windowSeconds, engine).toBeLessThanOrEqual(10_000);
    }
  });

  it("agrees with PostgreSQL's own percentile_cont on p50 and p99 within the histogram's precision", async () => {
    const client = await connect(config);
    try {
      for (const [engine, result] of Object.entries(run.engines)) {
        const db = await client.query<{ p50: number; p99: number; n: string }>(
          `SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY commit_us - produced_at_us) AS p50,
                  percentile_cont(0.99) WITHIN GROUP (ORDER BY commit_us - produced_at_us) AS p99, count(*) AS n
           FROM ${engineTables(engine as 'spark').timed} WHERE run_id = $1 AND produced_at_us >= $2 AND produced_at_us < $3`,
          [run.runId, run.window?.startUs, run.window?.endUs],
        );
        const row = db.rows[0];
        expect(result?.latency?.count, engine).toBe(Number(row?.n));
        // 3 significant digits: within 0.1% (or 2 µs for tiny values) of the exact value.
        expect(Math.abs((result?.latency?.p50Us ?? 0) - (row?.p50 ?? 0)), engine).toBeLessThanOrEqual(
          Math.max(2, (row?.p50 ?? 0) * 0.001),
        );
        expect(Math.abs((result?.latency?.p99Us ?? 0) - (row?.p99 ?? 0)), engine).toBeLessThanOrEqual(
          Math.max(2, (row?.p99 ?? 0) * 0.001),
        );
      }
    } finally {
      await client.end();
    }
  });

  it("puts commit times on the producer's clock: an offset θ takes exactly θ off end-to-end and sink, nothing off the other stages", async () => {
    const client = await connect(config);
    const offsetUs = 7_000;
    try {
      for (const engine of run.config.engines) {
        const window = run.window as WindowUs;
        const plain = await collectEngine(client, engine, run.runId, window);
        const shifted = await collectEngine(client, engine, run.runId, window, offsetUs);
        for (const [before, after] of [
          [plain.latencies.endToEnd.summarize(), shifted.latencies.endToEnd.summarize()],
          [plain.latencies.stages.sink.summarize(), shifted.latencies.stages.sink.summarize()],
        ] as const) {
          expect(after.count, engine).toBe(before.count);
          expect(after.minUs, engine).toBe((before.minUs as number) - offsetUs);
          expect(after.maxUs, engine).toBe((before.maxUs as number) - offsetUs);
          expect(after.meanUs as number, engine).toBeCloseTo((before.meanUs as number) - offsetUs, 3);
        }
        expect(shifted.latencies.stages.kafka.summarize(), engine).toEqual(
          plain.latencies.stages.kafka.summarize(),
        );
        // The per-second series counts every row once on the shifted clock too: nothing in flight at its end.
        const series = [
          ...(await collectSeries(client, engine, run.runId, window.startUs, offsetUs)).values(),
        ];
        expect(series.at(-1)?.backlogEvents, engine).toBe(0);
      }
    } finally {
      await client.end();
    }
  });

  it('compares the newest run as JSON and CSV with pinned shapes', async () => {
    const asJson = json<{ runs: RunRecord[] }>(
      await runCli(['compare', '--results-dir', resultsDir, '--json']),
    );
    expect(asJson.runs.map((r) => r.runId)).toEqual([run.runId]);
    expect(Object.keys(asJson.runs[0] as object).sort()).toMatchInlineSnapshot(`
      [
        "clock",
        "config",
        "endedAt",
        "engines",
        "environment",
        "gold",
        "producer",
        "restarts",
        "runId",
        "schemaVersion",
        "startedAt",
        "status",
        "statusReasons",
        "steadyState",
        "timeseries",
        "toolVersion",
        "window",
      ]
    `);
    const csv = await runCli(['compare', run.runId, '--results-dir', resultsDir, '--format', 'csv']);
    expect(csv.code, csv.stderr).toBe(0);
    const lines = csv.stdout.trim().split('\n');
    expect(lines[0]).toBe(COMPARE_CSV_HEADER.join(','));
    expect(lines.some((line) => line.startsWith(`${run.runId},complete,flink,latency_e2e_p99_us,us,`))).toBe(
      true,
    );
    const table = await runCli(['compare', '--results-dir', resultsDir]);
    expect(table.stdout).toContain('spark / flink');
  });

  it('names a missing replay file and the fix, without touching the stack', async () => {
    const result = await runCli([
      'run',
      ...runArgs,
      '--source',
      'replay',
      '--file',
      '/nonexistent/ticks.ndjson',
    ]);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('/nonexistent/ticks.ndjson');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('names an unknown run id and lists the known ones', async () => {
    const result = await runCli(['compare', 'no-such-run', '--results-dir', resultsDir]);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain(`No run 'no-such-run'`);
    expect(result.stderr).toContain(run.runId);
  });

  it('runs the engines one at a time on the very same workload with --isolate, then restores the stack', async () => {
    const result = await runCli([
      'run',
      ...runArgs,
      '--duration',
      '8s',
      '--rate',
      '300',
      '--warmup',
      '2s',
      '--isolate',
      '--json',
    ]);
    expect(result.code, result.stderr).toBe(0);
    const isolated = json<{ runs: RunRecord[] }>(result).runs[0] as RunRecord;
    expect(isolated.config.isolate).toBe(true);
    for (const [engine, res] of Object.entries(isolated.engines)) {
      expect(res?.completeness?.producedRows, engine).toBe(2_400);
      expect(res?.completeness?.missingRows, engine).toBe(0);
    }
    const status = json<{ services: { name: string; health: string }[] }>(
      await runCli(['status', '--json', '--state-dir', stateDir]),
    );
    expect(status.services.map((s) => s.name)).toEqual(['postgres', 'kafka', 'spark', 'flink', 'baseline']);
  });

  it('gives a running stack the job settings given to run, restarting only the jobs they change', async () => {
    const pids = async () =>
      Object.fromEntries(
        json<{ services: { name: string; pid?: number }[] }>(
          await runCli(['status', '--json', '--state-dir', stateDir]),
        ).services.map((s) => [s.name, s.pid]),
      );
    const before = await pids();
    const result = await runCli([
      'run',
      ...runArgs,
      '--duration',
      '5s',
      '--rate',
      '200',
      '--warmup',
      '1s',
      '--buffer-timeout',
      '20ms',
      '--baseline-batch-size',
      '500',
      '--json',
    ]);
    expect(result.code, result.stderr).toBe(0);
    const measured = json<{ runs: RunRecord[] }>(result).runs[0] as RunRecord;
    expect(measured.config.jobs).toMatchObject({
      flinkBufferTimeoutMs: 20,
      baselineBatchSize: 500,
      sparkTriggerMs: 0,
    });
    const after = await pids();
    expect(after.spark).toBe(before.spark);
    expect(after.flink).not.toBe(before.flink);
    expect(after.baseline).not.toBe(before.baseline);
    const restored = await runCli([
      'up',
      ...stackArgs,
      '--buffer-timeout',
      '100ms',
      '--baseline-batch-size',
      '1000',
      '--json',
    ]);
    expect(restored.code, restored.stderr).toBe(0);
    const up = json<{ restartedJobs: string[]; jobs: { flinkBufferTimeoutMs: number } }>(restored);
    expect(up.restartedJobs).toEqual(['flink', 'baseline']);
    expect(up.jobs.flinkBufferTimeoutMs).toBe(100);
  });

  it('measures the stack of the state directory on its own ports, whatever --port-base says', async () => {
    const result = await runCli([
      'run',
      '--state-dir',
      stateDir,
      ...runArgs.slice(stackArgs.length),
      '--duration',
      '3s',
      '--rate',
      '100',
      '--warmup',
      '1s',
      '--json',
    ]);
    expect(result.code, result.stderr).toBe(0);
    expect((json<{ runs: RunRecord[] }>(result).runs[0] as RunRecord).producer?.sentEvents).toBe(300);
    const up = await runCli(['up', '--state-dir', stateDir]);
    expect(up.code, up.stderr).toBe(0);
    expect(up.stdout).toContain('already running');
    expect(up.stderr).toContain(`The running stack keeps its kafka port ${config.ports.kafka} (asked 19092)`);
  });

  it('records live ticks from the Coinbase feed and replays them through every engine', async () => {
    const standin = await CoinbaseStandin.start();
    standin.startTrading(20);
    const file = path.join(stateDir, 'ticks.ndjson');
    try {
      const recorded = await runCli([
        'record',
        '--coinbase-ws-url',
        standin.wsUrl,
        '--duration',
        '4s',
        '--out',
        file,
        '--json',
      ]);
      expect(recorded.code, recorded.stderr).toBe(0);
      expect(json<{ ticks: number }>(recorded).ticks).toBeGreaterThan(50);
    } finally {
      await standin.close();
    }
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    const result = await runCli([
      'run',
      ...runArgs,
      '--source',
      'replay',
      '--file',
      file,
      '--speed',
      'max',
      '--duration',
      '10s',
      '--warmup',
      '0s',
      '--json',
    ]);
    expect(result.code, result.stderr).toBe(0);
    const replayed = json<{ runs: RunRecord[] }>(result).runs[0] as RunRecord;
    expect(replayed.producer?.sentEvents).toBe(lines.length - 1);
    for (const [engine, res] of Object.entries(replayed.engines))
      expect(res?.completeness?.missingRows, engine).toBe(0);
  });

  it('polls the Coinbase REST API through rate limits and server errors, and shows them in the summary', async () => {
    const standin = await CoinbaseStandin.start();
    standin.failNextRest({ kind: 'rate-limit', retryAfter: '1' }, 2);
    standin.failNextRest({ kind: 'server-error', status: 503 }, 2);
    try {
      // A 6 s run not ended after 4 minutes hangs: fail then, with its output, not at vitest's limit.
      const result = await runCli(
        [
          'run',
          ...runArgs,
          '--source',
          'coinbase-rest',
          '--coinbase-rest-url',
          standin.restUrl,
          '--interval',
          '500ms',
          '--duration',
          '6s',
          '--warmup',
          '0s',
        ],
        { timeoutMs: 240_000 },
      );
      expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(0);
      expect(result.stdout).toMatch(/source: .*HTTP 429 \(rate limited\).*HTTP 5xx/);
    } finally {
      await standin.close();
    }
  });

  it('saves what was measured when interrupted with Ctrl-C, marked interrupted', async () => {
    const before = runFolders(resultsDir);
    const child = spawn(
      process.execPath,
      ['bin/run.js', 'run', ...runArgs, '--duration', '60s', '--rate', '200', '--json'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    // Ctrl-C once the run is under way (its record is on disk from the start), not after a fixed time: on a
    // loaded machine the CLI may take longer than that to start, and a Ctrl-C before then is not this test.
    await untilNewRun(resultsDir, before);
    await new Promise((resolve) => setTimeout(resolve, 8_000));
    child.kill('SIGINT');
    const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
    expect(code).toBe(130);
    const interrupted = (JSON.parse(stdout) as { runs: RunRecord[] }).runs[0] as RunRecord;
    expect(interrupted.status).toBe('interrupted');
    expect(interrupted.producer?.sentEvents).toBeGreaterThan(0);
    expect(interrupted.engines.flink?.completeness?.committedDistinctRows).toBeGreaterThan(0);
    const saved = JSON.parse(
      readFileSync(path.join(resultsDir, interrupted.runId, 'run.json'), 'utf8'),
    ) as RunRecord;
    expect(saved.status).toBe('interrupted');
  });
});
