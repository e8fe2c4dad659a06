import { setTimeout as sleep } from 'node:timers/promises';
import path from 'node:path';
import type Docker from 'dockerode';
import { DEFAULTS, type Engine, type ServiceName } from '../../config/defaults.js';
import type { StackConfig } from '../../config/stack-config.js';
import { InfrastructureError } from '../../errors.js';
import { engineVersion } from '../../engines/jobs.js';
import { partitionsOf } from '../../config/stack-config.js';
import { connectAdmin, ensureTopic } from '../../engines/kafka.js';
import { applyDdl, ensureDatabase, ensurePassword } from '../../engines/postgres.js';
import { waitUntilConsuming } from '../../engines/probe.js';
import { engineDdl } from '../../engines/schema.js';
import { taskList, type ProgressOptions } from '../../render/progress.js';
import { buildJobs } from '../build.js';
import { findJava, jarVersion, jobsBuilt } from '../java.js';
import { assertPortsFree, freePort } from '../ports.js';
import {
  clearState,
  readState,
  STATE_SCHEMA_VERSION,
  statePaths,
  writeState,
  type ContainerRecord,
  type StackState,
} from '../state.js';
import type { UpResult } from '../types.js';
import { cgroupsFor, type CgroupEngine } from './cgroups.js';
import { clusterScale, unitOf, unitsOfRole } from './scale.js';
import { connectDocker, LABELS, stackContainers, stackId } from './client.js';
import { assertContainerRunning, startContainer, waitForLog } from './containers.js';
import { removeStack } from './down.js';
import { imageRecipes, ensureImage } from './images.js';
import { dockerState, dockerWatch, keepDockerFlinkJob, launchDockerJobs, waitForFlinkSlots } from './jobs.js';
import { dockerStatus } from './status.js';
import {
  BRIDGE_INTERNAL_PORTS,
  containerSpec,
  networkName,
  volumeNames,
  type DockerPlan,
  type Role,
} from './topology.js';

interface UpContext {
  docker: Docker;
  state: StackState;
  buildMs: number;
  /** How the engine manages cgroups, when a service has a CPU limit. */
  cgroups?: CgroupEngine;
}

/**
 * Starts the stack on a Docker engine: builds the images (unless built from the same inputs before), creates
 * the network and volumes, starts PostgreSQL and Kafka, creates the topic and tables, starts the Spark and
 * Flink clusters, the jobs (the Flink job through the JobManager's REST API), and waits until every job has
 * committed a probe from every partition. On any failure it removes every container it started, with the
 * failing one's last log lines in the error.
 */
