import type { Producer } from 'kafkajs';
import type pg from 'pg';
import { DEFAULTS, type Engine } from '../config/defaults.js';
import { nowUs } from '../producer/clock.js';
import { encodeEvent, EVENT_SCHEMA_VERSION, type TickEvent } from '../producer/event.js';
import { engineTables } from './schema.js';

/** Run id prefix of health probes; results never count them. */
export const PROBE_RUN_PREFIX = 'probe-';

/**
 * Sends one probe event to every partition. A job is healthy when the probe rows of every partition have
 * been committed to its table: it is consuming the whole topic and writing end to end.
 */
export async function sendProbe(producer: Producer, runId: string, firstSeq: number): Promise<number> {
  const at = nowUs();
  const messages = Array.from({ length: DEFAULTS.topicPartitions }, (_, partition) => {
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
  await producer.send({ topic: DEFAULTS.topic, acks: -1, messages });
  return firstSeq + messages.length;
}

/** Engines whose table holds a probe row from every partition. */
export async function enginesThatSawProbe(
  client: pg.Client,
  runId: string,
  engines: Engine[],
): Promise<Engine[]> {
  const seen: Engine[] = [];
  for (const engine of engines) {
    const result = await client.query<{ partitions: string }>(
      `SELECT count(DISTINCT kafka_partition) AS partitions FROM ${engineTables(engine).raw} WHERE run_id = $1`,
      [runId],
    );
    if (Number(result.rows[0]?.partitions) >= DEFAULTS.topicPartitions) seen.push(engine);
  }
  return seen;
}
