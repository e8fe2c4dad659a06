import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSentEvents } from '../../src/lib/bench/gold-read.js';
import { DEFAULTS } from '../../src/lib/config/defaults.js';
import { kafkaAddress } from '../../src/lib/engines/kafka.js';
import { connect } from '../../src/lib/engines/postgres.js';
import { engineTables } from '../../src/lib/engines/schema.js';
import { nowUs } from '../../src/lib/producer/clock.js';
import { produce } from '../../src/lib/producer/producer.js';
import { connectSender } from '../../src/lib/producer/senders.js';
import { SyntheticSource } from '../../src/lib/producer/synthetic.js';
import type { RunRecord } from '../../src/lib/results/record.js';
import type { StackStatus } from '../../src/lib/runtime/types.js';
import { json, runCli, type CliResult } from '../support/cli.js';
import { e2eStack } from '../support/stack.js';

const { stateDir, resultsDir, stackArgs, config } = e2eStack('producer', 29592);
// The README's first command's configuration (1,000 events/s, Spark, Flink and the baseline in parallel, gold
// on, the default 50 ms schedule-lag bound), shortened to a minute.
// The window is set (--warmup): these runs judge the producer, not whether MSER-5 finds Spark steady in 60 s.
const readmeRun = [
  'run',
  ...stackArgs,
  '--results-dir',
  resultsDir,
  '--duration',
  '60s',
  '--rate',
  '1000',
  '--warmup',
  '20s',
];

/**
 * The lag goal (p99 ≤ 5 ms; the run's bound is 50 ms) is a figure for the benchmark on a quiet machine, not a
 * timed assertion: what the test holds is that the run says so — complete exactly when the producer kept its
 * schedule within the bound, invalid with that reason when it did not — and every event offered was sent.
 */
function expectHonestVerdict(run: RunRecord): void {
  const lagP99Us = run.producer?.scheduleLag.p99Us ?? Number.POSITIVE_INFINITY;
  expect(run.producer?.sentEvents).toBe(60_000);
  if (lagP99Us <= 50_000) expect(run.status, run.statusReasons.join('; ')).toBe('complete');
  else {
    expect(run.status).toBe('invalid');
    expect(run.statusReasons.join(' ')).toContain('fell behind its schedule');
  }
}

async function measured(result: CliResult): Promise<RunRecord> {
  const run = json<{ runs: RunRecord[] }>(result).runs[0] as RunRecord;
  const lag = run.producer?.scheduleLag;
  const ms = (us: number | null | undefined) => `${((us ?? 0) / 1000).toFixed(2)} ms`;
  // The goal is a p99 of 5 ms; the test holds the default bound. Print what this machine gave.
  console.log(
    `${run.runId} ${run.status}: schedule lag p50 ${ms(lag?.p50Us)}, p99 ${ms(lag?.p99Us)}, max ${ms(lag?.maxUs)} (${run.config.producers} producer thread(s)) ${run.statusReasons.join('; ')}`,
  );
  return run;
}

function burnOneCore(): ChildProcess {
  return spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' });
}

