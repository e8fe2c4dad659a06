import {
  ConnectionPool,
  createAPI,
  produceV9,
  Writer,
  type ClusterMetadata,
  type ConnectionOptions,
  type Producer,
} from '@platformatic/kafka';
import { describe } from '../errors.js';
import { encodeRecordBatch } from './record-batch.js';

/** Produce v9: the oldest flexible version (Kafka 2.8+); v10 and v11 send the same request bytes. */
const PRODUCE_VERSION = 9;
/** Milliseconds the broker may wait for the in-sync replicas (the client's default `timeout`). */
const ACK_TIMEOUT_MS = 5000;

/** One partition's encoded batch and the events in it. */
interface PartitionBatch {
  partition: number;
  records: Buffer;
  count: number;
}

/**
 * A Produce request with already encoded record batches of one topic, written as `@platformatic/kafka`'s own
 * Produce v9–v11 request is (transactional id null, acks, timeout, one topic, its partitions).
 */
function createProduceRequest(
  acks: number,
  timeoutMs: number,
  topic: string,
  batches: PartitionBatch[],
): Writer {
  return Writer.create()
    .appendString(null)
    .appendInt16(acks)
    .appendInt32(timeoutMs)
    .appendArray([topic], (w, name) => {
      w.appendString(name).appendArray(batches, (pw, batch) => {
        pw.appendInt32(batch.partition)
          .appendUnsignedVarInt(batch.records.length + 1)
          .append(batch.records);
      });
    })
    .appendTaggedFields();
}

const produceApi = createAPI<[number, number, string, PartitionBatch[]], unknown>(
  0,
  PRODUCE_VERSION,
  createProduceRequest,
  produceV9.parseResponse,
);

/** What {@link RecordBatchSender} needs. */
export interface RecordBatchSenderOptions {
  /** A connected idempotent `@platformatic/kafka` producer: its producer id, epoch and metadata are used. */
  producer: Producer<string, string, string, string>;
  /** The producer's id and epoch (from `initIdempotentProducer`). */
  producerInfo: { producerId: bigint; producerEpoch: number };
  /** Topic of every event. */
  topic: string;
  /** TLS, SASL and timeouts of the connections to the partition leaders (the producer's own settings). */
  connection: ConnectionOptions;
  /** Retries of a failed request (the same batches, so the broker drops what it already has). */
  retries: number;
  /** Wait before each retry, ms. */
  retryDelayMs: number;
}

/**
 * Sends events as idempotent, acks=all Produce requests whose record batches it encodes itself
 * ({@link encodeRecordBatch}), over `@platformatic/kafka`'s connections (TLS, SASL) to each partition's leader.
 * The client's `send` builds a writer, a BigInt and several small buffers per record and concatenates them; that
 * was most of the producer's CPU per event. Sequence numbers are kept per partition as the client keeps them:
 * a batch carries its partition's next sequence, which advances only when the batch is acknowledged, and a retry
 * resends the very same bytes (the broker drops a duplicate of a batch it has). One send at a time
 * (`maxConcurrentSends`), as with every client here. An `EventSender` of `senders.ts`.
 */
export class RecordBatchSender {
  /** One send at a time: the next batch's sequence is known only once this one is acknowledged. */
  readonly maxConcurrentSends = 1;
  private readonly pool: ConnectionPool;
  private readonly sequences = new Map<number, number>();
  private metadata: ClusterMetadata | undefined;

  constructor(private readonly options: RecordBatchSenderOptions) {
    this.pool = new ConnectionPool('crypto-bench-producer', options.connection);
  }

  /** Resolves when every event is acknowledged by all in-sync replicas; rejects when a partition's batch failed. */
  async send(events: readonly { key: string; value: string; partition: number }[]): Promise<void> {
    const byPartition = new Map<number, { key: string; value: string }[]>();
    for (const event of events) {
      let list = byPartition.get(event.partition);
      if (!list) byPartition.set(event.partition, (list = []));
      list.push(event);
    }
    const timestampMs = Date.now();
    const batches: PartitionBatch[] = [];
    for (const [partition, records] of byPartition) {
      const batch = encodeRecordBatch(records, 0, records.length, {
        producerId: this.options.producerInfo.producerId,
        producerEpoch: this.options.producerInfo.producerEpoch,
        firstSequence: this.sequences.get(partition) ?? 0,
        timestampMs,
      });
      batches.push({ partition, records: batch, count: records.length });
    }
    let lastError: unknown;
    for (let attempt = 0; attempt <= this.options.retries; attempt++) {
      if (attempt > 0) {
        await new Promise((resolve) => setTimeout(resolve, this.options.retryDelayMs));
        await this.refreshMetadata();
      }
      try {
        await this.sendToLeaders(batches);
        return;
      } catch (error) {
        lastError = error;
      }
    }
    throw new Error(`Produce failed ${this.options.retries + 1} times: ${describe(lastError)}`);
  }

  /** Closes the connections and the producer. */
  async close(): Promise<void> {
    await this.pool.close().catch(() => undefined);
    await this.options.producer.close();
  }

  /** Sends every batch not yet acknowledged to its partition's leader, one request per leader. */
  private async sendToLeaders(batches: PartitionBatch[]): Promise<void> {
    const metadata = this.metadata ?? (await this.refreshMetadata());
    const partitions = metadata.topics.get(this.options.topic)?.partitions;
    const byLeader = new Map<number, PartitionBatch[]>();
    for (const batch of batches) {
      if (batch.count === 0) continue; // acknowledged in an earlier attempt
      const leader = partitions?.[batch.partition]?.leader;
      if (leader === undefined) {
        throw new Error(`partition ${batch.partition} of ${this.options.topic} has no known leader`);
      }
      let list = byLeader.get(leader);
      if (!list) byLeader.set(leader, (list = []));
      list.push(batch);
    }
    const results = await Promise.allSettled(
      [...byLeader].map(async ([leader, leaderBatches]) => {
        const broker = metadata.brokers.get(leader);
        if (!broker) throw new Error(`broker ${leader} is not in the metadata`);
        const connection = await this.pool.get(broker);
        await produceApi.async(connection, -1, ACK_TIMEOUT_MS, this.options.topic, leaderBatches);
        for (const batch of leaderBatches) {
          const next = (this.sequences.get(batch.partition) ?? 0) + batch.count;
          this.sequences.set(batch.partition, next % 2 ** 31);
          batch.count = 0;
        }
      }),
    );
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }

  private async refreshMetadata(): Promise<ClusterMetadata> {
    try {
      this.metadata = await this.options.producer.metadata({
        topics: [this.options.topic],
        forceUpdate: true,
      });
    } catch (error) {
      if (!this.metadata) throw error;
    }
    return this.metadata;
  }
}
