import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES } from '../../src/lib/config/defaults.js';
import { connectProducer } from '../../src/lib/engines/kafka.js';
import { connect } from '../../src/lib/engines/postgres.js';
import { engineTables } from '../../src/lib/engines/schema.js';
import { nowUs } from '../../src/lib/producer/clock.js';
import { encodeEvent, type TickEvent } from '../../src/lib/producer/event.js';
import { isAlive } from '../../src/lib/runtime/processes.js';
import { isListening } from '../../src/lib/runtime/ports.js';
import type { StackStatus } from '../../src/lib/runtime/types.js';
import { json, runCli } from '../support/cli.js';
import { e2eStack } from '../support/stack.js';

const { stateDir, stackArgs, config } = e2eStack('stack', 21092);
const RUN_ID = `e2e-${Date.now()}`;
const VALID_EVENTS = 1000;
const MALFORMED = [
  'this is not json',
  '{"v":1,"run_id":"bad","seq":1,"symbol":"BTC-USD"',
  '{"v":1,"run_id":"bad","seq":2,"symbol":"BTC-USD","size":"1","event_time":1,"intended_at":1,"produced_at":1}',
  '{"v":1,"run_id":"bad","seq":"three","symbol":"BTC-USD","price":"1","size":"1","event_time":1,"intended_at":1,"produced_at":1}',
];

function event(seq: number): TickEvent {
  const at = nowUs();
  return {
    v: 1,
    run_id: RUN_ID,
    seq,
    symbol: ['BTC-USD', 'ETH-USD', 'SOL-USD'][seq % 3] as string,
    price: '64000.12',
    size: '0.01',
    event_time: at,
    intended_at: at,
    produced_at: at,
  };
}

describe('the embedded stack', () => {
  let status: StackStatus;

  beforeAll(async () => {
    await runCli(['down', '--state-dir', stateDir]);
  });

  afterAll(async () => {
    await runCli(['down', '--state-dir', stateDir, '--volumes', '--yes']);
  });

  it('refuses to start when a port is taken, naming the port and the fix, and leaves nothing running', async () => {
    const blocker = net.createServer().listen(config.ports.kafka, '127.0.0.1');
    await new Promise((resolve) => blocker.once('listening', resolve));
    try {
      const result = await runCli(['up', ...stackArgs]);
      expect(result.code).toBe(4);
      expect(result.stderr).toContain(`Port ${config.ports.kafka} (kafka) on 127.0.0.1 is already in use`);
      expect(result.stderr).toContain('--port-base');
      expect(result.stderr).not.toMatch(/\n\s+at /);
    } finally {
      blocker.close();
    }
    expect(json<StackStatus>(await runCli(['status', '--json', '--state-dir', stateDir])).started).toBe(
      false,
    );
  });

  it('comes up healthy with every service and endpoint', async () => {
    const result = await runCli(['up', ...stackArgs, '--json']);
    status = json<StackStatus & { upMs: number }>(result);
    expect(result.code, result.stderr).toBe(0);
    expect(status.services.map((s) => s.name)).toEqual(['postgres', 'kafka', ...ENGINES]);
    for (const service of status.services) expect(service.health, service.name).toMatch(/healthy|running/);
    expect(status.endpoints?.flinkUi).toBe(`http://127.0.0.1:${config.ports.flinkUi}`);
    console.info(
      `up to healthy: ${(status as StackStatus & { upMs: number }).upMs} ms; stack memory ${(status.totalRssBytes / 2 ** 20).toFixed(0)} MiB`,
    );
  });

  it('lands every valid event exactly once in every raw table, in causal order, and dead-letters the malformed ones', async () => {
    const producer = await connectProducer(config);
    try {
      for (let start = 0; start < VALID_EVENTS; start += 100) {
        const messages = Array.from({ length: 100 }, (_, i) => ({
          partition: (start + i) % 3,
          value: encodeEvent(event(start + i)),
        }));
        await producer.send({ topic: 'crypto_prices', acks: -1, messages });
      }
      await producer.send({
        topic: 'crypto_prices',
        acks: -1,
        messages: MALFORMED.map((value, i) => ({ partition: i % 3, value })),
      });
    } finally {
      await producer.disconnect();
    }
    const client = await connect(config);
    try {
      for (const engine of ENGINES) {
        const t = engineTables(engine);
        await waitFor(
          async () =>
            Number(
              (await client.query(`SELECT count(*) AS n FROM ${t.raw} WHERE run_id = $1`, [RUN_ID])).rows[0]
                .n,
            ) >= VALID_EVENTS,
          `${engine} rows`,
        );
        const counts = await client.query(
          `SELECT count(*) AS n, count(DISTINCT seq) AS distinct_seq, min(seq) AS lo, max(seq) AS hi,
                  count(*) FILTER (WHERE NOT ((produced_at_us / 1000) * 1000 <= kafka_ts_us AND kafka_ts_us <= engine_ts_us AND engine_ts_us <= commit_us)) AS out_of_order
           FROM ${t.timed} WHERE run_id = $1`,
          [RUN_ID],
        );
        expect(counts.rows[0], engine).toEqual({
          n: '1000',
          distinct_seq: '1000',
          lo: '0',
          hi: '999',
          out_of_order: '0',
        });
        await waitFor(
          async () =>
            Number((await client.query(`SELECT count(*) AS n FROM ${t.deadLetters}`)).rows[0].n) >=
            MALFORMED.length,
          `${engine} dead letters`,
        );
        const dead = await client.query(
          `SELECT convert_from(payload, 'UTF8') AS payload, reason FROM ${t.deadLetters}`,
        );
        expect(dead.rows.map((r) => r.payload).sort(), engine).toEqual([...MALFORMED].sort());
        for (const row of dead.rows) expect(row.reason, engine).not.toBe('');
        const latency = await client.query(
          `SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY commit_us - produced_at_us) AS p50,
                  percentile_cont(0.99) WITHIN GROUP (ORDER BY commit_us - produced_at_us) AS p99
           FROM ${t.timed} WHERE run_id = $1`,
          [RUN_ID],
        );
        console.info(
          `${engine}: end-to-end p50 ${(latency.rows[0].p50 / 1000).toFixed(1)} ms, p99 ${(latency.rows[0].p99 / 1000).toFixed(1)} ms over ${VALID_EVENTS} events`,
        );
      }
    } finally {
      await client.end();
    }
  });

  it('keeps every job running after malformed input', async () => {
    const now = json<StackStatus>(await runCli(['status', '--json', '--state-dir', stateDir]));
    for (const service of now.services) expect(service.health, service.name).toMatch(/healthy|running/);
  });

  it('goes down leaving no process and no listening port behind, and a second down is harmless', async () => {
    const result = await runCli(['down', '--state-dir', stateDir, '--json']);
    expect(result.code, result.stderr).toBe(0);
    expect(json<{ stopped: string[] }>(result).stopped.sort()).toEqual(
      ['postgres', 'kafka', ...ENGINES].sort(),
    );
    for (const service of status.services) expect(isAlive(service.pid ?? 0), service.name).toBe(false);
    for (const port of Object.values(config.ports))
      expect(await isListening(port, '127.0.0.1'), `port ${port}`).toBe(false);
    const again = await runCli(['down', '--state-dir', stateDir]);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('Nothing was running');
  });
});

async function waitFor(check: () => Promise<boolean>, what: string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(500);
  }
}
