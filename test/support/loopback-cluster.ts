import { execFile } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { resolveStackConfig, type StackConfig } from '../../src/lib/config/stack-config.js';
import { newClusterId, BROKER_LOG4J } from '../../src/lib/engines/kafka.js';
import {
  ensureDatabase,
  findPostgres,
  initPostgres,
  postgresProcess,
  postgresUser,
} from '../../src/lib/engines/postgres.js';
import { FlinkRest } from '../../src/lib/engines/flink-rest.js';
import { SparkMaster } from '../../src/lib/engines/spark-master.js';
import { findJava, jvmOptions, moduleClasspath, modulePaths } from '../../src/lib/runtime/java.js';
import { isListening } from '../../src/lib/runtime/ports.js';
import { startDetached, stopGroup, type ProcessSpec } from '../../src/lib/runtime/processes.js';
import { statePaths } from '../../src/lib/runtime/state.js';

const run = promisify(execFile);

/** The three "nodes" of the test cluster: each a loopback address of its own (never any other address). */
export const NODES = ['127.0.0.11', '127.0.0.12', '127.0.0.13'] as const;

/** SASL/PLAIN user the brokers' second listener accepts. */
export const SASL_USER = { username: 'bench', password: 'bench-secret' };

/** A real multi-node cluster on this machine, as a user's production cluster would be, and how to reach it. */
export interface LoopbackCluster {
  dir: string;
  /** PLAINTEXT bootstrap of the three brokers. */
  bootstrap: string;
  /** SASL_PLAINTEXT (PLAIN) bootstrap of the same brokers. */
  saslBootstrap: string;
  flinkRest: string;
  sparkMaster: string;
  sparkMasterUi: string;
  postgresUrl: string;
  passwordFile: string;
  /** Stops every process it started. */
  stop: () => Promise<void>;
}

/**
 * Starts Kafka (KRaft: a controller and three brokers, on .11, .12, .13), a Flink standalone session cluster
 * (JobManager on .11, TaskManagers on .12 and .13, one slot each), a Spark standalone cluster (master on .11,
 * workers on .12 and .13, one core each) and PostgreSQL (.11), from the very jars the jobs are built with.
 * `base` is the first of ten ports; each node uses the same port numbers on its own address.
 */
export async function startLoopbackCluster(base: number): Promise<LoopbackCluster> {
  const dir = mkdtempSync(path.join(tmpdir(), 'cb-loopback-'));
  chmodSync(dir, 0o755);
  const java = await findJava();
  const pids: number[] = [];
  const start = async (name: string, spec: Omit<ProcessSpec, 'logFile'>) => {
    const pid = await startDetached({ ...spec, logFile: path.join(dir, 'logs', `${name}.log`) });
    pids.push(pid);
  };
  const stop = async () => {
    for (const pid of [...pids].reverse()) await stopGroup(pid, 'SIGTERM').catch(() => undefined);
  };
  const port = { controller: base, kafka: base + 1, sasl: base + 2, flinkRpc: base + 3, flinkRest: base + 4 };
  const more = { sparkMaster: base + 5, sparkUi: base + 6, sparkWorkerUi: base + 7, postgres: base + 8 };
  try {
    await startKafka(dir, java.executable, port, start);
    await startFlink(dir, java.executable, port, start);
    await startSpark(dir, java.executable, more, start);
    const { passwordFile } = await startPostgres(dir, more.postgres, start);
    const cluster: LoopbackCluster = {
      dir,
      bootstrap: NODES.map((node) => `${node}:${port.kafka}`).join(','),
      saslBootstrap: NODES.map((node) => `${node}:${port.sasl}`).join(','),
      flinkRest: `http://127.0.0.1:${port.flinkRest}`,
      sparkMaster: `spark://${NODES[0]}:${more.sparkMaster}`,
      sparkMasterUi: `http://${NODES[0]}:${more.sparkUi}`,
      postgresUrl: `postgresql://cryptobench@${NODES[0]}:${more.postgres}/cryptobench`,
      passwordFile,
      stop,
    };
    await waitUntilReady(cluster);
    return cluster;
  } catch (error) {
    await stop();
    throw error;
  }
}

