import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULTS, ENGINES } from '../../src/lib/config/defaults.js';
import { resolveStackConfig } from '../../src/lib/config/stack-config.js';
import { connectProducer } from '../../src/lib/engines/kafka.js';
import { connect, ensurePassword } from '../../src/lib/engines/postgres.js';
import { waitUntilConsuming, type ConsumeWatch } from '../../src/lib/engines/probe.js';
import { engineTables } from '../../src/lib/engines/schema.js';
import { nowUs } from '../../src/lib/producer/clock.js';
import { encodeEvent, EVENT_SCHEMA_VERSION, type TickEvent } from '../../src/lib/producer/event.js';
import { composePlan, type ComposeResult } from '../../src/lib/runtime/docker/compose-file.js';
import { containerSpec, rolesOf } from '../../src/lib/runtime/docker/topology.js';
import { isListening } from '../../src/lib/runtime/ports.js';
import { json, runCli } from '../support/cli.js';
import { e2ePortOffset, e2eStack } from '../support/stack.js';

const run = promisify(execFile);
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
// A base image made without a registry (test/support/docker-engine.sh); users get a public JRE 17 image.
const BASE_IMAGE = 'crypto-bench/debian:bookworm';
const PROJECT = 'cb-e2e-compose';
const PORT_BASE = 26092 + e2ePortOffset();

// The state directory holds the compose file and, next to it, the password the stack and this test share.
const { stateDir, config } = e2eStack('compose', 26092);
const file = path.join(stateDir, 'docker-compose.yml');
// Host networking: every connection of the test stays on 127.0.0.1 (no traffic to container addresses).
const composeFlags = ['--network', 'host', '--port-base', String(PORT_BASE), '--base-image', BASE_IMAGE];
// The stack's five ports, and the two after them that the Spark master and Flink's RPC take.
const PORTS = [...Object.values(config.ports), PORT_BASE + 5, PORT_BASE + 6];
const EVENTS = 300;

const dockerCompose = (args: string[], timeoutMs = 120_000) =>
  run('docker', ['compose', '-p', PROJECT, '-f', file, ...args], {
    cwd: ROOT,
    timeout: timeoutMs,
    maxBuffer: 64 * 1024 * 1024,
  });

/** Objects of the compose project that are left on the engine: containers, networks or volumes. */
async function leftOver(kind: 'container' | 'network' | 'volume'): Promise<string[]> {
  const list = kind === 'container' ? ['ps', '-a'] : [kind, 'ls'];
  const filter = `label=com.docker.compose.project=${PROJECT}`;
  const { stdout } = await run('docker', [...list, '-q', '--filter', filter]);
  return stdout.split('\n').filter(Boolean);
}

