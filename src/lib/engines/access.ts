import { readFileSync } from 'node:fs';
import type { SASLOptions } from 'kafkajs';
import { DEFAULTS } from '../config/defaults.js';
import { partitionsOf, type StackConfig } from '../config/stack-config.js';
import { ConfigError } from '../errors.js';
import type { SenderTarget } from '../producer/senders.js';
import { statePaths } from '../runtime/state.js';

/**
 * How the CLI and the jobs reach a stack's Kafka and PostgreSQL: the stack's own services on 127.0.0.1 (local
 * and docker runtimes), or the existing services a cluster file names. Engine clients take their addresses
 * from here only, so they stay the same on every runtime.
 */
export interface KafkaAccess {
  /** Bootstrap servers, `host:port`. */
  brokers: string[];
  /** Kafka client properties for the producer and every job (empty on the stack's own broker). */
  properties: Record<string, string>;
  /** The benchmark topic, its partitions and replication factor. */
  topic: string;
  partitions: number;
  replicationFactor: number;
  /** Create the topic when it is missing (else it must exist). */
  createTopic: boolean;
}

/** Where the benchmark database is and who crypto-bench is there. */
export interface PostgresAccess {
  host: string;
  port: number;
  database: string;
  user: string;
  /** True when crypto-bench runs this server itself (it may create the database and tune it). */
  owned: boolean;
  /** Reads the password (from the state directory, a file or an environment variable). */
  password: () => string;
}

/** The Kafka of a stack. */
export function kafkaAccess(config: StackConfig): KafkaAccess {
  const kafka = config.cluster?.kafka;
  if (kafka) {
    return {
      brokers: kafka.bootstrap,
      properties: kafka.properties,
      topic: kafka.topic.name,
      partitions: partitionsOf(config),
      replicationFactor: kafka.topic.replicationFactor,
      createTopic: kafka.topic.create,
    };
  }
  return {
    brokers: [`${config.host}:${config.ports.kafka}`],
    properties: {},
    topic: DEFAULTS.topic,
    partitions: partitionsOf(config),
    replicationFactor: 1,
    createTopic: true,
  };
}

/** The PostgreSQL of a stack. */
export function postgresAccess(config: StackConfig): PostgresAccess {
  const pg = config.cluster?.postgres;
  if (pg) {
    const source = pg.password;
    return {
      host: pg.host,
      port: pg.port,
      database: pg.database,
      user: pg.user,
      owned: false,
      password: () =>
        'env' in source ? (process.env[source.env] ?? '') : readSecret(source.file, 'postgres.passwordFile'),
    };
  }
  return {
    host: config.host,
    port: config.ports.postgres,
    database: DEFAULTS.database,
    user: DEFAULTS.databaseUser,
    owned: true,
    password: () => readSecret(statePaths(config.stateDir).passwordFile, 'the state directory'),
  };
}

function readSecret(file: string, from: string): string {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch (error) {
    throw new ConfigError(
      `The PostgreSQL password file ${file} (${from}) cannot be read: ${(error as Error).message}`,
      {
        suggestions:
          from === 'the state directory'
            ? ['Run `crypto-bench down --volumes` to start over with fresh data']
            : ['Fix postgres.passwordFile in the cluster file'],
      },
    );
  }
}

/** kafkajs' `ssl` and `sasl` options for Kafka client properties (`security.protocol`, `sasl.*`). */
export function kafkajsSecurity(properties: Record<string, string>): { ssl?: boolean; sasl?: SASLOptions } {
  const protocol = (properties['security.protocol'] ?? 'PLAINTEXT').toUpperCase();
  if (!['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL'].includes(protocol)) {
    throw new ConfigError(`kafka.properties.security.protocol ${protocol} is not one Kafka knows`, {
      suggestions: ['Use PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL'],
    });
  }
  const ssl = protocol === 'SSL' || protocol === 'SASL_SSL';
  if (!protocol.startsWith('SASL')) return ssl ? { ssl } : {};
  const mechanism = (properties['sasl.mechanism'] ?? 'GSSAPI').toUpperCase();
  const jaas = properties['sasl.jaas.config'] ?? '';
  const username = /username\s*=\s*"([^"]*)"/.exec(jaas)?.[1];
  const password = /password\s*=\s*"([^"]*)"/.exec(jaas)?.[1];
  if (
    !['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'].includes(mechanism) ||
    username === undefined ||
    password === undefined
  ) {
    throw new ConfigError(
      `kafka.properties: the CLI's producer supports SASL PLAIN and SCRAM-SHA-256/512 with username and password in sasl.jaas.config (got mechanism ${mechanism})`,
      { suggestions: ['Set sasl.mechanism and sasl.jaas.config with username="..." password="..."'] },
    );
  }
  const sasl = { mechanism: mechanism.toLowerCase(), username, password } as SASLOptions;
  return { ...(ssl ? { ssl } : {}), sasl };
}

/** Kafka client properties as one argument for the jobs: a Java properties text, base64 (no quoting trouble). */
export function kafkaPropertiesArg(properties: Record<string, string>): string[] {
  const entries = Object.entries(properties);
  if (entries.length === 0) return [];
  const escape = (s: string) =>
    s
      .replace(/\\/g, '\\\\')
      .replace(/\n/g, '\\n')
      .replace(/([=:#!])/g, '\\$1');
  const text = entries.map(([key, value]) => `${escape(key)}=${escape(value)}`).join('\n');
  return ['--kafka-properties', Buffer.from(text, 'utf8').toString('base64')];
}

/** Where the producer threads send: the brokers, the topic, and the security the cluster needs. */
export function kafkaTarget(config: StackConfig): SenderTarget {
  const access = kafkaAccess(config);
  const security = kafkajsSecurity(access.properties) as SenderTarget['security'];
  return {
    brokers: access.brokers,
    topic: access.topic,
    ...(security && Object.keys(security).length > 0 ? { security } : {}),
  };
}
