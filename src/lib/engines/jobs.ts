import path from 'node:path';
import { DEFAULTS, type Engine } from '../config/defaults.js';
import { parallelismOf, type StackConfig } from '../config/stack-config.js';
import {
  jarVersion,
  jvmOptions,
  moduleClasspath,
  packageRoot,
  type JavaRuntime,
  type JobModule,
} from '../runtime/java.js';
import type { ProcessSpec } from '../runtime/processes.js';
import { statePaths } from '../runtime/state.js';
import { kafkaAccess, kafkaPropertiesArg, postgresAccess } from './access.js';
import { jdbcUrl } from './postgres.js';
import { engineTables } from './schema.js';

/** How each engine's job is packaged and launched. */
export const JOBS: Record<Engine, { module: JobModule; mainClass: string; versionOf: [JobModule, string] }> =
  {
    spark: {
      module: 'spark-job',
      mainClass: 'dev.cryptobench.spark.SparkJob',
      versionOf: ['spark-job', 'spark-core_2.13'],
    },
    flink: {
      module: 'flink-job',
      mainClass: 'dev.cryptobench.flink.FlinkJob',
      versionOf: ['flink-job', 'flink-runtime'],
    },
    baseline: {
      module: 'baseline-job',
      mainClass: 'dev.cryptobench.baseline.BaselineJob',
      versionOf: ['baseline-job', 'kafka-clients'],
    },
  };

/** Version of the engine behind a job, read from the jars it runs with (baseline: its Kafka client). */
export function engineVersion(engine: Engine): string | undefined {
  const [module, artifact] = JOBS[engine].versionOf;
  return jarVersion(module, artifact);
}

/** The UI port of an engine's job, when it has one. */
export function uiPort(engine: Engine, config: StackConfig): number | undefined {
  if (engine === 'spark') return config.ports.sparkUi;
  if (engine === 'flink') return config.ports.flinkUi;
  return undefined;
}

/**
 * Where a job runs, as the job sees it: how it reaches Kafka and PostgreSQL and where its files are. The local
 * runtime's jobs see the host; the docker runtime's see container names and volume paths.
 */
export interface JobPlacement {
  /** Kafka bootstrap address, host:port. */
  bootstrap: string;
  /** PostgreSQL address, host:port. */
  postgres: string;
  /** File holding the database password, as the job sees it. */
  passwordFile: string;
  /**
   * The password itself instead, for jobs on a cluster that cannot read the CLI's files (it is then visible to
   * whoever can read the job's arguments on that cluster: use a benchmark-only database user).
   */
  passwordInline?: string;
  /** Directory the jobs keep checkpoints and scratch files in. */
  stateDir: string;
  /** Spark master URL. */
  sparkMaster: string;
  /** Cores Spark's executors hold in all (a cluster's); the shuffle partitions follow it. */
  sparkCores?: number;
  /** Address the Spark executors reach the driver at, when not 127.0.0.1. */
  sparkDriverHost?: string;
  /** Port of the Spark UI and of the Flink web UI, as the job binds them. */
  sparkUiPort: number;
  flinkUiPort: number;
}

/** The local runtime's placement: everything on the host, in the state directory. */
export function localPlacement(config: StackConfig): JobPlacement {
  const paths = statePaths(config.stateDir);
  return {
    bootstrap: `${config.host}:${config.ports.kafka}`,
    postgres: `${config.host}:${config.ports.postgres}`,
    passwordFile: paths.passwordFile,
    stateDir: paths.checkpoints,
    // Spark's local mode: one thread per unit of parallelism, at least two (the gold queries need a second).
    sparkMaster: `local[${Math.max(2, parallelismOf(config.jobs, 'spark'))}]`,
    sparkUiPort: config.ports.sparkUi,
    flinkUiPort: config.ports.flinkUi,
  };
}

/** The arguments of an engine's job: where it reads and writes, and the stack's job settings. */
export function jobArgs(engine: Engine, config: StackConfig, placement: JobPlacement): string[] {
  return [...commonArgs(engine, config, placement), ...engineArgs(engine, config, placement)];
}

