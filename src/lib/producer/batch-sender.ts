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

/** One partition's encoded batch and its events. */
interface PartitionBatch {
  partition: number;
  records: Buffer;
  entry: PartitionEvents;
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
  producerInfo: ProducerIdentity;
  /** Topic of every event. */
  topic: string;
  /** TLS, SASL and timeouts of the connections to the partition leaders (the producer's own settings). */
  connection: ConnectionOptions;
  /** Retries of a failed request (the same batches, so the broker drops what it already has). */
  retries: number;
  /** Wait before each retry, ms. */
  retryDelayMs: number;
}

/** An idempotent producer's identity: its sequence numbers count per partition under it. */
interface ProducerIdentity {
  producerId: bigint;
  producerEpoch: number;
}

/**
 * Sends in flight at once: Kafka's own limit for an idempotent producer (`max.in.flight.requests.per.connection`
 * ≤ 5), because a broker remembers the last five batches of each producer and partition to drop a retried
 * duplicate.
 */
export const MAX_IN_FLIGHT_SENDS = 5;

/**
 * Sends events as idempotent, acks=all Produce requests whose record batches it encodes itself
 * ({@link encodeRecordBatch}), over `@platformatic/kafka`'s connections (TLS, SASL) to each partition's leader.
 * The client's `send` builds a writer, a BigInt and several small buffers per record and concatenates them; that
 * was most of the producer's CPU per event. An `EventSender` of `senders.ts`.
 *
 * Up to {@link MAX_IN_FLIGHT_SENDS} sends may be in flight, as with Kafka's Java producer (runs keep one: see
 * `DEFAULT_MAX_IN_FLIGHT_SENDS`; `producer-bench --in-flight N` uses more). Order and exactly-once delivery into
 * the topic are kept the way Kafka's idempotent producer keeps them, with one send in flight or five:
 * - each batch takes its partition's next sequence numbers when it is encoded, and a connection writes its
 *   requests in order, so a partition's batches reach its leader in order; the broker refuses a batch whose
 *   sequence does not follow the last one it wrote, and drops a batch it already has;
 * - a send whose request failed is retried with the very same bytes only once every earlier send has settled,
 *   and no new send starts meanwhile, so a retried batch can never land after a later one;
 * - a send that failed for good leaves a gap in its partitions' sequences, after which the broker would refuse
 *   every later batch: the next attempt first takes a new producer identity (sequences from 0) and encodes the
 *   batches it still has to send under it.
 */
export class RecordBatchSender {
  /** See {@link MAX_IN_FLIGHT_SENDS}. */
  readonly maxConcurrentSends = MAX_IN_FLIGHT_SENDS;
  private readonly pool: ConnectionPool;
  private identity: ProducerIdentity;
  /** Bumped with every new identity; a batch encoded under an older one is encoded again before it is resent. */
  private generation = 0;
  /** Next sequence of each partition under the current identity. */
  private sequences = new Map<number, number>();
  /** A send failed for good: its sequences are a gap, so a new identity is needed before the next attempt. */
  private identityBroken = false;
  /** The identity renewal under way, shared by every send that asks for one meanwhile. */
  private renewing: Promise<void> | undefined;
  /** Settles once every send started so far has settled. */
  private tail: Promise<void> = Promise.resolve();
  /** Resolves once the latest send has taken its sequence numbers (or given up before): sends take them in order. */
  private numbered: Promise<void> = Promise.resolve();
  /** Sends whose request failed and that have not settled yet: while any, new sends wait their turn. */
  private recovering = 0;
  /** Whether the send that settled last was acknowledged: then the broker is back, and a retry need not wait. */
  private lastSettledOk = true;
  private metadata: ClusterMetadata | undefined;

  constructor(private readonly options: RecordBatchSenderOptions) {
    this.pool = new ConnectionPool('crypto-bench-producer', options.connection);
    this.identity = options.producerInfo;
  }

  /** Resolves when every event is acknowledged by all in-sync replicas; rejects when a partition's batch failed. */
  send(events: readonly { key: string; value: string; partition: number }[]): Promise<void> {
    const earlier = this.tail;
    const earlierNumbered = this.numbered;
    let numbered = () => {};
    this.numbered = new Promise((resolve) => (numbered = resolve));
    const done = this.sendAfter(events, earlier, earlierNumbered, numbered);
    this.tail = earlier
      .then(() => done)
      .then(
        () => undefined,
        () => undefined,
      );
    return done;
  }

