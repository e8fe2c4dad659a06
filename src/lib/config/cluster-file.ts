import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import { ConfigError } from '../errors.js';
import { DEFAULTS } from './defaults.js';

/**
 * The cluster file of `--runtime cluster` (README "Benchmark your own cluster"): existing services crypto-bench
 * uses but never starts or stops. It creates only its own topic and tables and submits only its own jobs.
 */
export interface ClusterSpec {
  /** The file it was read from (absolute). */
  file: string;
  /** The Kafka cluster the producer writes to and every job reads from. */
  kafka: {
    /** Bootstrap servers, `host:port`. */
    bootstrap: string[];
    /** Kafka client properties passed through to the producer and to every job (SASL, TLS, ...). */
    properties: Record<string, string>;
    /** The benchmark topic: created when missing (`create`), else it must exist. */
    topic: { name: string; partitions: number; replicationFactor: number; create: boolean };
  };
  /** A PostgreSQL with `track_commit_timestamp = on`, where crypto-bench creates its tables. */
  postgres: {
    host: string;
    port: number;
    database: string;
    user: string;
    /** Where the password comes from: a file, or an environment variable of the CLI's process. */
    password: { file: string } | { env: string };
  };
  /** A Flink session cluster's REST endpoint; the job jar is uploaded and run through it. */
  flink?: { rest: string };
  /** A Spark master the job is submitted to (client mode: the driver runs on the CLI's host). */
  spark?: {
    /** `spark://host:port` (standalone) or `k8s://https://host:port`. */
    master: string;
    /** The standalone master's web UI (for the application id, its executors and `down`), when standalone. */
    masterUi?: string;
    /** Address the executors reach the driver at (the CLI host's address as the cluster sees it). */
    driverHost: string;
    /** Cores per executor and memory per executor, e.g. `1g`. */
    executorCores: number;
    executorMemory: string;
    /** Extra Spark configuration, `spark.*` keys (e.g. Kubernetes image and namespace). */
    conf: Record<string, string>;
  };
  /** Where the baseline consumer runs: on the CLI's host, the only place supported. */
  baseline?: { host: 'local' };
}

type Plain = Record<string, unknown>;

/** Reads, parses (YAML) and validates a cluster file; every problem names the key and the fix. */
export function readClusterFile(file: string, env: NodeJS.ProcessEnv = process.env): ClusterSpec {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError(`--cluster ${file} cannot be read (${(error as Error).message})`, {
      suggestions: ['Pass the path of a cluster file (README: "Benchmark your own cluster")'],
    });
  }
  return parseClusterFile(text, file, env);
}

/** Parses and validates the text of a cluster file (see `readClusterFile`). */
export function parseClusterFile(
  text: string,
  file: string,
  env: NodeJS.ProcessEnv = process.env,
): ClusterSpec {
  const document = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (document.errors.length > 0) {
    throw new ConfigError(`${file} is not valid YAML: ${document.errors[0]?.message}`, {
      suggestions: ['Fix the YAML syntax at the line shown'],
    });
  }
  const root = section(document.toJS() as unknown, '', file);
  allowOnly(root, ['kafka', 'postgres', 'flink', 'spark', 'baseline'], '', file);
  const spec: ClusterSpec = {
    file,
    kafka: kafkaSection(section(required(root, 'kafka', '', file), 'kafka', file), file),
    postgres: postgresSection(section(required(root, 'postgres', '', file), 'postgres', file), file, env),
  };
  if (root.flink !== undefined) spec.flink = flinkSection(section(root.flink, 'flink', file), file);
  if (root.spark !== undefined) spec.spark = sparkSection(section(root.spark, 'spark', file), file);
  if (root.baseline !== undefined) {
    const baseline = section(root.baseline, 'baseline', file);
    allowOnly(baseline, ['host'], 'baseline', file);
    if (baseline.host !== undefined && baseline.host !== 'local') {
      fail(file, 'baseline.host', `must be "local" (the baseline consumer runs on the CLI's host)`);
    }
    spec.baseline = { host: 'local' };
  }
  return spec;
}