/** Arguments every job takes: where to read, where to write, where to keep state. */
function commonArgs(engine: Engine, config: StackConfig, placement: JobPlacement): string[] {
  const tables = engineTables(engine);
  const kafka = kafkaAccess(config);
  const postgres = postgresAccess(config);
  return [
    '--bootstrap',
    placement.bootstrap,
    '--topic',
    kafka.topic,
    ...kafkaPropertiesArg(kafka.properties),
    '--group',
    `crypto-bench-${engine}`,
    '--jdbc-url',
    jdbcUrl(placement.postgres, postgres.database),
    '--jdbc-user',
    postgres.user,
    ...(placement.passwordInline === undefined
      ? ['--jdbc-password-file', placement.passwordFile]
      : ['--jdbc-password', placement.passwordInline]),
    '--table',
    tables.raw,
    '--dead-letter-table',
    tables.deadLetters,
    '--state-dir',
    placement.stateDir,
  ];
}

/** Arguments specific to one engine, from the job settings. */
function engineArgs(engine: Engine, config: StackConfig, placement: JobPlacement): string[] {
  const jobs = config.jobs;
  // A stack started before these settings existed has none: the defaults are what it ran.
  const delivery = ['--delivery', jobs.delivery ?? DEFAULTS.delivery];
  const stateBackend = ['--state-backend', jobs.stateBackend ?? DEFAULTS.stateBackend];
  switch (engine) {
    case 'spark':
      return [
        '--trigger',
        jobs.sparkRealtime ? 'realtime' : `${jobs.sparkTriggerMs}ms`,
        '--ui-port',
        String(placement.sparkUiPort),
        '--master',
        placement.sparkMaster,
        '--shuffle-partitions',
        String(Math.max(2, placement.sparkCores ?? parallelismOf(jobs, 'spark'))),
        ...(placement.sparkDriverHost ? ['--driver-host', placement.sparkDriverHost] : []),
        // Real-Time Mode cannot aggregate (stateless operators only), so gold is off there.
        '--gold',
        String(jobs.gold && !jobs.sparkRealtime),
        ...delivery,
        ...stateBackend,
      ];
    case 'flink':
      return [
        '--buffer-timeout-ms',
        String(jobs.flinkBufferTimeoutMs),
        '--batch-size',
        String(jobs.flinkBatchSize),
        '--batch-interval-ms',
        String(jobs.flinkBatchIntervalMs),
        '--checkpoint-interval-ms',
        String(jobs.flinkCheckpointIntervalMs),
        '--parallelism',
        String(parallelismOf(jobs, 'flink')),
        '--ui-port',
        String(placement.flinkUiPort),
        '--gold',
        String(jobs.gold),
        ...delivery,
        ...stateBackend,
      ];
    case 'baseline':
      return [
        '--batch-size',
        String(jobs.baselineBatchSize),
        // Consumer threads in the one consumer group, each with its own connection.
        '--threads',
        String(parallelismOf(jobs, 'baseline')),
        ...delivery,
      ];
  }
}

/**
 * The process that runs one engine's job on this host: plain `java` with the module's classpath, reaching
 * Kafka and PostgreSQL as `placement` says (the local runtime's by default).
 */
export function jobProcess(
  engine: Engine,
  config: StackConfig,
  java: JavaRuntime,
  placement: JobPlacement = localPlacement(config),
): ProcessSpec {
  const job = JOBS[engine];
  const paths = statePaths(config.stateDir);
  return {
    command: java.executable,
    args: [
      `-Xmx${DEFAULTS.heapMb[engine]}m`,
      ...jvmOptions(),
      // Marks the process as this stack's, so `down` never stops a stranger that reused the pid.
      `-Dcrypto-bench.state-dir=${config.stateDir}`,
      `-Djava.io.tmpdir=${path.join(paths.root, 'tmp')}`,
      '-cp',
      moduleClasspath(job.module),
      job.mainClass,
      ...jobArgs(engine, config, placement),
    ],
    cwd: packageRoot(),
    // Spark takes the UI's bind address only from this variable; without it the UI listens on every interface.
    env: engine === 'spark' ? { SPARK_LOCAL_IP: config.host } : undefined,
    logFile: path.join(paths.logs, `${engine}.log`),
  };
}
