import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { Kafka, logLevel, Partitioners, type Admin, type Producer } from 'kafkajs';
import { kafkaAccess, kafkajsSecurity } from './access.js';
import { DEFAULTS } from '../config/defaults.js';
import type { StackConfig } from '../config/stack-config.js';
import { ConfigError, InfrastructureError, describe } from '../errors.js';
import { jvmOptions, moduleClasspath, type JavaRuntime } from '../runtime/java.js';
import type { ProcessSpec } from '../runtime/processes.js';
import { statePaths } from '../runtime/state.js';

const run = promisify(execFile);

/** Where a broker listens and what it tells clients: the part of its configuration that depends on placement. */
export interface BrokerLayout {
  /** Client listeners by name, each `bind-host:port`; the first is the one between brokers. */
  listeners: Record<string, string>;
  /** Address clients are told to use, per client listener (`host:port`). */
  advertised: Record<string, string>;
  /** `bind-host:port` of the KRaft controller listener. */
  controllerListener: string;
  /** `host:port` at which the controller is reached (quorum voter). */
  controller: string;
  /** Directory of the broker's log. */
  logDir: string;
}

/** The local runtime's layout: one listener and the controller on 127.0.0.1, the log in the state directory. */
export function localBrokerLayout(config: StackConfig): BrokerLayout {
  const { host, ports } = config;
  return {
    listeners: { PLAINTEXT: `${host}:${ports.kafka}` },
    advertised: { PLAINTEXT: `${host}:${ports.kafka}` },
    controllerListener: `${host}:${ports.kafkaController}`,
    controller: `${host}:${ports.kafkaController}`,
    logDir: statePaths(config.stateDir).kafkaData,
  };
}

/** The broker's configuration: single node, KRaft (broker + controller). */
export function brokerProperties(layout: BrokerLayout): string {
  const names = Object.keys(layout.listeners);
  const listeners = names.map((name) => `${name}://${layout.listeners[name]}`);
  const advertised = names.map((name) => `${name}://${layout.advertised[name]}`);
  return [
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.voters=1@${layout.controller}`,
    `listeners=${[...listeners, `CONTROLLER://${layout.controllerListener}`].join(',')}`,
    `advertised.listeners=${advertised.join(',')}`,
    'controller.listener.names=CONTROLLER',
    `inter.broker.listener.name=${names[0]}`,
    `listener.security.protocol.map=${[...names, 'CONTROLLER'].map((name) => `${name}:PLAINTEXT`).join(',')}`,
    `log.dirs=${layout.logDir}`,
    `num.partitions=${DEFAULTS.topicPartitions}`,
    'offsets.topic.replication.factor=1',
    'offsets.topic.num.partitions=3',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'share.coordinator.state.topic.replication.factor=1',
    'share.coordinator.state.topic.min.isr=1',
    'group.initial.rebalance.delay.ms=0',
    'auto.create.topics.enable=false',
    '',
  ].join('\n');
}

/** The broker's Log4j 2 configuration: warnings, and the line that says it started. */
export const BROKER_LOG4J = `status = warn
appender.out.type = Console
appender.out.name = STDOUT
appender.out.layout.type = PatternLayout
appender.out.layout.pattern = [%d] %p %m (%c{1})%n
rootLogger.level = warn
rootLogger.appenderRef.out.ref = STDOUT
logger.server.name = kafka.server.KafkaRaftServer
logger.server.level = info
`;

/** Writes the broker config and formats its storage on first use (KRaft needs a cluster id). */
export async function prepareBroker(config: StackConfig, java: JavaRuntime): Promise<ProcessSpec> {
  const paths = statePaths(config.stateDir);
  mkdirSync(paths.config, { recursive: true });
  const properties = path.join(paths.config, 'server.properties');
  const log4j = path.join(paths.config, 'kafka-log4j2.properties');
  writeFileSync(properties, brokerProperties(localBrokerLayout(config)));
  writeFileSync(log4j, BROKER_LOG4J);
  const baseArgs = [
    ...jvmOptions(),
    `-Dlog4j2.configurationFile=${log4j}`,
    '-cp',
    moduleClasspath('kafka-broker'),
  ];
  if (!existsSync(path.join(paths.kafkaData, 'meta.properties'))) {
    try {
      await run(java.executable, [
        ...baseArgs,
        'kafka.tools.StorageTool',
        'format',
        `--cluster-id=${newClusterId()}`,
        '-c',
        properties,
      ]);
    } catch (error) {
      const stderr = (error as { stderr?: string }).stderr?.trim().split('\n').slice(-5).join('\n');
      throw new InfrastructureError(
        `Formatting Kafka's storage in ${paths.kafkaData} failed: ${stderr || describe(error)}`,
      );
    }
  }
  return {
    command: java.executable,
    args: [
      `-Xmx${DEFAULTS.heapMb.kafka}m`,
      `-Xms${DEFAULTS.heapMb.kafka}m`,
      ...baseArgs,
      'kafka.Kafka',
      properties,
    ],
    logFile: path.join(paths.logs, 'kafka.log'),
  };
}

