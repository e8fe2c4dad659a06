import { readFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countRedeliveries } from '../../src/lib/bench/collect.js';
import type { DeliveryGuarantee } from '../../src/lib/config/defaults.js';
import { connectProducer } from '../../src/lib/engines/kafka.js';
import { connect } from '../../src/lib/engines/postgres.js';
import { engineTables } from '../../src/lib/engines/schema.js';
import { nowUs } from '../../src/lib/producer/clock.js';
import { encodeEvent, type TickEvent } from '../../src/lib/producer/event.js';
import { mulberry32 } from '../../src/lib/producer/prng.js';
import { startJobs } from '../../src/lib/runtime/stack.js';
import { readState, statePaths } from '../../src/lib/runtime/state.js';
import { runCli } from '../support/cli.js';
import { e2eStack } from '../support/stack.js';

const { stateDir, stackArgs, config } = e2eStack('delivery', 31092);
const RAW = engineTables('flink').raw;
/** Events before the last checkpoint, and between it and the kill. */
const BATCH = 100;
const SEED = 7;
/** Long enough that the kill surely falls between the second batch's write and the next checkpoint. */
const CHECKPOINT_INTERVAL = '30s';

/**
 * The same seeded events for every mode, under a run id of their own. `first` numbers the seqs of a batch.
 */
function events(runId: string, first: number, count: number): TickEvent[] {
  const random = mulberry32(SEED + first);
  return Array.from({ length: count }, (_, i) => {
    const at = nowUs();
    return {
      v: 1,
      run_id: runId,
      seq: first + i,
      symbol: 'ETH-USD',
      price: (3000 + random() * 10).toFixed(2),
      size: (random() * 2).toFixed(4),
      event_time: at,
      intended_at: at,
      produced_at: at,
    };
  });
}

async function produce(batch: TickEvent[]): Promise<void> {
  const producer = await connectProducer(config);
  try {
    await producer.send({
      topic: 'crypto_prices',
      acks: -1,
      messages: batch.map((e) => ({ partition: e.seq % 3, value: encodeEvent(e) })),
    });
  } finally {
    await producer.disconnect();
  }
}

describe('a Flink job killed between its write and its checkpoint', () => {
  let client: pg.Client;

  beforeAll(async () => {
    const up = await runCli([
      'up',
      ...stackArgs,
      '--engines',
      'flink',
      '--no-gold',
      '--checkpoint-interval',
      CHECKPOINT_INTERVAL,
    ]);
    expect(up.code, `${up.stdout}\n${up.stderr}`).toBe(0);
    client = await connect(config);
  });

  afterAll(async () => {
    await client?.end();
    await runCli(['down', '--state-dir', stateDir, '--volumes', '--yes']);
  });

  const rows = async (runId: string) =>
    Number((await client.query(`SELECT count(*) AS n FROM ${RAW} WHERE run_id = $1`, [runId])).rows[0].n);

  /**
   * Starts the job in `mode`; lands one batch and waits for a checkpoint after it; writes a second batch; kills
   * the job (SIGKILL) before the next checkpoint; restarts it as `sweep` does; returns the duplicate deliveries
   * the database counted once every row is there.
   */
  async function killBetweenWriteAndCheckpoint(mode: DeliveryGuarantee): Promise<number> {
    const runId = `e2e-delivery-${mode}-${Date.now()}`;
    const set = await runCli(['up', ...stackArgs, '--engines', 'flink', '--delivery', mode]);
    expect(set.code, `${set.stdout}\n${set.stderr}`).toBe(0);
    await waitFor(async () => (await latestCheckpoint()) !== undefined, 'a first checkpoint of the job');

    await produce(events(runId, 0, BATCH));
    await waitFor(async () => (await rows(runId)) === BATCH, 'the first batch');
    const landedMs = Date.now();
    await waitFor(
      async () => ((await latestCheckpoint())?.trigger_timestamp ?? 0) > landedMs,
      'a checkpoint after the first batch',
    );
    const checkpoint = await latestCheckpoint();

    await produce(events(runId, BATCH, BATCH));
    if (mode === 'at-least-once') {
      await waitFor(async () => (await rows(runId)) === 2 * BATCH, 'the second batch');
    } else {
      // Exactly-once rows stay invisible in their XA transaction until the checkpoint: give the sink time to
      // write them there (it flushes every 200 ms).
      await sleep(3000);
      expect(await rows(runId), 'rows of the open transaction are not visible').toBe(BATCH);
    }
    expect((await latestCheckpoint())?.id, 'no checkpoint since the second batch').toBe(checkpoint?.id);
    const pid = readState(stateDir)?.services.flink?.pid;
    expect(pid).toBeGreaterThan(0);
    process.kill(pid as number, 'SIGKILL');

    await startJobs(stateDir, ['flink'], { timeoutMs: 300_000 });
    await waitFor(async () => (await rows(runId)) === 2 * BATCH, 'every row after the restart');
    // Replays land with the rows they repeat; give any late one a moment.
    await sleep(2000);
    return countRedeliveries(client, 'flink', runId);
  }

  it(
    'delivers every row once in exactly-once mode, and counts the replayed rows in at-least-once mode',
    { timeout: 1_500_000 },
    async () => {
      const atLeastOnce = await killBetweenWriteAndCheckpoint('at-least-once');
      const exactlyOnce = await killBetweenWriteAndCheckpoint('exactly-once');
      console.info(
        `duplicate deliveries after a kill between write and checkpoint: at-least-once ${atLeastOnce}, exactly-once ${exactlyOnce} (${BATCH} rows written after the last checkpoint)`,
      );
      expect(exactlyOnce).toBe(0);
      expect(atLeastOnce).toBeGreaterThan(0);
      expect(atLeastOnce).toBeLessThanOrEqual(BATCH);
      const log = readFileSync(path.join(statePaths(stateDir).logs, 'flink.log'), 'utf8');
      expect(log).toMatch(/delivery=exactly-once/);
    },
  );
});

/** The newest completed checkpoint of the running Flink job, from its REST API. */
async function latestCheckpoint(): Promise<{ id: number; trigger_timestamp: number } | undefined> {
  const base = `http://127.0.0.1:${config.ports.flinkUi}`;
  try {
    const overview = (await (await fetch(`${base}/jobs/overview`)).json()) as {
      jobs: { jid: string; state: string }[];
    };
    const running = overview.jobs.find((job) => job.state === 'RUNNING');
    if (!running) return undefined;
    const checkpoints = (await (await fetch(`${base}/jobs/${running.jid}/checkpoints`)).json()) as {
      latest?: { completed?: { id: number; trigger_timestamp: number } | null };
    };
    return checkpoints.latest?.completed ?? undefined;
  } catch {
    return undefined;
  }
}

async function waitFor(check: () => Promise<boolean>, what: string, timeoutMs = 180_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(500);
  }
}