type Start = (name: string, spec: Omit<ProcessSpec, 'logFile'>) => Promise<void>;

async function startKafka(
  dir: string,
  javaBin: string,
  port: { controller: number; kafka: number; sasl: number },
  start: Start,
): Promise<void> {
  const clusterId = newClusterId();
  const voter = `100@${NODES[0]}:${port.controller}`;
  const jaas = `org.apache.kafka.common.security.plain.PlainLoginModule required username="admin" password="admin-secret" user_admin="admin-secret" user_${SASL_USER.username}="${SASL_USER.password}";`;
  const log4j = path.join(dir, 'kafka-log4j2.properties');
  writeFileSync(log4j, BROKER_LOG4J);
  const nodes = [
    { id: 100, name: 'kafka-controller', host: NODES[0], roles: 'controller' },
    ...NODES.map((host, i) => ({ id: i + 1, name: `kafka-${i + 1}`, host, roles: 'broker' })),
  ];
  for (const node of nodes) {
    const logDir = path.join(dir, node.name);
    const properties = path.join(dir, `${node.name}.properties`);
    const common = [
      `process.roles=${node.roles}`,
      `node.id=${node.id}`,
      `controller.quorum.voters=${voter}`,
      'controller.listener.names=CONTROLLER',
      `log.dirs=${logDir}`,
    ];
    const lines =
      node.roles === 'controller'
        ? [
            ...common,
            `listeners=CONTROLLER://${node.host}:${port.controller}`,
            'listener.security.protocol.map=CONTROLLER:PLAINTEXT',
          ]
        : [
            ...common,
            `listeners=PLAINTEXT://${node.host}:${port.kafka},SASL_PLAINTEXT://${node.host}:${port.sasl}`,
            `advertised.listeners=PLAINTEXT://${node.host}:${port.kafka},SASL_PLAINTEXT://${node.host}:${port.sasl}`,
            'inter.broker.listener.name=PLAINTEXT',
            'listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT',
            'sasl.enabled.mechanisms=PLAIN',
            `listener.name.sasl_plaintext.plain.sasl.jaas.config=${jaas}`,
            'offsets.topic.replication.factor=3',
            'transaction.state.log.replication.factor=3',
            'transaction.state.log.min.isr=2',
            'group.initial.rebalance.delay.ms=0',
            'auto.create.topics.enable=false',
          ];
    writeFileSync(properties, `${lines.join('\n')}\n`);
    const classpath = ['-cp', moduleClasspath('kafka-broker')];
    await run(javaBin, [
      ...jvmOptions(),
      `-Dlog4j2.configurationFile=${log4j}`,
      ...classpath,
      'kafka.tools.StorageTool',
      'format',
      `--cluster-id=${clusterId}`,
      '-c',
      properties,
    ]);
    await start(node.name, {
      command: javaBin,
      args: [
        '-Xmx256m',
        '-Xms256m',
        ...jvmOptions(),
        `-Dlog4j2.configurationFile=${log4j}`,
        ...classpath,
        'kafka.Kafka',
        properties,
      ],
    });
  }
}