/**
 * A KRaft cluster id: 16 random bytes in URL-safe base64, like Kafka's own `Uuid.randomUuid()`, which likewise
 * never starts with '-' (an id that does reads as an option to the storage tool).
 */
export function newClusterId(random: () => Buffer = () => randomBytes(16)): string {
  for (;;) {
    const id = random().toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

/** A kafkajs client for this stack; quiet, because the CLI reports errors itself. */
export function kafkaClient(config: StackConfig, clientId = 'crypto-bench'): Kafka {
  const access = kafkaAccess(config);
  return new Kafka({
    clientId,
    brokers: access.brokers,
    ...kafkajsSecurity(access.properties),
    logLevel: logLevel.NOTHING,
    connectionTimeout: 3000,
    retry: { retries: 2 },
  });
}

/** Kafka's address as messages show it. */
export function kafkaAddress(config: StackConfig): string {
  return kafkaAccess(config).brokers.join(',');
}

/** Connects an admin client, failing with the address and the fix. */
export async function connectAdmin(config: StackConfig): Promise<Admin> {
  const admin = kafkaClient(config).admin();
  try {
    await admin.connect();
    await admin.describeCluster();
  } catch (error) {
    await admin.disconnect().catch(() => undefined);
    throw new InfrastructureError(`Kafka is not reachable at ${kafkaAddress(config)} (${describe(error)})`, {
      suggestions: [unreachableFix(config)],
    });
  }
  return admin;
}

/** What to do when Kafka does not answer: start the stack, or fix the cluster file. */
function unreachableFix(config: StackConfig): string {
  return config.cluster
    ? `Check kafka.bootstrap and kafka.properties in ${config.cluster.file} (address, SASL/TLS settings)`
    : 'Run `crypto-bench up`, or pass the right --kafka-port / --port-base';
}

/**
 * Creates the benchmark topic when missing, with `partitions` partitions and the broker's append time as each
 * record's timestamp, which is what `kafka_ts` measures. A topic that exists must have exactly that many: with
 * fewer, the partitions asked for are not there; with more, some would stay empty (an empty partition stalls
 * the engines' event-time watermarks). Kafka cannot remove partitions and adding some under running jobs
 * moves no data, so both are errors that name the fix. On a cluster the replication factor is the cluster
 * file's, and a topic the file says not to create must exist.
 */
export async function ensureTopic(
  admin: Admin,
  partitions: number,
  topic: string = DEFAULTS.topic,
  options: { replicationFactor?: number; create?: boolean } = {},
): Promise<void> {
  const existing = await admin.listTopics();
  if (existing.includes(topic)) {
    const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
    const has = metadata.topics[0]?.partitions.length ?? 0;
    if (has !== partitions) throw topicPartitionsDiffer(topic, has, partitions);
    return;
  }
  if (options.create === false) {
    throw new InfrastructureError(`The topic ${topic} does not exist`, {
      suggestions: ['Create it, or set kafka.topic.create: true in the cluster file'],
    });
  }
  await admin.createTopics({
    waitForLeaders: true,
    topics: [
      {
        topic,
        numPartitions: partitions,
        replicationFactor: options.replicationFactor ?? 1,
        configEntries: [{ name: 'message.timestamp.type', value: 'LogAppendTime' }],
      },
    ],
  });
}

/** The error of a topic whose partitions are not the ones asked for, with the ways out. */
export function topicPartitionsDiffer(topic: string, has: number, asked: number): ConfigError {
  return new ConfigError(
    `The topic ${topic} has ${has} partitions, but ${asked} were asked for (--partitions ${asked})`,
    {
      suggestions: [
        `Use --partitions ${has}`,
        `or delete the topic with the stack's data: \`crypto-bench down --volumes\`, then \`crypto-bench up --partitions ${asked}\``,
      ],
    },
  );
}

/** An idempotent producer (acks=all) that sends to explicit partitions. */
export async function connectProducer(config: StackConfig): Promise<Producer> {
  const producer = kafkaClient(config, 'crypto-bench-producer').producer({
    idempotent: true,
    maxInFlightRequests: 5,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  try {
    await producer.connect();
  } catch (error) {
    throw new InfrastructureError(`Kafka is not reachable at ${kafkaAddress(config)} (${describe(error)})`, {
      suggestions: [unreachableFix(config)],
    });
  }
  return producer;
}
