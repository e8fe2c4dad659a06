import { Producer as PlatformaticProducer, stringSerializers } from '@platformatic/kafka';
import { Kafka, logLevel, Partitioners, type SASLOptions } from 'kafkajs';
import { InfrastructureError, describe } from '../errors.js';
import { RecordBatchSender } from './batch-sender.js';

/** Kafka clients the producer can send with; the first is the one runs use (see `test/bench/producer-bench.ts`). */
export const PRODUCER_CLIENTS = ['platformatic', 'kafkajs'] as const;
/** One of {@link PRODUCER_CLIENTS}. */
export type ProducerClient = (typeof PRODUCER_CLIENTS)[number];
/** The npm package of each client, whose version a run records. */
export const CLIENT_PACKAGES: Record<ProducerClient, string> = {
  platformatic: '@platformatic/kafka',
  kafkajs: 'kafkajs',
};

/** One record as the producer hands it to Kafka: the event's JSON, its symbol as key, its fixed partition. */
export interface OutgoingEvent {
  /** The symbol. */
  key: string;
  /** The event contract's JSON text. */
  value: string;
  /** The partition the symbol is fixed to. */
  partition: number;
}

/** What the producer needs of a Kafka client: send a batch with acks=all (idempotent), and close. */
export interface EventSender {
  /** Resolves when every event of the batch is acknowledged by all in-sync replicas; rejects otherwise. */
  send(events: OutgoingEvent[]): Promise<void>;
  /** Disconnects. */
  close(): Promise<void>;
  /**
   * Most sends that may await their acknowledgement at once without losing or reordering events (kafkajs: one,
   * the events waiting meanwhile go out together in the next send; the record-batch sender: five, as Kafka's
   * idempotent producer); undefined when unlimited.
   */
  readonly maxConcurrentSends?: number;
}

/** Where a sender writes. */
export interface SenderTarget {
  /** Bootstrap servers, `host:port`. */
  brokers: string[];
  /** Topic of every event. */
  topic: string;
  /** TLS and SASL (PLAIN, SCRAM-SHA-256/512) of a cluster that needs them (`kafkajsSecurity`). */
  security?: { ssl?: boolean; sasl?: { mechanism: string; username: string; password: string } };
}

/**
 * Connects an idempotent producer (acks=all, explicit partitions) with the chosen client, failing with the
 * broker's address and the fix.
 */
export async function connectSender(client: ProducerClient, target: SenderTarget): Promise<EventSender> {
  try {
    return client === 'kafkajs' ? await kafkajsSender(target) : await platformaticSender(target);
  } catch (error) {
    throw new InfrastructureError(
      `Kafka is not reachable at ${target.brokers.join(',')} (${describe(error)})`,
      {
        suggestions: ['Run `crypto-bench up`, or pass the right --kafka-port / --port-base'],
      },
    );
  }
}

async function kafkajsSender(target: SenderTarget): Promise<EventSender> {
  const kafka = new Kafka({
    clientId: 'crypto-bench-producer',
    brokers: target.brokers,
    ...(target.security?.ssl ? { ssl: true } : {}),
    ...(target.security?.sasl ? { sasl: target.security.sasl as SASLOptions } : {}),
    logLevel: logLevel.NOTHING,
    connectionTimeout: 3000,
    retry: { retries: 2 },
  });
  const producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 5,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await producer.connect();
  return {
    // kafkajs 2.2 keeps no order between sends in flight: two concurrent sends to one partition landed in
    // reverse order in 300 of 300 tries here (idempotent, maxInFlightRequests 5), which breaks per-symbol order.
    maxConcurrentSends: 1,
    async send(events) {
      await producer.send({ topic: target.topic, acks: -1, messages: events });
    },
    close: () => producer.disconnect(),
  };
}

async function platformaticSender(target: SenderTarget): Promise<EventSender> {
  const connection = {
    ...(target.security?.ssl ? { tls: {} } : {}),
    ...(target.security?.sasl
      ? {
          sasl: {
            mechanism: target.security.sasl.mechanism.toUpperCase() as 'PLAIN',
            username: target.security.sasl.username,
            password: target.security.sasl.password,
          },
        }
      : {}),
    connectTimeout: 3000,
  };
  const retries = 2;
  const producer = new PlatformaticProducer<string, string, string, string>({
    clientId: 'crypto-bench-producer',
    bootstrapBrokers: target.brokers,
    ...connection,
    idempotent: true,
    acks: -1,
    serializers: stringSerializers,
    retries,
  });
  try {
    // Fetches the producer id and the metadata now, so that a broker that is not there fails here.
    const producerInfo = await producer.initIdempotentProducer({});
    await producer.metadata({ topics: [target.topic] });
    // @platformatic/kafka 1.x's own `send` cannot have two sends in flight to one partition (they got the same
    // sequence here, and the broker dropped the second as a duplicate: 20 concurrent sends, 19 lost, no error).
    // The record-batch sender numbers its batches itself, in order, and keeps up to five in flight.
    return new RecordBatchSender({
      producer,
      producerInfo: { producerId: producerInfo.producerId, producerEpoch: producerInfo.producerEpoch },
      topic: target.topic,
      connection,
      retries,
      retryDelayMs: 1000,
    });
  } catch (error) {
    await producer.close().catch(() => undefined);
    throw error;
  }
}