async function startFlink(
  dir: string,
  javaBin: string,
  port: { flinkRpc: number; flinkRest: number },
  start: Start,
): Promise<void> {
  // The JobManager's node is 127.0.0.1: with jobmanager.bind-host set to another address, Flink 2.0's own
  // jar submission uploads to its BlobServer at "localhost" and fails (FLINK-38109, fixed in later releases).
  const jobManager = '127.0.0.1';
  const conf = path.join(dir, 'flink-conf');
  mkdirSync(conf, { recursive: true });
  writeFileSync(
    path.join(conf, 'config.yaml'),
    [
      `jobmanager.rpc.address: ${jobManager}`,
      `jobmanager.rpc.port: ${port.flinkRpc}`,
      `jobmanager.bind-host: ${jobManager}`,
      'jobmanager.memory.process.size: 1024m',
      'taskmanager.numberOfTaskSlots: 1',
      'taskmanager.memory.process.size: 768m',
      'taskmanager.memory.managed.size: 0m',
      `rest.address: ${jobManager}`,
      `rest.bind-address: ${jobManager}`,
      `rest.port: ${port.flinkRest}`,
      `web.upload.dir: ${path.join(dir, 'flink-upload')}`,
      `io.tmp.dirs: ${path.join(dir, 'flink-tmp')}`,
      'cluster.intercept-user-system-exit: THROW',
      '',
    ].join('\n'),
  );
  writeFileSync(path.join(conf, 'log4j2.properties'), BROKER_LOG4J.replace(/logger\.server.*\n/g, ''));
  const classpath = path.join(flinkDistribution(dir), '*');
  const roles = [
    {
      name: 'flink-jobmanager',
      main: 'org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint',
      params: 'GET_JM_RESOURCE_PARAMS',
      host: jobManager,
      extra: [] as string[],
    },
    ...NODES.slice(1).map((host, i) => ({
      name: `flink-taskmanager-${i + 1}`,
      main: 'org.apache.flink.runtime.taskexecutor.TaskManagerRunner',
      params: 'GET_TM_RESOURCE_PARAMS',
      host,
      extra: [`-Dtaskmanager.host=${host}`, `-Dtaskmanager.bind-host=${host}`],
    })),
  ];
  for (const role of roles) {
    // What Flink's jobmanager.sh / taskmanager.sh do: BashJavaUtils turns the process memory into JVM flags.
    const { stdout } = await run(javaBin, [
      '-cp',
      classpath,
      'org.apache.flink.runtime.util.bash.BashJavaUtils',
      role.params,
      '--configDir',
      conf,
      ...role.extra,
    ]);
    const results = stdout
      .split('\n')
      .filter((l) => l.startsWith('BASH_JAVA_UTILS_EXEC_RESULT:'))
      .map((l) => l.slice('BASH_JAVA_UTILS_EXEC_RESULT:'.length));
    const [jvmMemory = '', memorySettings = ''] = results.length === 1 ? [results[0], ''] : results;
    await start(role.name, {
      command: javaBin,
      args: [
        ...jvmMemory.trim().split(/\s+/).filter(Boolean),
        ...jvmOptions(),
        `-Dlog4j2.configurationFile=${path.join(conf, 'log4j2.properties')}`,
        '-cp',
        classpath,
        role.main,
        '--configDir',
        conf,
        ...memorySettings.trim().split(/\s+/).filter(Boolean),
        ...role.extra,
      ],
    });
  }
}

/**
 * What a Flink distribution's lib/ holds: Flink itself, none of the connectors. Made from the Flink job's
 * dependencies less what its self-contained cluster jar bundles, so the test proves that jar is self-contained.
 */
function flinkDistribution(dir: string): string {
  const lib = path.join(dir, 'flink-lib');
  mkdirSync(lib, { recursive: true });
  // Flink's distribution ships the datagen connector inside flink-dist (its DataStream API uses it).
  const bundled =
    /^(flink-connector-(?!datagen)|kafka-clients|postgresql|common-|jackson-|zstd-jni|snappy-java|lz4-java)/;
  for (const jar of readdirSync(modulePaths('flink-job').lib)) {
    if (!bundled.test(jar)) symlinkSync(path.join(modulePaths('flink-job').lib, jar), path.join(lib, jar));
  }
  return lib;
}