describe('the producer threads', () => {
  beforeAll(async () => {
    const up = await runCli(['up', ...stackArgs, '--json']);
    expect(up.code, `${up.stdout}\n${up.stderr}`).toBe(0);
  });

  afterAll(async () => {
    await runCli(['down', '--state-dir', stateDir, '--volumes', '--yes']);
  });

  it("judge the README's first command by its schedule lag: 1,000 events/s beside Spark, Flink and the baseline", async () => {
    const result = await runCli([...readmeRun, '--json']);
    const run = await measured(result);
    expect(run.config).toMatchObject({ producers: 1, partitions: 3, symbols: 5 });
    expectHonestVerdict(run);
  });

  it('judge it the same with a process busy-looping on one core beside it', async () => {
    const burner = burnOneCore();
    try {
      const result = await runCli([...readmeRun, '--json']);
      expectHonestVerdict(await measured(result));
    } finally {
      burner.kill('SIGKILL');
    }
  });

  it('refuses a producer count the run cannot use, naming the flag, before anything starts', async () => {
    const none = await runCli([...readmeRun, '--producers', '0']);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/--producers 0: at least one producer/);
    const tooMany = await runCli([...readmeRun, '--producers', '3']);
    expect(tooMany.code).toBe(2);
    expect(tooMany.stderr).toMatch(/--producers 3: .* use --producers 1/);
    expect(tooMany.stderr).not.toMatch(/\n\s+at /);
  });

  it('refuses partitions other than those of the running topic, naming the fix', async () => {
    const result = await runCli([...readmeRun, '--partitions', '6']);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/The topic crypto_prices has 3 partitions, but 6 were asked for/);
    expect(result.stderr).toMatch(/down --volumes/);
  });

  it('keep every symbol in order and lose nothing with five sends in flight, across a kill of the broker', async () => {
    const sender = await connectSender('platformatic', {
      brokers: [kafkaAddress(config)],
      topic: DEFAULTS.topic,
    });
    expect(sender.maxConcurrentSends).toBe(5);
    const runId = `in-flight-${Date.now()}`;
    const firstUs = nowUs();
    // 20 s at 2,000 events/s in batches of at most 20 events: five sends in flight nearly all the time.
    const producing = produce({
      sender,
      runId,
      source: new SyntheticSource({ pairs: DEFAULTS.pairs, rateEventsPerSec: 2_000, seed: 5, count: 40_000 }),
      partitions: DEFAULTS.topicPartitions,
      maxBatchEvents: 20,
      maxInFlightSends: 5,
    });
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    const broker = json<StackStatus>(
      await runCli(['status', '--state-dir', stateDir, '--json']),
    ).services.find((service) => service.name === 'kafka');
    expect(broker?.pid).toBeGreaterThan(0);
    process.kill(broker?.pid as number, 'SIGKILL');
    const report = await producing;
    await sender.close();
    expect(report.sent + report.failed).toBe(40_000);
    const events = await readSentEvents(config, runId, firstUs);
    // Every acknowledged event is in the topic once; a failed batch may be there too (its acknowledgement was lost).
    const seqs = new Set(events.map((event) => event.seq));
    expect(seqs.size).toBe(events.length);
    expect(events.length).toBeGreaterThanOrEqual(report.sent);
    const bySymbol = new Map<string, number[]>();
    for (const event of events) {
      const symbolSeqs = bySymbol.get(event.symbol) ?? [];
      if (symbolSeqs.length === 0) bySymbol.set(event.symbol, symbolSeqs);
      symbolSeqs.push(event.seq);
    }
    for (const [symbol, symbolSeqs] of bySymbol) {
      expect(symbolSeqs, symbol).toEqual([...symbolSeqs].sort((a, b) => a - b));
    }
    console.log(
      `five in flight across a broker kill: ${report.sent} sent, ${report.failed} failed, ${events.length} in the topic`,
    );
  });

  it('spread the events of more symbols over a topic of more partitions, every partition used', async () => {
    await runCli(['down', '--state-dir', stateDir, '--volumes', '--yes']);
    const up = await runCli(['up', ...stackArgs, '--engines', 'baseline', '--partitions', '6', '--json']);
    expect(up.code, up.stderr).toBe(0);
    const result = await runCli([
      'run',
      ...stackArgs,
      '--results-dir',
      resultsDir,
      '--engines',
      'baseline',
      '--duration',
      '10s',
      '--rate',
      '600',
      '--symbols',
      '12',
      '--schedule-lag-bound',
      '2s',
      '--warmup',
      '2s',
      '--json',
    ]);
    const run = await measured(result);
    expect(run.status, result.stderr).toBe('complete');
    expect(run.config).toMatchObject({ partitions: 6, symbols: 12 });
    expect(run.config.pairs.slice(4, 7)).toEqual(['DOGE-USD', 'SYM06-USD', 'SYM07-USD']);
    const client = await connect(config);
    try {
      const rows = await client.query<{ partition: number; symbols: string; events: string }>(
        `SELECT kafka_partition AS partition, count(DISTINCT symbol) AS symbols, count(*) AS events
         FROM ${engineTables('baseline').raw} WHERE run_id = $1 GROUP BY 1 ORDER BY 1`,
        [run.runId],
      );
      expect(rows.rows.map((row) => [row.partition, Number(row.symbols), Number(row.events)])).toEqual(
        [0, 1, 2, 3, 4, 5].map((partition) => [partition, 2, 1_000]),
      );
    } finally {
      await client.end();
    }
  });
});
