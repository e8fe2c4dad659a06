import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { StackConfig } from '../../config/stack-config.js';
import { UsageError } from '../../errors.js';
import { kafkaAccess } from '../../engines/access.js';
import { engineVersion } from '../../engines/jobs.js';
import { connectAdmin, ensureTopic } from '../../engines/kafka.js';
import { applyDdl, ensureDatabase } from '../../engines/postgres.js';
import { waitUntilConsuming } from '../../engines/probe.js';
import { engineDdl } from '../../engines/schema.js';
import { SparkMaster } from '../../engines/spark-master.js';
import { taskList, type ProgressOptions } from '../../render/progress.js';
import { buildJobsTask, checkJavaTask } from '../java-tasks.js';
import type { JavaRuntime } from '../java.js';
import {
  clearState,
  readState,
  STATE_SCHEMA_VERSION,
  statePaths,
  writeState,
  type StackState,
} from '../state.js';
import type { UpResult } from '../types.js';
import {
  checkFlinkSlots,
  clusterSpec,
  clusterState,
  clusterWatch,
  launchClusterJobs,
  stopClusterJobs,
  waitForSparkExecutors,
} from './jobs.js';
import { clusterStatus } from './status.js';

interface UpContext {
  java?: JavaRuntime;
  state: StackState;
  buildMs?: number;
}

/**
 * `up` on existing services: checks every one the cluster file names (Kafka, PostgreSQL with commit
 * timestamps, the Flink session cluster's free slots, the Spark master), creates the topic and tables,
 * submits the jobs (Flink over REST, Spark with spark-submit in client mode, the baseline here) and waits until
 * every job commits a probe from every partition. Starts no service. On any failure it cancels and stops what
 * it submitted, so nothing of crypto-bench is left on the cluster.
 */
export async function upCluster(config: StackConfig, progress: ProgressOptions): Promise<UpResult> {
  const startedAt = Date.now();
  const spec = clusterSpec(config);
  if (readState(config.stateDir)) {
    return { ...(await clusterStatus(config.stateDir)), alreadyRunning: true, upMs: 0, clearedStale: [] };
  }
  for (const engine of config.engines) {
    if (engine !== 'baseline' && !spec[engine]) {
      throw new UsageError(`${spec.file} has no ${engine} section, so ${engine} cannot run`, {
        suggestions: [`Add a ${engine} section, or leave ${engine} out with --engines`],
      });
    }
  }
  mkdirSync(path.join(config.stateDir, 'tmp'), { recursive: true });
  mkdirSync(statePaths(config.stateDir).logs, { recursive: true });
  const ctx: UpContext = {
    state: {
      schemaVersion: STATE_SCHEMA_VERSION,
      runtime: 'cluster',
      startedAt: new Date(startedAt).toISOString(),
      ports: config.ports,
      config,
      services: {},
      cluster: { versions: {} },
    },
  };
  const versions = clusterState(ctx.state).versions;
  const tasks = taskList<UpContext>(
    [
      checkJavaTask(),
      buildJobsTask(config.stateDir),
      {
        title: 'Check PostgreSQL and create the tables',
        task: async (_, task) => {
          versions.postgres = await ensureDatabase(config);
          await applyDdl(
            config,
            config.engines.flatMap((engine) => engineDdl(engine)),
          );
          task.title = `PostgreSQL ${versions.postgres} at ${spec.postgres.host}:${spec.postgres.port}/${spec.postgres.database}`;
        },
      },
      {
        title: 'Check Kafka and the topic',
        task: async (_, task) => {
          const admin = await connectAdmin(config);
          try {
            const access = kafkaAccess(config);
            await ensureTopic(admin, access.partitions, access.topic, {
              replicationFactor: access.replicationFactor,
              create: access.createTopic,
            });
            const brokers = (await admin.describeCluster()).brokers.length;
            task.title = `Kafka: ${brokers} brokers, topic ${access.topic} (${access.partitions} partitions)`;
          } finally {
            await admin.disconnect();
          }
        },
      },
      {
        title: 'Check the Flink session cluster',
        skip: () => !config.engines.includes('flink') && 'Flink not asked for',
        task: async (_, task) => {
          versions.flink = await checkFlinkSlots(config);
          task.title = `Flink ${versions.flink} at ${spec.flink?.rest}`;
        },
      },
      {
        title: 'Check the Spark master',
        skip: () =>
          (!config.engines.includes('spark') || !spec.spark?.masterUi) && 'no Spark master UI to check',
        task: async (_, task) => {
          const overview = await new SparkMaster(spec.spark?.masterUi as string).overview();
          task.title = `Spark master ${spec.spark?.master}: ${overview.status}, ${overview.workers.filter((w) => w.state === 'ALIVE').length} workers`;
        },
      },
      {
        title: `Submit the jobs: ${config.engines.join(', ')}`,
        task: async (c) => {
          writeState(config.stateDir, c.state);
          await launchClusterJobs(c.state, config.engines, c.java as JavaRuntime);
          if (config.engines.includes('spark')) versions.spark = engineVersion('spark');
          if (config.engines.includes('spark')) await waitForSparkExecutors(c.state, config.upTimeoutMs);
        },
      },
      {
        title: 'Wait until every job consumes and commits',
        task: (c, task) =>
          waitUntilConsuming(
            config,
            config.engines,
            startedAt + config.upTimeoutMs,
            clusterWatch(c.state, (line) => {
              if (task.output !== line) task.output = line;
            }),
          ),
      },
    ],
    progress,
  );
  try {
    await tasks.run(ctx);
  } catch (error) {
    await stopClusterJobs(ctx.state, config.engines).catch(() => undefined);
    clearState(config.stateDir);
    throw error;
  }
  writeState(config.stateDir, ctx.state);
  return {
    ...(await clusterStatus(config.stateDir)),
    alreadyRunning: false,
    upMs: Date.now() - startedAt,
    buildMs: ctx.buildMs,
    clearedStale: [],
  };
}