async function startSpark(
  dir: string,
  javaBin: string,
  port: { sparkMaster: number; sparkUi: number; sparkWorkerUi: number },
  start: Start,
): Promise<void> {
  // A standalone worker builds each executor's classpath from $SPARK_HOME/jars.
  const home = path.join(dir, 'spark-home');
  mkdirSync(home, { recursive: true });
  symlinkSync(modulePaths('spark-job').lib, path.join(home, 'jars'));
  const env = { SPARK_HOME: home, SPARK_SCALA_VERSION: '2.13', SPARK_LOG_DIR: path.join(dir, 'logs') };
  const classpath = ['-cp', path.join(modulePaths('spark-job').lib, '*')];
  await start('spark-master', {
    command: javaBin,
    args: [
      '-Xmx256m',
      ...jvmOptions(),
      ...classpath,
      'org.apache.spark.deploy.master.Master',
      '--host',
      NODES[0],
      '--port',
      String(port.sparkMaster),
      '--webui-port',
      String(port.sparkUi),
    ],
    env: { ...env, SPARK_LOCAL_IP: NODES[0] },
  });
  for (const [i, host] of NODES.slice(1).entries()) {
    await start(`spark-worker-${i + 1}`, {
      command: javaBin,
      args: [
        '-Xmx256m',
        ...jvmOptions(),
        ...classpath,
        'org.apache.spark.deploy.worker.Worker',
        '--host',
        host,
        '--webui-port',
        String(port.sparkWorkerUi),
        '--cores',
        '1',
        '--memory',
        '1g',
        '--work-dir',
        path.join(dir, `spark-work-${i + 1}`),
        `spark://${NODES[0]}:${port.sparkMaster}`,
      ],
      env: { ...env, SPARK_LOCAL_IP: host },
    });
  }
}

async function startPostgres(dir: string, pgPort: number, start: Start): Promise<{ passwordFile: string }> {
  const stateDir = path.join(dir, 'postgres');
  mkdirSync(stateDir, { recursive: true });
  chmodSync(stateDir, 0o755);
  const config: StackConfig = {
    ...resolveStackConfig({ 'state-dir': stateDir, 'postgres-port': pgPort }),
    host: NODES[0],
  };
  const user = postgresUser();
  const binaries = await findPostgres(user);
  initPostgres(stateDir, binaries, user);
  const spec = postgresProcess(config, binaries, user);
  await start('postgres', spec);
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      await ensureDatabase(config);
      break;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await sleep(500);
    }
  }
  return { passwordFile: statePaths(stateDir).passwordFile };
}

/** Waits until the brokers, both TaskManagers and both Spark workers have joined. */
async function waitUntilReady(cluster: LoopbackCluster): Promise<void> {
  const deadline = Date.now() + 240_000;
  const flink = new FlinkRest(cluster.flinkRest);
  const spark = new SparkMaster(cluster.sparkMasterUi);
  for (;;) {
    const brokers = await Promise.all(
      cluster.bootstrap
        .split(',')
        .map((hp) => isListening(Number(hp.split(':')[1]), hp.split(':')[0] as string)),
    );
    const overview = await flink.overview();
    const workers = await spark.overview().then(
      (o) => o.workers.filter((w) => w.state === 'ALIVE').length,
      () => 0,
    );
    if (brokers.every(Boolean) && overview?.taskmanagers === 2 && workers === 2) return;
    if (Date.now() > deadline) {
      throw new Error(
        `the loopback cluster did not come up: brokers ${brokers}, TaskManagers ${overview?.taskmanagers}, Spark workers ${workers} (logs in ${cluster.dir}/logs)`,
      );
    }
    await sleep(1000);
  }
}

/** A cluster file for the loopback cluster (SASL/PLAIN when `sasl`). */
export function clusterFile(
  cluster: LoopbackCluster,
  options: { sasl?: boolean; partitions: number; topic?: string },
): string {
  const file = path.join(cluster.dir, `cluster${options.sasl ? '-sasl' : ''}.yaml`);
  const kafka = options.sasl
    ? `kafka:
  bootstrap: ${cluster.saslBootstrap}
  properties:
    security.protocol: SASL_PLAINTEXT
    sasl.mechanism: PLAIN
    sasl.jaas.config: 'org.apache.kafka.common.security.plain.PlainLoginModule required username="${SASL_USER.username}" password="${SASL_USER.password}";'
`
    : `kafka:
  bootstrap: ${cluster.bootstrap}
`;
  writeFileSync(
    file,
    `${kafka}  topic: { name: ${options.topic ?? 'crypto_prices'}, partitions: ${options.partitions}, replicationFactor: 3 }
postgres:
  url: ${cluster.postgresUrl}
  passwordFile: ${cluster.passwordFile}
flink:
  rest: ${cluster.flinkRest}
spark:
  master: ${cluster.sparkMaster}
  masterUi: ${cluster.sparkMasterUi}
  executorCores: 1
  executorMemory: 512m
`,
  );
  return file;
}
