import { DEFAULTS } from '../../src/lib/config/defaults.js';
/**
 * Floor benchmark (a measurement, not a test): what Kafka and PostgreSQL alone cost on this machine, measured
 * apart from any engine, to hold the baseline engine against (docs/floor.md).
 *
 * - Kafka: Kafka's own `org.apache.kafka.tools.EndToEndLatency` (from the broker's jars): one record at a time,
 *   sent with acks=all and linger.ms=0, then consumed with fetch.max.wait.ms=0; the time from send to receipt.
 * - PostgreSQL: `dev.cryptobench.baseline.CommitLatency` (from the baseline's jars): one record at a time,
 *   exactly the baseline's write for a poll of one record (parse, bind with engine_ts, the sink's
 *   `INSERT … ON CONFLICT DO NOTHING`, commit) on an autocommit connection, and for comparison the same in an
 *   explicit BEGIN … COMMIT, into a scratch copy of the baseline's table.
 *
 * Needs a running stack (`crypto-bench up`). Run from the repository root:
 *
 *   npx vite-node test/bench/floor-bench.ts -- --state-dir .crypto-bench [--port-base 19092] \
 *     [--kafka-records 5000] [--pg-count 5000] [--record-size 230]
 *
 * Kafka's tool reports whole milliseconds; CommitLatency microseconds. The sum of the two p50s is roughly the
 * lowest p50 any engine can reach here (percentiles do not add exactly; the baseline also waits for the poll
 * and for the write before it).
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { resolveStackConfig } from '../../src/lib/config/stack-config.js';
import { connectAdmin, ensureTopic } from '../../src/lib/engines/kafka.js';
import { connect, jdbcUrl } from '../../src/lib/engines/postgres.js';
import { engineTables } from '../../src/lib/engines/schema.js';

const { values } = parseArgs({
  options: {
    'state-dir': { type: 'string', default: '.crypto-bench' },
    'port-base': { type: 'string', default: '19092' },
    'kafka-records': { type: 'string', default: '5000' },
    'pg-count': { type: 'string', default: '5000' },
    'record-size': { type: 'string', default: '230' },
    java: {
      type: 'string',
      default: process.env.JAVA_HOME ? path.join(process.env.JAVA_HOME, 'bin', 'java') : 'java',
    },
  },
  allowPositionals: true,
});

const config = resolveStackConfig({
  'state-dir': values['state-dir'],
  'port-base': Number(values['port-base']),
});
const bootstrap = `${config.host}:${config.ports.kafka}`;
const java = values.java ?? 'java';
const run = promisify(execFile);

/** Percentiles of one measurement, µs. */
interface Latency {
  p50Us: number;
  p99Us: number;
  p999Us: number;
  meanUs: number;
}

/** Kafka's EndToEndLatency on a fresh topic made like the benchmark's (3 partitions, append time). */
async function kafkaEndToEnd(): Promise<Latency> {
  const topic = `floor_e2e_${Date.now()}`;
  const admin = await connectAdmin(config);
  await ensureTopic(admin, DEFAULTS.topicPartitions, topic);
  await admin.disconnect();
  const { stdout } = await run(
    java,
    [
      '-Xmx256m',
      '-cp',
      'jobs/kafka-broker/target/lib/*',
      'org.apache.kafka.tools.EndToEndLatency',
      '--bootstrap-server',
      bootstrap,
      '--topic',
      topic,
      '--num-records',
      values['kafka-records'] ?? '5000',
      '--producer-acks',
      'all',
      '--record-size',
      values['record-size'] ?? '230',
    ],
    { maxBuffer: 16 * 1024 * 1024 },
  );
  const avg = /Avg latency: ([\d.]+) ms/.exec(stdout);
  const pct = /Percentiles: 50th = (\d+), 99th = (\d+), 99.9th = (\d+)/.exec(stdout);
  if (!avg || !pct) throw new Error(`EndToEndLatency printed no figures:\n${stdout}`);
  return {
    meanUs: Number(avg[1]) * 1000,
    p50Us: Number(pct[1]) * 1000,
    p99Us: Number(pct[2]) * 1000,
    p999Us: Number(pct[3]) * 1000,
  };
}

/** CommitLatency into scratch copies of the baseline's tables, dropped afterwards. */
async function postgresCommit(explicitTransaction: boolean): Promise<Latency> {
  const tables = engineTables('baseline');
  const client = await connect(config);
  const probe = 'floor_probe';
  const deadProbe = 'floor_probe_dead';
  try {
    await client.query(`DROP TABLE IF EXISTS ${probe}, ${deadProbe}`);
    await client.query(`CREATE TABLE ${probe} (LIKE ${tables.raw} INCLUDING ALL)`);
    await client.query(`CREATE TABLE ${deadProbe} (LIKE ${tables.deadLetters} INCLUDING ALL)`);
    const { stdout } = await run(java, [
      '-Xmx128m',
      '-cp',
      'jobs/baseline-job/target/baseline-job.jar:jobs/baseline-job/target/lib/*',
      'dev.cryptobench.baseline.CommitLatency',
      '--jdbc-url',
      jdbcUrl(`${config.host}:${config.ports.postgres}`),
      '--jdbc-password-file',
      path.join(config.stateDir, 'postgres.password'),
      '--state-dir',
      config.stateDir,
      '--table',
      probe,
      '--dead-letter-table',
      deadProbe,
      '--count',
      values['pg-count'] ?? '5000',
      '--explicit-transaction',
      String(explicitTransaction),
    ]);
    return JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as Latency;
  } finally {
    await client.query(`DROP TABLE IF EXISTS ${probe}, ${deadProbe}`);
    await client.end();
  }
}

const ms = (us: number) => (us / 1000).toFixed(2).padStart(8);
const line = (label: string, l: Latency) =>
  `${label.padEnd(44)} ${ms(l.p50Us)} ${ms(l.p99Us)} ${ms(l.p999Us)} ${ms(l.meanUs)}`;

const settings = await connect(config);
const server = await settings.query<{ name: string; setting: string }>(
  `SELECT name, setting FROM pg_settings WHERE name IN ('synchronous_commit', 'fsync', 'wal_sync_method', 'server_version')`,
);
await settings.end();
const kafka = await kafkaEndToEnd();
const autocommit = await postgresCommit(false);
const explicit = await postgresCommit(true);
console.log(`Kafka ${bootstrap}, PostgreSQL ${config.host}:${config.ports.postgres}`);
console.log(`PostgreSQL ${server.rows.map((r) => `${r.name}=${r.setting}`).join(', ')}`);
console.log(`${''.padEnd(44)}  p50 ms   p99 ms  p999 ms  mean ms`);
console.log(line('Kafka EndToEndLatency (acks=all)', kafka));
console.log(line('PostgreSQL 1-row write, autocommit (baseline)', autocommit));
console.log(line('PostgreSQL 1-row write, BEGIN … COMMIT', explicit));
console.log(
  line('floor estimate: Kafka + autocommit write', {
    p50Us: kafka.p50Us + autocommit.p50Us,
    p99Us: kafka.p99Us + autocommit.p99Us,
    p999Us: kafka.p999Us + autocommit.p999Us,
    meanUs: kafka.meanUs + autocommit.meanUs,
  }),
);