  /** Closes the connections and the producer. */
  async close(): Promise<void> {
    await this.pool.close().catch(() => undefined);
    await this.options.producer.close();
  }

  private async sendAfter(
    events: readonly { key: string; value: string; partition: number }[],
    earlier: Promise<void>,
    earlierNumbered: Promise<void>,
    numbered: () => void,
  ): Promise<void> {
    // Sequence numbers are taken in the order of the calls, whatever each send waits for: a send that waited
    // for an earlier one's retry must not find a later send numbered before it.
    await earlierNumbered;
    // An earlier send is being retried: a batch sent now could land before the retried one.
    if (this.recovering > 0 || this.identityBroken) await earlier;
    const pending = groupByPartition(events);
    let batches: EncodedBatches | undefined;
    let recovering = false;
    let lastError: unknown;
    try {
      for (let attempt = 0; attempt <= this.options.retries; attempt++) {
        try {
          if (attempt > 0) {
            await earlier;
            // A send that failed only because an earlier one had is retried at once once that one got through.
            if (!this.lastSettledOk || attempt > 1)
              await new Promise((resolve) => setTimeout(resolve, this.options.retryDelayMs));
            await this.refreshMetadata();
          }
          if (this.identityBroken) await this.renewIdentity();
          if (!batches || batches.generation !== this.generation) batches = this.encode(pending);
          numbered();
          await this.sendToLeaders(batches.batches);
          this.lastSettledOk = true;
          return;
        } catch (error) {
          lastError = error;
          if (!recovering) {
            recovering = true;
            this.recovering += 1;
          }
        }
      }
      this.lastSettledOk = false;
      // Its sequences are now a gap: the broker would refuse every later batch of this identity.
      if (batches?.generation === this.generation) this.identityBroken = true;
      throw new Error(`Produce failed ${this.options.retries + 1} times: ${describe(lastError)}`);
    } finally {
      numbered();
      if (recovering) this.recovering -= 1;
    }
  }

  /** Encodes the batches still to send under the current identity, taking each partition's next sequences. */
  private encode(pending: Map<number, PartitionEvents>): EncodedBatches {
    const timestampMs = Date.now();
    const batches: PartitionBatch[] = [];
    for (const [partition, entry] of pending) {
      if (entry.acknowledged) continue;
      const firstSequence = this.sequences.get(partition) ?? 0;
      this.sequences.set(partition, (firstSequence + entry.records.length) % 2 ** 31);
      const records = encodeRecordBatch(entry.records, 0, entry.records.length, {
        ...this.identity,
        firstSequence,
        timestampMs,
      });
      batches.push({ partition, records, entry });
    }
    return { generation: this.generation, batches };
  }

  /** Takes a new producer identity (one request, however many sends ask at once); sequences start at 0. */
  private renewIdentity(): Promise<void> {
    this.renewing ??= (async () => {
      try {
        const info = await this.options.producer.initIdempotentProducer({});
        this.identity = { producerId: info.producerId, producerEpoch: info.producerEpoch };
        this.sequences = new Map();
        this.generation += 1;
        this.identityBroken = false;
      } finally {
        this.renewing = undefined;
      }
    })();
    return this.renewing;
  }

  /** Sends every batch not yet acknowledged to its partition's leader, one request per leader. */
  private async sendToLeaders(batches: PartitionBatch[]): Promise<void> {
    const metadata = this.metadata ?? (await this.refreshMetadata());
    const partitions = metadata.topics.get(this.options.topic)?.partitions;
    const byLeader = new Map<number, PartitionBatch[]>();
    for (const batch of batches) {
      if (batch.entry.acknowledged) continue; // in an earlier attempt
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
        for (const batch of leaderBatches) batch.entry.acknowledged = true;
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

/** One partition's events of a send, and whether its batch was acknowledged. */
interface PartitionEvents {
  records: { key: string; value: string }[];
  acknowledged: boolean;
}

/** A send's batches, encoded under the identity of `generation`. */
interface EncodedBatches {
  generation: number;
  batches: PartitionBatch[];
}

function groupByPartition(
  events: readonly { key: string; value: string; partition: number }[],
): Map<number, PartitionEvents> {
  const byPartition = new Map<number, PartitionEvents>();
  for (const event of events) {
    let entry = byPartition.get(event.partition);
    if (!entry) byPartition.set(event.partition, (entry = { records: [], acknowledged: false }));
    entry.records.push(event);
  }
  return byPartition;
}