export async function upDocker(config: StackConfig, progress: ProgressOptions): Promise<UpResult> {
  const startedAt = Date.now();
  const docker = await connectDocker();
  const id = stackId(config.stateDir);
  const existing = await checkExisting(docker, config, id);
  if (existing === 'running') {
    await keepDockerFlinkJob(config.stateDir, true);
    return { ...(await dockerStatus(config.stateDir)), alreadyRunning: true, upMs: 0, clearedStale: [] };
  }
  // Before anything starts: an engine whose cgroups --cpus cannot use fails here.
  const cgroups = await cgroupsFor(docker, config.docker.cpus);
  const host = config.docker.network === 'host';
  const internalPorts = host
    ? { sparkMaster: await freePort(DEFAULTS.host), flinkRpc: await freePort(DEFAULTS.host) }
    : BRIDGE_INTERNAL_PORTS;
  const ctx: UpContext = {
    docker,
    buildMs: 0,
    cgroups,
    state: {
      schemaVersion: STATE_SCHEMA_VERSION,
      runtime: 'docker',
      startedAt: new Date(startedAt).toISOString(),
      ports: config.ports,
      config,
      services: {},
      docker: {
        stackId: id,
        network: config.docker.network,
        networkName: host ? undefined : networkName(id),
        images: { jvm: '', postgres: '' },
        containers: [],
        internalPorts,
        versions: {},
        scale: clusterScale(config),
      },
    },
  };
  const plan: DockerPlan = { config, id, internalPorts };
  const scale = clusterScale(config);
  const engines = config.engines;
  const tasks = taskList<UpContext>(
    [
      { title: 'Check ports', task: () => assertPortsFree(wantedPorts(config), DEFAULTS.host) },
      {
        title: 'Build the Java jobs (first time: downloads Spark, Flink and Kafka from Maven Central)',
        skip: () => jobsBuilt() && 'Java jobs already built',
        task: async (c, task) => {
          const begin = Date.now();
          await buildJobs({
            java: await findJava(),
            logFile: path.join(statePaths(config.stateDir).logs, 'build.log'),
            onProgress: (line) => (task.output = line),
          });
          c.buildMs += Date.now() - begin;
        },
      },
      { title: `Images on ${config.docker.baseImage}`, task: (c, task) => buildImages(c, task) },
      { title: 'Create the network and volumes', task: (c) => createNetworkAndVolumes(c, plan) },
      { title: 'Start PostgreSQL', task: (c, task) => startPostgres(c, plan, task) },
      { title: 'Start Kafka', task: (c, task) => startKafka(c, plan, task) },
      {
        title: 'Create tables',
        task: () =>
          applyDdl(
            config,
            engines.flatMap((engine) => engineDdl(engine)),
          ),
      },
      {
        title: `Start the Spark cluster (master, ${plural(scale.sparkWorkers, 'worker')})`,
        enabled: () => engines.includes('spark'),
        task: async (c, task) => {
          await startSparkCluster(c, plan, waitMs(startedAt, config, 90_000));
          task.title = `Spark cluster: master, ${plural(scale.sparkWorkers, 'worker')} of ${plural(scale.coresPerWorker, 'core')}`;
        },
      },
      {
        title: `Start the Flink cluster (JobManager, ${plural(scale.taskmanagers, 'TaskManager')})`,
        enabled: () => engines.includes('flink'),
        task: async (c, task) => {
          await start(c, plan, 'flink-jobmanager');
          for (const unit of unitsOfRole(config, 'flink-taskmanager'))
            await start(c, plan, 'flink-taskmanager', unit.instance);
          const version = await waitForFlinkSlots(c.docker, c.state, waitMs(startedAt, config, 120_000));
          task.title = `Flink ${version} cluster on http://${DEFAULTS.host}:${config.ports.flinkUi}: ${plural(scale.taskmanagers, 'TaskManager')} of ${plural(scale.slotsPerTaskManager, 'slot')}`;
        },
      },
      {
        title: `Start jobs: ${engines.join(', ')}`,
        task: async (c) => {
          await launchDockerJobs(c.docker, c.state, engines);
          for (const engine of engines) setVersion(c, engine, engineVersion(engine));
        },
      },
      {
        title: 'Wait until every job consumes and commits',
        task: (c, task) =>
          waitUntilConsuming(
            config,
            engines,
            startedAt + config.upTimeoutMs,
            dockerWatch(c.docker, c.state, (line) => {
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
    await removeStack(docker, id, { volumes: false }).catch(() => undefined);
    clearState(config.stateDir);
    throw error;
  }
  const status = await dockerStatus(config.stateDir);
  return {
    ...status,
    alreadyRunning: false,
    upMs: Date.now() - startedAt,
    buildMs: ctx.buildMs,
    clearedStale: existing,
  };
}

/**
 * 'running' when every recorded container runs; otherwise clears what is left of an earlier stack in this
 * state directory (its containers, by label) and returns the roles that had stopped.
 */
async function checkExisting(docker: Docker, config: StackConfig, id: string): Promise<string[] | 'running'> {
  const state = readState(config.stateDir);
  const found = await stackContainers(docker, id);
  if (state?.docker && found.length > 0) {
    // By name: a role may have several containers (TaskManagers, workers), each of which must run.
    const running = found.filter((c) => c.State === 'running').flatMap((c) => c.Names.map((n) => n.slice(1)));
    const recorded = state.docker.containers;
    if (recorded.every((c) => running.includes(c.name))) return 'running';
    const stopped = recorded.filter((c) => !running.includes(c.name)).map(unitOf);
    throw new InfrastructureError(
      `A stack is partly running in ${config.stateDir}: ${stopped.join(', ')} stopped`,
      {
        suggestions: [
          'Run `crypto-bench down` first (it removes what is left), then `crypto-bench up --runtime docker`',
        ],
      },
    );
  }
  // Whatever an earlier stack here left behind (containers, its network) goes; its volumes stay.
  await removeStack(docker, id, { volumes: false });
  const stale = state?.docker?.containers.map((c) => c.role) ?? Object.keys(state?.services ?? {});
  clearState(config.stateDir);
  return stale;
}

/** Host ports the stack binds: on a bridge network the published ones, on the host network all of them. */
function wantedPorts(config: StackConfig): Record<string, number> {
  const ports: Record<string, number> = { kafka: config.ports.kafka, postgres: config.ports.postgres };
  if (config.docker.network === 'host') ports['kafka controller'] = config.ports.kafkaController;
  if (config.engines.includes('spark')) ports['spark UI'] = config.ports.sparkUi;
  if (config.engines.includes('flink')) ports['flink UI'] = config.ports.flinkUi;
  return ports;
}

/** The part of a listr2 task a step updates. */
interface Task {
  title: string;
  output: string;
}

async function buildImages(ctx: UpContext, task: Task): Promise<void> {
  const recipes = imageRecipes();
  const record = dockerState(ctx.state);
  const base = ctx.state.config.docker.baseImage;
  const jvm = await ensureImage(ctx.docker, recipes.jvm, base, (line) => (task.output = line));
  const postgres = await ensureImage(ctx.docker, recipes.postgres, base, (line) => (task.output = line));
  record.images = { jvm: jvm.tag, postgres: postgres.tag };
  ctx.buildMs += jvm.buildMs + postgres.buildMs;
  const built = [jvm, postgres].filter((image) => !image.cached);
  const images =
    built.length === 0
      ? `Images ${jvm.tag}, ${postgres.tag} (built before from the same inputs)`
      : `Built ${built.map((image) => image.tag).join(', ')} in ${Math.round((jvm.buildMs + postgres.buildMs) / 1000)}s`;
  const pruned = [...jvm.pruned, ...postgres.pruned];
  task.title = pruned.length === 0 ? images : `${images}; removed unused older images: ${pruned.join(', ')}`;
}

async function createNetworkAndVolumes(ctx: UpContext, plan: DockerPlan): Promise<void> {
  const labels = { [LABELS.stack]: plan.id, [LABELS.stateDir]: plan.config.stateDir };
  const record = dockerState(ctx.state);
  if (record.networkName) {
    await ctx.docker.createNetwork({
      Name: record.networkName,
      Driver: 'bridge',
      Labels: labels,
      CheckDuplicate: true,
    });
  }
  for (const name of Object.values(volumeNames(plan.id))) {
    await ctx.docker.createVolume({ Name: name, Labels: labels });
  }
  writeState(plan.config.stateDir, ctx.state);
}

async function start(ctx: UpContext, plan: DockerPlan, role: Role, instance = 1): Promise<ContainerRecord> {
  const record = dockerState(ctx.state);
  const container = await startContainer(ctx.docker, containerSpec(plan, role, instance), {
    id: plan.id,
    stateDir: plan.config.stateDir,
    images: record.images,
    cgroups: ctx.cgroups,
  });
  record.containers.push(container);
  writeState(plan.config.stateDir, ctx.state);
  return container;
}

async function startPostgres(ctx: UpContext, plan: DockerPlan, task: Task): Promise<void> {
  const config = plan.config;
  ensurePassword(config.stateDir);
  await start(ctx, plan, 'postgres');
  const version = await waitUntilHealthy(ctx, 'postgres', 60_000, () =>
    ensureDatabase(config).catch(() => undefined),
  );
  setVersion(ctx, 'postgres', version);
  task.title = `PostgreSQL ${version} on ${DEFAULTS.host}:${config.ports.postgres}`;
}

async function startKafka(ctx: UpContext, plan: DockerPlan, task: Task): Promise<void> {
  const config = plan.config;
  await start(ctx, plan, 'kafka');
  const admin = await waitUntilHealthy(ctx, 'kafka', 90_000, () =>
    connectAdmin(config).catch(() => undefined),
  );
  try {
    await ensureTopic(admin, partitionsOf(config));
  } finally {
    await admin.disconnect();
  }
  setVersion(ctx, 'kafka', jarVersion('kafka-broker', 'kafka_2.13'));
  task.title = `Kafka ${dockerState(ctx.state).versions.kafka ?? ''} on ${DEFAULTS.host}:${config.ports.kafka}`;
}

/** The master, then every worker, each waited for until it has registered (so executors can spread). */
async function startSparkCluster(ctx: UpContext, plan: DockerPlan, timeoutMs: number): Promise<void> {
  const master = await start(ctx, plan, 'spark-master');
  await waitForLog(ctx.docker, master, /I have been elected leader/, timeoutMs);
  for (const unit of unitsOfRole(plan.config, 'spark-worker')) {
    const worker = await start(ctx, plan, 'spark-worker', unit.instance);
    await waitForLog(ctx.docker, worker, /Successfully registered with master/, timeoutMs);
  }
}

/**
 * How long a cluster may take to start: what is left of `up`'s --timeout, and at least `leastMs` (on a busy
 * machine a JobManager and its TaskManagers starting together under one engine's CPU limit take minutes).
 */
function waitMs(startedAt: number, config: StackConfig, leastMs: number): number {
  return Math.max(leastMs, startedAt + config.upTimeoutMs - Date.now());
}

/** `2 workers`, `1 core`. */
function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/** Polls `check` until it returns a value; fails early, with the container's last log lines, if it exits. */
async function waitUntilHealthy<T>(
  ctx: UpContext,
  role: Role,
  timeoutMs: number,
  check: () => Promise<T | undefined>,
): Promise<T> {
  const record = dockerState(ctx.state).containers.find((c) => c.role === role);
  if (!record) throw new InfrastructureError(`${role} was not started`);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await assertContainerRunning(ctx.docker, record);
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) {
      throw new InfrastructureError(`${role} did not become healthy within ${timeoutMs / 1000}s`, {
        suggestions: [`See its log: docker logs ${record.name}`],
      });
    }
    await sleep(250);
  }
}

function setVersion(ctx: UpContext, service: ServiceName | Engine, version: string | undefined): void {
  if (version) dockerState(ctx.state).versions[service] = version;
  writeState(ctx.state.config.stateDir, ctx.state);
}
