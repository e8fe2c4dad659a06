import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Engine } from '../../config/defaults.js';
import type { ClusterSpec } from '../../config/cluster-file.js';
import { mergeJobSettings, parallelismOf, type StackConfig } from '../../config/stack-config.js';
import { InfrastructureError, JobFailureError, UsageError } from '../../errors.js';
import { kafkaAccess, postgresAccess } from '../../engines/access.js';
import { FlinkRest } from '../../engines/flink-rest.js';
import { JOBS, jobArgs, jobProcess, type JobPlacement } from '../../engines/jobs.js';
import { waitUntilConsuming, type ConsumeWatch } from '../../engines/probe.js';
import { SparkMaster } from '../../engines/spark-master.js';
import {
  findJava,
  jvmOptions,
  moduleClasspath,
  modulePaths,
  packageRoot,
  type JavaRuntime,
} from '../java.js';
import { launchService, assertServiceAlive } from '../local/jobs.js';
import { isOurs, stopGroup, type ProcessSpec } from '../processes.js';
import type { StartJobsOptions } from '../runtime.js';
import { readState, statePaths, writeState, type ClusterState, type StackState } from '../state.js';

/** The name the Spark application runs under: the master lists it, `down` finds and kills only it. */
export function sparkAppName(stateDir: string): string {
  return `crypto-bench-spark-${path.basename(stateDir)}`;
}

/** The self-contained Flink job jar (connectors and PostgreSQL driver inside) uploaded to a session cluster. */
export function flinkClusterJar(): string {
  return path.join(modulePaths('flink-job').target, 'flink-job-cluster.jar');
}

/** The cluster file of a stack, which the cluster runtime always has. */
export function clusterSpec(config: StackConfig): ClusterSpec {
  if (!config.cluster) throw new UsageError('--runtime cluster needs --cluster FILE');
  return config.cluster;
}

/** The cluster state of a stack state, created when missing. */
export function clusterState(state: StackState): ClusterState {
  state.cluster ??= { versions: {} };
  return state.cluster;
}

/**
 * How the jobs reach the cluster's Kafka and PostgreSQL: the addresses of the cluster file, the password
 * itself (a job on another host cannot read the CLI's files), state under the state directory (on a cluster
 * of several hosts Flink's checkpoints then need a directory every TaskManager reaches: README).
 */
export function clusterPlacement(config: StackConfig): JobPlacement {
  const spec = clusterSpec(config);
  const postgres = postgresAccess(config);
  const executors = parallelismOf(config.jobs, 'spark');
  return {
    bootstrap: kafkaAccess(config).brokers.join(','),
    postgres: `${postgres.host}:${postgres.port}`,
    passwordFile: '',
    passwordInline: postgres.password(),
    stateDir: statePaths(config.stateDir).checkpoints,
    sparkMaster: spec.spark?.master ?? 'local[2]',
    sparkCores: executors * (spec.spark?.executorCores ?? 1),
    ...(spec.spark ? { sparkDriverHost: spec.spark.driverHost } : {}),
    sparkUiPort: config.ports.sparkUi,
    flinkUiPort: config.ports.flinkUi,
  };
}

/**
 * The Spark driver as spark-submit starts it, in client mode: `org.apache.spark.deploy.SparkSubmit` (what the
 * `spark-submit` script runs) with the job's jar and the connector jars the executors need, its resources
 * (executors = the Spark parallelism, each with the cluster file's cores and memory). Client mode because the
 * driver then runs here, supervised like every other job, and its jar needs no place on the cluster.
 */
