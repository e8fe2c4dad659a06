import { readFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectAdmin, connectProducer } from '../../src/lib/engines/kafka.js';
import { connect } from '../../src/lib/engines/postgres.js';
import { engineTables } from '../../src/lib/engines/schema.js';
import { nowUs } from '../../src/lib/producer/clock.js';
import { encodeEvent, type TickEvent } from '../../src/lib/producer/event.js';
import { statePaths } from '../../src/lib/runtime/state.js';
import { runCli } from '../support/cli.js';
import { e2eStack } from '../support/stack.js';

const { stateDir, stackArgs, config } = e2eStack('gold', 24092);
const RUN_ID = `e2e-gold-${Date.now()}`;
const TABLES = engineTables('flink');
const SYMBOL = 'BTC-USD';
const TEN_MINUTES_US = 600_000_000;
// An old 10-minute window, a day back: nothing but this test's events falls into it.
const WINDOW_START_US = Math.floor(nowUs() / TEN_MINUTES_US) * TEN_MINUTES_US - 24 * 3600 * 1_000_000;
const BEFORE_RESTART = 30;
const AFTER_RESTART = 20;

/** Event `seq`, `seq` seconds into the window; each partition gets some. */
function event(seq: number, eventTimeUs = WINDOW_START_US + seq * 1_000_000): TickEvent {
  const at = nowUs();
  return {
    v: 1,
    run_id: RUN_ID,
    seq,
    symbol: SYMBOL,
    price: String(100 + seq),
    size: '1',
    event_time: eventTimeUs,
    intended_at: at,
    produced_at: at,
  };
}

async function produce(events: TickEvent[]): Promise<void> {
  const producer = await connectProducer(config);
  try {
    await producer.send({
      topic: 'crypto_prices',
      acks: -1,
      messages: events.map((e) => ({ partition: e.seq % 3, value: encodeEvent(e) })),
    });
  } finally {
    await producer.disconnect();
  }
}

describe('the Flink job restarted in the middle of a gold window', () => {
  beforeAll(async () => {
    const up = await runCli(['up', ...stackArgs, '--engines', 'flink', '--json']);
    expect(up.code, `${up.stdout}\n${up.stderr}`).toBe(0);
  });

  afterAll(async () => {
    await runCli(['down', '--state-dir', stateDir, '--volumes', '--yes']);
  });

  it('counts the events before and after the restart in the window', async () => {
    const client = await connect(config);
    const rawCount = async () =>
      Number(
        (await client.query(`SELECT count(*) AS n FROM ${TABLES.raw} WHERE run_id = $1`, [RUN_ID])).rows[0].n,
      );
    try {
      await produce(Array.from({ length: BEFORE_RESTART }, (_, seq) => event(seq)));
      await waitFor(async () => (await rawCount()) === BEFORE_RESTART, 'the events before the restart');
      // A checkpoint triggered after every event passed the source holds all of them in the window's state;
      // once the group's offsets are committed past them too, a job that ignored the checkpoint would skip them.
      const landedAtMs = Date.now();
      await waitFor(
        async () => ((await latestCheckpoint())?.trigger_timestamp ?? 0) > landedAtMs,
        'a checkpoint after the first events',
      );
      await waitFor(committedToTheEnd, 'the Flink group to commit its offsets past the first events');

      const restart = await runCli(['up', ...stackArgs, '--engines', 'flink', '--buffer-timeout', '20ms']);
      expect(restart.code, `${restart.stdout}\n${restart.stderr}`).toBe(0);
      expect(restart.stdout).toContain('restarted flink');

      const total = BEFORE_RESTART + AFTER_RESTART;
      await produce(Array.from({ length: AFTER_RESTART }, (_, i) => event(BEFORE_RESTART + i)));
      await waitFor(async () => (await rawCount()) === total, 'the events after the restart');
      // Two hours later: the watermark passes the end of the 10-minute and of the hourly window.
      await produce([event(total, WINDOW_START_US + 2 * 3600 * 1_000_000)]);

      const windowStart = new Date(WINDOW_START_US / 1000);
      const goldCount = async (table: string) => {
        const rows = (
          await client.query(
            `SELECT trade_count FROM ${table} WHERE run_id = $1 AND window_start = $2 AND symbol = $3`,
            [RUN_ID, table === TABLES.goldHourly ? hourOf(windowStart) : windowStart, SYMBOL],
          )
        ).rows;
        return rows.length === 0 ? undefined : Number(rows[0].trade_count);
      };
      await waitFor(async () => (await goldCount(TABLES.gold10min)) !== undefined, 'the 10-minute gold row');
      await waitFor(async () => (await goldCount(TABLES.goldHourly)) !== undefined, 'the hourly gold row');
      const counts = {
        tenMinutes: await goldCount(TABLES.gold10min),
        hourly: await goldCount(TABLES.goldHourly),
      };
      console.info(
        `gold trade counts after a restart: ${JSON.stringify(counts)} of ${total} events (${BEFORE_RESTART} before it)`,
      );
      expect(counts).toEqual({ tenMinutes: total, hourly: total });
    } finally {
      await client.end();
    }
    const log = readFileSync(path.join(statePaths(stateDir).logs, 'flink.log'), 'utf8');
    expect(log).toMatch(/crypto-bench: flink job restores \S+chk-\d+/);
  });
});

/** The newest completed checkpoint of the running Flink job, from its REST API. */
async function latestCheckpoint(): Promise<{ id: number; trigger_timestamp: number } | undefined> {
  const base = `http://127.0.0.1:${config.ports.flinkUi}`;
  const overview = (await (await fetch(`${base}/jobs/overview`)).json()) as {
    jobs: { jid: string; state: string }[];
  };
  const running = overview.jobs.find((job) => job.state === 'RUNNING');
  if (!running) return undefined;
  const checkpoints = (await (await fetch(`${base}/jobs/${running.jid}/checkpoints`)).json()) as {
    latest?: { completed?: { id: number; trigger_timestamp: number } | null };
  };
  return checkpoints.latest?.completed ?? undefined;
}

/** Whether the Flink job's consumer group has committed offsets at the end of every partition. */
async function committedToTheEnd(): Promise<boolean> {
  const admin = await connectAdmin(config);
  try {
    const ends = await admin.fetchTopicOffsets('crypto_prices');
    const [committed] = await admin.fetchOffsets({
      groupId: 'crypto-bench-flink',
      topics: ['crypto_prices'],
    });
    return ends.every(
      (end) => committed?.partitions.find((p) => p.partition === end.partition)?.offset === end.offset,
    );
  } finally {
    await admin.disconnect();
  }
}

function hourOf(date: Date): Date {
  return new Date(Math.floor(date.getTime() / 3_600_000) * 3_600_000);
}

async function waitFor(check: () => Promise<boolean>, what: string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(500);
  }
}