describe('the compose file, run with docker compose', () => {
  let generated: ComposeResult;
  let upMs = 0;

  beforeAll(async () => {
    // Docker engine, base image and Compose v2 when this machine has none of them (idempotent).
    await run('bash', [path.join(ROOT, 'test/support/docker-compose.sh'), BASE_IMAGE], { timeout: 900_000 });
    const result = await runCli(['compose', ...composeFlags, '--output', file, '--json']);
    expect(result.code, result.stderr).toBe(0);
    generated = json<ComposeResult>(result);
    ensurePassword(stateDir);
    await dockerCompose(['down', '--volumes'], 180_000);
  }, 900_000);

  afterAll(async () => {
    await dockerCompose(['down', '--volumes'], 180_000).catch(() => undefined);
  });

  it('writes the file of the stack `up --runtime docker` would start, and refuses --cpus', async () => {
    expect(generated).toEqual({
      file,
      services: [
        'postgres',
        'kafka',
        'topic',
        'spark-master',
        'spark-worker',
        'flink-jobmanager',
        'flink-taskmanager',
        'flink-submit',
        'spark-driver',
        'baseline',
      ],
    });
    const cpus = await runCli(['compose', ...composeFlags, '--cpus', 'spark=1']);
    expect(cpus.code).toBe(2);
    expect(cpus.stderr).toContain('--cpus cannot be expressed in a compose file');
    expect(cpus.stderr).toContain('crypto-bench up --runtime docker --cpus');
  });

  it("reads back every service's command and environment as the docker runtime has them", async () => {
    const { stdout } = await dockerCompose(['config', '--format', 'json']);
    const services = (JSON.parse(stdout) as { services: Record<string, Record<string, unknown>> }).services;
    const dockerConfig = resolveStackConfig({
      runtime: 'docker',
      network: 'host',
      'port-base': PORT_BASE,
      'base-image': BASE_IMAGE,
    });
    const plan = composePlan(dockerConfig);
    for (const role of rolesOf(dockerConfig)) {
      const spec = containerSpec(plan, role);
      expect(services[role]?.command, role).toEqual(spec.cmd);
      expect(services[role]?.environment ?? {}, role).toEqual(spec.env);
      expect(services[role]?.network_mode, role).toBe('host');
    }
  });

  it("comes up with docker compose up, and every engine's job consumes and commits", async () => {
    const begin = Date.now();
    await dockerCompose(['up', '--detach', '--build'], 600_000);
    const composeUpMs = Date.now() - begin;
    await waitUntilConsuming(config, [...ENGINES], Date.now() + 300_000, composeWatch());
    upMs = Date.now() - begin;
    console.info(
      `docker compose up: ${(composeUpMs / 1000).toFixed(1)} s (images and start order); every job consuming after ${(upMs / 1000).toFixed(1)} s`,
    );
  });

  it("commits every event produced exactly once to each engine's table", async () => {
    expect(upMs, 'the stack came up').toBeGreaterThan(0);
    const runId = `compose-e2e-${Date.now()}`;
    const producer = await connectProducer(config);
    try {
      const messages = Array.from({ length: EVENTS }, (_, seq) => {
        const at = nowUs();
        const event: TickEvent = {
          v: EVENT_SCHEMA_VERSION,
          run_id: runId,
          seq,
          symbol: DEFAULTS.pairs[seq % DEFAULTS.pairs.length] as string,
          price: (60_000 + seq).toFixed(2),
          size: '0.01',
          event_time: at,
          intended_at: at,
          produced_at: at,
        };
        return { partition: seq % DEFAULTS.topicPartitions, key: event.symbol, value: encodeEvent(event) };
      });
      await producer.send({ topic: DEFAULTS.topic, acks: -1, messages });
    } finally {
      await producer.disconnect();
    }
    const committed = await committedRows(runId, Date.now() + 120_000);
    expect(committed).toEqual(
      Object.fromEntries(ENGINES.map((engine) => [engine, { rows: EVENTS, distinct: EVENTS }])),
    );
  });

  it('goes down with docker compose down -v, leaving no container, network, volume or listening port', async () => {
    await dockerCompose(['down', '--volumes'], 180_000);
    expect(await leftOver('container')).toEqual([]);
    expect(await leftOver('network')).toEqual([]);
    expect(await leftOver('volume')).toEqual([]);
    for (const port of PORTS) expect(await isListening(port, '127.0.0.1'), `port ${port}`).toBe(false);
  });
});

/** Rows each engine committed for a run, and distinct sequence numbers among them, once all are in or at the deadline. */
async function committedRows(runId: string, deadlineMs: number) {
  const client = await connect(config);
  try {
    for (;;) {
      const counts: Record<string, { rows: number; distinct: number }> = {};
      for (const engine of ENGINES) {
        const { rows } = await client.query<{ rows: string; distinct: string }>(
          `SELECT count(*) AS rows, count(DISTINCT seq) AS distinct FROM ${engineTables(engine).raw} WHERE run_id = $1`,
          [runId],
        );
        counts[engine] = { rows: Number(rows[0]?.rows), distinct: Number(rows[0]?.distinct) };
      }
      if (Object.values(counts).every((c) => c.rows >= EVENTS) || Date.now() > deadlineMs) return counts;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  } finally {
    await client.end();
  }
}

/**
 * How `waitUntilConsuming` watches a compose stack: every 5 s at most, a service that stopped (or a one-shot
 * that failed) ends the wait with its last log lines.
 */
function composeWatch(): ConsumeWatch {
  const serviceOf = { spark: 'spark-driver', flink: 'flink-jobmanager', baseline: 'baseline' };
  let checkedAt = 0;
  return {
    assertAlive: async () => {
      if (Date.now() - checkedAt < 5000) return;
      checkedAt = Date.now();
      const { stdout } = await dockerCompose(['ps', '--all', '--format', 'json']);
      for (const line of stdout.split('\n').filter(Boolean)) {
        const c = JSON.parse(line) as { Service: string; State: string; ExitCode: number };
        const oneShot = c.Service === 'topic' || c.Service === 'flink-submit';
        if (oneShot ? c.State === 'exited' && c.ExitCode !== 0 : c.State !== 'running') {
          const { stdout: logs } = await dockerCompose(['logs', '--tail', '30', c.Service]);
          throw new Error(`${c.Service} is ${c.State} (exit code ${c.ExitCode}):\n${logs}`);
        }
      }
    },
    logHint: (engine) => `docker compose -p ${PROJECT} -f ${file} logs ${serviceOf[engine]}`,
  };
}