export function sparkSubmitProcess(config: StackConfig, java: JavaRuntime): ProcessSpec {
  const spark = clusterSpec(config).spark;
  if (!spark) throw new UsageError('The cluster file has no spark section, so Spark cannot run');
  const placement = clusterPlacement(config);
  const executors = parallelismOf(config.jobs, 'spark');
  const lib = modulePaths('spark-job').lib;
  // What a Spark cluster does not ship: the Kafka source and client, the PostgreSQL driver, the shared module.
  const jars = [
    'spark-sql-kafka',
    'spark-token-provider-kafka',
    'kafka-clients',
    'commons-pool2',
    'postgresql',
    'common-',
  ]
    .map((prefix) => path.join(lib, `${prefix}*.jar`))
    .join(',');
  const conf: Record<string, string> = {
    'spark.executor.cores': String(spark.executorCores),
    'spark.executor.memory': spark.executorMemory,
    'spark.cores.max': String(executors * spark.executorCores),
    'spark.executor.instances': String(executors),
    ...spark.conf,
  };
  const paths = statePaths(config.stateDir);
  return {
    command: java.executable,
    args: [
      '-Xmx768m',
      ...jvmOptions(),
      `-Dcrypto-bench.state-dir=${config.stateDir}`,
      `-Djava.io.tmpdir=${path.join(paths.root, 'tmp')}`,
      '-cp',
      moduleClasspath('spark-job'),
      'org.apache.spark.deploy.SparkSubmit',
      '--master',
      spark.master,
      '--deploy-mode',
      'client',
      '--name',
      sparkAppName(config.stateDir),
      '--class',
      JOBS.spark.mainClass,
      '--jars',
      jars,
      ...Object.entries(conf).flatMap(([key, value]) => ['--conf', `${key}=${value}`]),
      modulePaths('spark-job').jar,
      ...jobArgs('spark', config, placement),
    ],
    cwd: packageRoot(),
    env: { SPARK_LOCAL_IP: spark.driverHost },
    logFile: path.join(paths.logs, 'spark.log'),
  };
}

/** The Flink session cluster's REST API of a stack. */
export function flinkRestOf(config: StackConfig): FlinkRest {
  const flink = clusterSpec(config).flink;
  if (!flink) throw new UsageError('The cluster file has no flink section, so Flink cannot run');
  return new FlinkRest(flink.rest);
}

/** Checks that the Flink cluster answers and has a free slot for every parallel task asked for. */
export async function checkFlinkSlots(config: StackConfig): Promise<string> {
  const rest = flinkRestOf(config);
  const overview = await rest.overview();
  if (!overview) {
    throw new InfrastructureError(
      `The Flink REST API is not reachable at ${clusterSpec(config).flink?.rest}`,
      {
        suggestions: ['Check flink.rest in the cluster file, and that the JobManager runs'],
      },
    );
  }
  const wanted = parallelismOf(config.jobs, 'flink');
  if (overview['slots-available'] < wanted) {
    throw new InfrastructureError(
      `The Flink cluster has ${overview['slots-available']} free task slots (${overview.taskmanagers} TaskManagers); the job needs ${wanted}`,
      { suggestions: ['Lower --parallelism flink=N, free slots (cancel other jobs), or add TaskManagers'] },
    );
  }
  return overview['flink-version'];
}

/** Uploads the self-contained jar (once per stack) and runs the Flink job at its parallelism. */
async function submitFlink(state: StackState): Promise<void> {
  const { config } = state;
  const rest = flinkRestOf(config);
  await checkFlinkSlots(config);
  const record = clusterState(state);
  if (!record.flinkJarId || !(await rest.hasJar(record.flinkJarId))) {
    record.flinkJarId = await rest.uploadJar(flinkClusterJar());
    writeState(config.stateDir, state);
  }
  record.flinkJobId = await rest.runJar(
    record.flinkJarId,
    JOBS.flink.mainClass,
    [...jobArgs('flink', config, clusterPlacement(config)), '--cluster', 'true'],
    parallelismOf(config.jobs, 'flink'),
  );
  writeState(config.stateDir, state);
}

/** Starts each engine's job: the Flink job over REST, the Spark driver and the baseline here. */
export async function launchClusterJobs(
  state: StackState,
  engines: Engine[],
  java: JavaRuntime,
): Promise<void> {
  for (const engine of engines) {
    if (engine === 'flink') await submitFlink(state);
    else if (engine === 'spark') await launchService(state, 'spark', sparkSubmitProcess(state.config, java));
    else
      await launchService(
        state,
        engine,
        jobProcess(engine, state.config, java, clusterPlacement(state.config)),
      );
  }
}

/** Stops these engines' jobs: cancels the Flink job, stops the Spark driver (its application ends) and kills it. */
export async function stopClusterJobs(state: StackState, engines: Engine[]): Promise<void> {
  const record = clusterState(state);
  const stateDir = state.config.stateDir;
  for (const engine of engines) {
    if (engine === 'flink') {
      if (record.flinkJobId) await flinkRestOf(state.config).cancel(record.flinkJobId);
      delete record.flinkJobId;
    } else {
      const service = state.services[engine];
      if (service && isOurs(service.pid, stateDir)) await stopGroup(service.pid, 'SIGTERM');
      delete state.services[engine];
      if (engine === 'spark') await killSparkApp(state);
    }
    writeState(stateDir, state);
  }
}