function kafkaSection(kafka: Plain, file: string): ClusterSpec['kafka'] {
  allowOnly(kafka, ['bootstrap', 'properties', 'topic'], 'kafka', file);
  const raw = required(kafka, 'bootstrap', 'kafka', file);
  const list = Array.isArray(raw) ? raw : typeof raw === 'string' ? raw.split(',') : undefined;
  if (!list || list.length === 0)
    fail(file, 'kafka.bootstrap', 'must be "host:port[,host:port...]" or a list');
  const bootstrap = list.map((entry) => hostPort(String(entry).trim(), 'kafka.bootstrap', file));
  const properties: Record<string, string> = {};
  if (kafka.properties !== undefined) {
    for (const [key, value] of Object.entries(section(kafka.properties, 'kafka.properties', file))) {
      if (typeof value === 'object' && value !== null)
        fail(file, `kafka.properties.${key}`, 'must be a scalar');
      if (key === 'bootstrap.servers')
        fail(file, 'kafka.properties.bootstrap.servers', 'belongs in kafka.bootstrap');
      properties[key] = String(value);
    }
  }
  const topic = kafka.topic === undefined ? {} : section(kafka.topic, 'kafka.topic', file);
  allowOnly(topic, ['name', 'partitions', 'replicationFactor', 'create'], 'kafka.topic', file);
  const name = topic.name === undefined ? DEFAULTS.topic : text(topic.name, 'kafka.topic.name', file);
  if (!/^[A-Za-z0-9._-]{1,249}$/.test(name))
    fail(file, 'kafka.topic.name', 'must be 1-249 of [A-Za-z0-9._-]');
  return {
    bootstrap,
    properties,
    topic: {
      name,
      partitions: integer(
        topic.partitions,
        'kafka.topic.partitions',
        file,
        DEFAULTS.topicPartitions,
        1,
        10_000,
      ),
      replicationFactor: integer(topic.replicationFactor, 'kafka.topic.replicationFactor', file, 1, 1, 32),
      create: topic.create === undefined ? true : bool(topic.create, 'kafka.topic.create', file),
    },
  };
}

function postgresSection(pg: Plain, file: string, env: NodeJS.ProcessEnv): ClusterSpec['postgres'] {
  allowOnly(pg, ['url', 'passwordFile', 'passwordEnv'], 'postgres', file);
  const raw = text(required(pg, 'url', 'postgres', file), 'postgres.url', file);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return fail(file, 'postgres.url', `must be a URL like postgresql://user@host:5432/db, got "${raw}"`);
  }
  if (url.protocol !== 'postgresql:' && url.protocol !== 'postgres:') {
    fail(file, 'postgres.url', `must start with postgresql://, got "${raw}"`);
  }
  if (url.password) fail(file, 'postgres.url', 'must not hold the password: use passwordFile or passwordEnv');
  const database = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (!url.username || !url.hostname || !database) {
    fail(file, 'postgres.url', `needs a user, a host and a database: postgresql://user@host:5432/db`);
  }
  if ((pg.passwordFile === undefined) === (pg.passwordEnv === undefined)) {
    fail(
      file,
      'postgres',
      'needs exactly one of passwordFile (a file holding it) or passwordEnv (a variable)',
    );
  }
  let password: ClusterSpec['postgres']['password'];
  if (pg.passwordEnv !== undefined) {
    const name = text(pg.passwordEnv, 'postgres.passwordEnv', file);
    if (env[name] === undefined)
      fail(file, 'postgres.passwordEnv', `names ${name}, which is not set: export it`);
    password = { env: name };
  } else {
    password = { file: text(pg.passwordFile, 'postgres.passwordFile', file) };
  }
  return {
    host: url.hostname,
    port: url.port ? Number(url.port) : 5432,
    database,
    user: decodeURIComponent(url.username),
    password,
  };
}

