import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { DEFAULTS } from '../config/defaults.js';
import type { StackConfig } from '../config/stack-config.js';
import { kafkaClient } from '../engines/kafka.js';
import type { WrittenGoldRow } from '../metrics/gold-check.js';
import { normalizeDecimal, type GoldEvent } from '../metrics/gold.js';

/** Longest read of a run's events back from Kafka. */
const READ_TIMEOUT_MS = 180_000;

/**
 * A producer's gold rows of one run, each with the commit time of its current version: `xmin` of the row as it
 * is now is the transaction of its last write (an upsert's update makes a new version), so this is when its
 * final version became visible.
 */
export async function readGoldRows(
  client: pg.Client,
  table: string,
  runId: string,
): Promise<WrittenGoldRow[]> {
  const result = await client.query<{
    start_us: string;
    symbol: string;
    open: string;
    high: string;
    low: string;
    close: string;
    trade_count: string;
    volume: string;
    avg_price: string;
    vwap: string | null;
    price_stddev: number | null;
    write_count: number;
    commit_us: string | null;
  }>(
    `SELECT (extract(epoch FROM window_start) * 1000000)::bigint AS start_us, symbol, open::text, high::text,
       low::text, close::text, trade_count, volume::text, avg_price::text, vwap::text, price_stddev, write_count,
       (extract(epoch FROM pg_xact_commit_timestamp(xmin)) * 1000000)::bigint AS commit_us
     FROM ${table} WHERE run_id = $1`,
    [runId],
  );
  return result.rows.map((row) => ({
    windowStartUs: Number(row.start_us),
    symbol: row.symbol,
    values: {
      open: normalizeDecimal(row.open),
      high: normalizeDecimal(row.high),
      low: normalizeDecimal(row.low),
      close: normalizeDecimal(row.close),
      tradeCount: Number(row.trade_count),
      volume: normalizeDecimal(row.volume),
      avgPrice: Number(row.avg_price),
      vwap: row.vwap === null ? null : Number(row.vwap),
      priceStddev: Number(row.price_stddev ?? 0),
    },
    commitUs: row.commit_us === null ? null : Number(row.commit_us),
    writeCount: Number(row.write_count),
  }));
}

/**
 * The truth's source: every event of `runId` in the topic, read back from Kafka from the broker time of the
 * run's first event to the end of each partition: what the producer sent and Kafka acknowledged, whether or not
 * an engine committed it.
 */
export async function readSentEvents(
  stack: StackConfig,
  runId: string,
  firstProducedAtUs: number,
): Promise<GoldEvent[]> {
  const kafka = kafkaClient(stack, 'crypto-bench-gold');
  const admin = kafka.admin();
  await admin.connect();
  const groupId = `crypto-bench-gold-${runId}-${randomBytes(3).toString('hex')}`;
  const consumer = kafka.consumer({ groupId, maxBytes: 16 * 1024 * 1024 });
  const events: GoldEvent[] = [];
  try {
    const topic = DEFAULTS.topic;
    const high = new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, Number(p.high)]));
    // A little before the first event: broker append time and produced_at are on one host's clock.
    const starts = await admin.fetchTopicOffsetsByTimestamp(
      topic,
      Math.floor(firstProducedAtUs / 1000) - 5000,
    );
    const pending = new Map<number, number>();
    for (const { partition, offset } of starts) {
      const end = high.get(partition) ?? 0;
      const start = Number(offset) < 0 ? end : Number(offset);
      if (start < end) pending.set(partition, end);
    }
    if (pending.size === 0) return events;
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const done = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(new Error(`reading the run's events back from Kafka took over ${READ_TIMEOUT_MS / 1000}s`)),
        READ_TIMEOUT_MS,
      );
      void consumer.run({
        autoCommit: false,
        eachBatch: async ({ batch }) => {
          const end = pending.get(batch.partition);
          if (end === undefined) return;
          for (const message of batch.messages) {
            if (Number(message.offset) >= end) break;
            const event = toGoldEvent(message.value, runId);
            if (event) events.push(event);
          }
          const last = Number(batch.lastOffset());
          if (last >= end - 1) pending.delete(batch.partition);
          if (pending.size === 0) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
    for (const { partition, offset } of starts) {
      if (pending.has(partition)) consumer.seek({ topic, partition, offset: String(offset) });
    }
    await done;
  } finally {
    await consumer.disconnect().catch(() => undefined);
    await admin.deleteGroups([groupId]).catch(() => undefined);
    await admin.disconnect().catch(() => undefined);
  }
  return events;
}

function toGoldEvent(value: Buffer | null, runId: string): GoldEvent | undefined {
  if (!value) return undefined;
  try {
    const e = JSON.parse(value.toString('utf8')) as Record<string, unknown>;
    if (e['run_id'] !== runId) return undefined;
    return {
      seq: Number(e['seq']),
      symbol: String(e['symbol']),
      price: String(e['price']),
      size: String(e['size']),
      eventTimeUs: Number(e['event_time']),
      producedAtUs: Number(e['produced_at']),
    };
  } catch {
    return undefined; // not an event of this run (malformed records are the engines' dead letters)
  }
}
