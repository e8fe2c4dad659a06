import path from 'node:path';
import { DEFAULTS, type Engine } from '../config/defaults.js';
import type { StackConfig } from '../config/stack-config.js';
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
import { jdbcUrl } from './postgres.js';
import { engineTables } from './schema.js';

/** How each engine's job is packaged and launched. */
const JOBS: Record<Engine, { module: JobModule; mainClass: string; versionOf: [JobModule, string] }> = {
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

/** Arguments every job takes: where to read, where to write, where to keep state. */
function commonArgs(engine: Engine, config: StackConfig): string[] {
  const paths = statePaths(config.stateDir);
  const tables = engineTables(engine);
  return [
    '--bootstrap',
    `${config.host}:${config.ports.kafka}`,
    '--topic',
    DEFAULTS.topic,
    '--group',
    `crypto-bench-${engine}`,
    '--jdbc-url',
    jdbcUrl(config),
    '--jdbc-user',
    DEFAULTS.databaseUser,
    '--jdbc-password-file',
    paths.passwordFile,
    '--table',
    tables.raw,
    '--dead-letter-table',
    tables.deadLetters,
    '--state-dir',
    paths.checkpoints,
  ];
}

/** Arguments specific to one engine, from the job settings. */
function engineArgs(engine: Engine, config: StackConfig): string[] {
  const jobs = config.jobs;
  switch (engine) {
    case 'spark':
      return [
        '--trigger',
        jobs.sparkRealtime ? 'realtime' : `${jobs.sparkTriggerMs}ms`,
        '--ui-port',
        String(config.ports.sparkUi),
        '--master',
        'local[2]',
        '--shuffle-partitions',
        '2',
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
        '1',
        '--ui-port',
        String(config.ports.flinkUi),
      ];
    case 'baseline':
      return ['--batch-size', String(jobs.baselineBatchSize)];
  }
}

/** The process that runs one engine's job: plain `java` with the module's classpath. */
export function jobProcess(engine: Engine, config: StackConfig, java: JavaRuntime): ProcessSpec {
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
      ...commonArgs(engine, config),
      ...engineArgs(engine, config),
    ],
    cwd: packageRoot(),
    // Spark takes the UI's bind address only from this variable; without it the UI listens on every interface.
    env: engine === 'spark' ? { SPARK_LOCAL_IP: config.host } : undefined,
    logFile: path.join(paths.logs, `${engine}.log`),
  };
}