/** Kills the stack's Spark application on the master when it outlived its driver (standalone only). */
async function killSparkApp(state: StackState): Promise<void> {
  const ui = state.config.cluster?.spark?.masterUi;
  const record = clusterState(state);
  if (ui && record.sparkAppId) {
    const master = new SparkMaster(ui);
    const app = (await master.overview().catch(() => undefined))?.activeapps.find(
      (a) => a.id === record.sparkAppId,
    );
    if (app) await master.kill(app.id);
  }
  delete record.sparkAppId;
}

/**
 * Waits until the master has given the Spark application executors, and records its id. A master that
 * accepts the application but gives it no executors (no worker with enough free cores or memory) fails here.
 */
export async function waitForSparkExecutors(state: StackState, timeoutMs: number): Promise<void> {
  const ui = state.config.cluster?.spark?.masterUi;
  if (!ui) return;
  const master = new SparkMaster(ui);
  const name = sparkAppName(state.config.stateDir);
  const deadline = Date.now() + timeoutMs;
  let seen: string | undefined;
  for (;;) {
    assertServiceAlive(state, 'spark');
    const app = await master.activeApp(name);
    if (app) {
      seen = app.id;
      clusterState(state).sparkAppId = app.id;
      writeState(state.config.stateDir, state);
      if (app.cores > 0) return;
    }
    if (Date.now() > deadline) {
      throw new InfrastructureError(
        seen
          ? `The Spark master accepted the application ${seen} but gave it no executors within ${timeoutMs / 1000}s`
          : `The Spark application ${name} did not register with the master at ${ui} within ${timeoutMs / 1000}s`,
        {
          suggestions: [
            'Check that the master has workers with free cores and memory (spark.executorCores, spark.executorMemory), or lower --parallelism spark=N',
          ],
        },
      );
    }
    await sleep(1000);
  }
}

/** How `waitUntilConsuming` watches the cluster runtime's jobs: local processes alive, the Flink job not failed. */
export function clusterWatch(state: StackState, onOutput?: (line: string) => void): ConsumeWatch {
  return {
    assertAlive: async (engine) => {
      if (engine !== 'flink') return assertServiceAlive(state, engine);
      const jobId = state.cluster?.flinkJobId;
      if (!jobId) return;
      const rest = flinkRestOf(state.config);
      const status = await rest.jobState(jobId);
      if (status === 'FAILED' || status === 'CANCELED' || status === 'FINISHED') {
        throw new JobFailureError(
          `The Flink job ${jobId} is ${status}:\n${await rest.rootException(jobId)}`,
          {
            suggestions: [`See the job in Flink's web UI at ${state.config.cluster?.flink?.rest}`],
          },
        );
      }
    },
    logHint: (engine) =>
      engine === 'flink'
        ? `Flink's web UI at ${state.config.cluster?.flink?.rest}`
        : `crypto-bench status --logs ${engine}`,
    onOutput,
  };
}

/** `startJobs` of the cluster runtime (`--isolate`, `sweep`, new settings). */
export async function startClusterJobs(
  stateDir: string,
  engines: Engine[],
  options: StartJobsOptions,
): Promise<void> {
  const state = requireState(stateDir);
  await stopClusterJobs(state, engines);
  state.config = { ...state.config, jobs: mergeJobSettings(state.config.jobs, options.settings ?? {}) };
  writeState(stateDir, state);
  await launchClusterJobs(state, engines, await findJava());
  if (engines.includes('spark')) await waitForSparkExecutors(state, options.timeoutMs);
  await waitUntilConsuming(state.config, engines, Date.now() + options.timeoutMs, clusterWatch(state));
}

/** `stopJobs` of the cluster runtime. */
export async function stopClusterJobsIn(stateDir: string, engines: Engine[]): Promise<void> {
  await stopClusterJobs(requireState(stateDir), engines);
}

function requireState(stateDir: string): StackState {
  const state = readState(stateDir);
  if (!state) {
    throw new InfrastructureError(`No stack is running in ${stateDir}`, {
      suggestions: ['Run `crypto-bench up` first'],
    });
  }
  return state;
}
