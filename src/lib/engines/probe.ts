import { setTimeout as sleep } from 'node:timers/promises';
import type { Producer } from 'kafkajs';
import type pg from 'pg';
import type { Engine } from '../config/defaults.js';
import { partitionsOf, type StackConfig } from '../config/stack-config.js';
import { JobFailureError } from '../errors.js';
import { kafkaAccess } from './access.js';
import { connectProducer } from './kafka.js';
import { connect } from './postgres.js';
import { nowUs } from '../producer/clock.js';
import { encodeEvent, EVENT_SCHEMA_VERSION, type TickEvent } from '../producer/event.js';
import { engineTables } from './schema.js';

/** Run id prefix of health probes; results never count them. */
export const PROBE_RUN_PREFIX = 'probe-';

/**
 * Sends one probe event to every partition. A job is healthy when the probe rows of every partition have
 * been committed to its table: it is consuming the whole topic and writing end to end.
 */
export async function sendProbe(
  producer: Producer,
  config: StackConfig,
  runId: string,
  firstSeq: number,
): Promise<number> {
  const at = nowUs();
  const { topic, partitions } = kafkaAccess(config);
  const messages = Array.from({ length: partitions }, (_, partition) => {
    const event: TickEvent = {
      v: EVENT_SCHEMA_VERSION,
      run_id: runId,
      seq: firstSeq + partition,
      symbol: 'PROBE',
      price: '0',
      size: '0',
      event_time: at,
      intended_at: at,
      produced_at: nowUs(),
    };
    return { partition, key: event.symbol, value: encodeEvent(event) };
  });
  await producer.send({ topic, acks: -1, messages });
  return firstSeq + messages.length;
}

/** Engines whose table holds a probe row from every one of the topic's `partitions`. */
export async function enginesThatSawProbe(
  client: pg.Client,
  runId: string,
  engines: Engine[],
  partitions: number,
): Promise<Engine[]> {
  const seen: Engine[] = [];
  for (const engine of engines) {
    const result = await client.query<{ partitions: string }>(
      `SELECT count(DISTINCT kafka_partition) AS partitions FROM ${engineTables(engine).raw} WHERE run_id = $1`,
      [runId],
    );
    if (Number(result.rows[0]?.partitions) >= partitions) seen.push(engine);
  }
  return seen;
}

/** What `waitUntilConsuming` needs from the runtime that runs the jobs. */
export interface ConsumeWatch {
  /** Throws, with the job's last log lines, when an engine's job has died. */
  assertAlive: (engine: Engine) => void | Promise<void>;
  /** Where to look when an engine does not commit in time (its log file, or `status --logs`). */
  logHint: (engine: Engine) => string;
  /** Called with a line saying who has committed and who is awaited. */
  onOutput?: (line: string) => void;
}

/**
 * Waits until every given job has committed a probe event from every partition: it consumes the whole
 * topic, has caught up with everything before the probe (Kafka keeps each partition in order), and writes end
 * to end. Re-sends the probe every 10 s in case a job joined after it.
 */
export async function waitUntilConsuming(
  config: StackConfig,
  engines: Engine[],
  deadlineMs: number,
  watch: ConsumeWatch,
): Promise<void> {
  const producer = await connectProducer(config);
  const client = await connect(config);
  const runId = `${PROBE_RUN_PREFIX}${new Date().toISOString()}`;
  let seq = 0;
  let lastSent = 0;
  try {
    for (;;) {
      for (const engine of engines) await watch.assertAlive(engine);
      if (Date.now() - lastSent > 10_000) {
        seq = await sendProbe(producer, config, runId, seq);
        lastSent = Date.now();
      }
      const ready = await enginesThatSawProbe(client, runId, engines, partitionsOf(config));
      const waiting = engines.filter((engine) => !ready.includes(engine));
      if (waiting.length === 0) return;
      watch.onOutput?.(`committed: ${ready.join(', ') || 'none yet'}; waiting for ${waiting.join(', ')}`);
      if (Date.now() > deadlineMs) {
        const logs = waiting.map((engine) => `${engine}: ${watch.logHint(engine)}`).join('; ');
        throw new JobFailureError(`Timed out waiting for ${waiting.join(', ')} to consume and commit`, {
          suggestions: [`Look at the job logs (${logs})`, 'or give it longer with --timeout'],
        });
      }
      await sleep(500);
    }
  } finally {
    await producer.disconnect();
    await client.end();
  }
}