function flinkSection(flink: Plain, file: string): ClusterSpec['flink'] {
  allowOnly(flink, ['rest'], 'flink', file);
  const rest = text(required(flink, 'rest', 'flink', file), 'flink.rest', file).replace(/\/+$/, '');
  if (!/^https?:\/\/[^/]+$/.test(rest))
    fail(file, 'flink.rest', `must be http(s)://host:port, got "${rest}"`);
  return { rest };
}

function sparkSection(spark: Plain, file: string): NonNullable<ClusterSpec['spark']> {
  allowOnly(
    spark,
    ['master', 'masterUi', 'driverHost', 'executorCores', 'executorMemory', 'conf'],
    'spark',
    file,
  );
  const master = text(required(spark, 'master', 'spark', file), 'spark.master', file);
  if (!/^(spark:\/\/[^/]+|k8s:\/\/.+)$/.test(master)) {
    fail(file, 'spark.master', `must be spark://host:port or k8s://https://host:port, got "${master}"`);
  }
  const masterUi = spark.masterUi === undefined ? undefined : text(spark.masterUi, 'spark.masterUi', file);
  if (masterUi !== undefined && !/^https?:\/\/[^/]+$/.test(masterUi)) {
    fail(file, 'spark.masterUi', `must be http(s)://host:port, got "${masterUi}"`);
  }
  const conf: Record<string, string> = {};
  if (spark.conf !== undefined) {
    for (const [key, value] of Object.entries(section(spark.conf, 'spark.conf', file))) {
      if (!key.startsWith('spark.')) fail(file, `spark.conf.${key}`, 'keys must start with "spark."');
      conf[key] = String(value);
    }
  }
  const memory =
    spark.executorMemory === undefined ? '1g' : text(spark.executorMemory, 'spark.executorMemory', file);
  if (!/^\d+[kmgt]?$/i.test(memory))
    fail(file, 'spark.executorMemory', `must be like 512m or 1g, got "${memory}"`);
  return {
    master,
    ...(masterUi !== undefined ? { masterUi } : {}),
    driverHost:
      spark.driverHost === undefined ? DEFAULTS.host : text(spark.driverHost, 'spark.driverHost', file),
    executorCores: integer(spark.executorCores, 'spark.executorCores', file, 1, 1, 256),
    executorMemory: memory,
    conf,
  };
}

function section(value: unknown, key: string, file: string): Plain {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return fail(file, key || 'the file', 'must be a mapping of keys to values');
  }
  return value as Plain;
}

function required(parent: Plain, key: string, at: string, file: string): unknown {
  if (parent[key] === undefined || parent[key] === null) fail(file, join(at, key), 'is missing');
  return parent[key];
}

function allowOnly(value: Plain, keys: string[], at: string, file: string): void {
  for (const key of Object.keys(value)) {
    if (!keys.includes(key))
      fail(file, join(at, key), `is not a known key; ${at || 'the file'} takes ${keys.join(', ')}`);
  }
}

function text(value: unknown, key: string, file: string): string {
  if (typeof value !== 'string' || value.trim() === '') return fail(file, key, 'must be a non-empty string');
  return value.trim();
}

function integer(
  value: unknown,
  key: string,
  file: string,
  fallback: number,
  min: number,
  max: number,
): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    return fail(file, key, `must be an integer from ${min} to ${max}, got ${JSON.stringify(value)}`);
  }
  return value;
}

function bool(value: unknown, key: string, file: string): boolean {
  if (typeof value !== 'boolean')
    return fail(file, key, `must be true or false, got ${JSON.stringify(value)}`);
  return value;
}

function hostPort(value: string, key: string, file: string): string {
  const match = /^(.+):(\d{1,5})$/.exec(value);
  if (!match || Number(match[2]) < 1 || Number(match[2]) > 65_535) {
    fail(file, key, `must be host:port, got "${value}"`);
  }
  return value;
}

function join(at: string, key: string): string {
  return at ? `${at}.${key}` : key;
}

function fail(file: string, key: string, problem: string): never {
  throw new ConfigError(`${file}: ${key} ${problem}`, {
    suggestions: ['See README "Benchmark your own cluster" for every key of the cluster file'],
  });
}
