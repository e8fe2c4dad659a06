import { DEFAULTS } from '../../config/defaults.js';
import { isListening } from '../ports.js';
import { readState, type ContainerRecord, type StackState } from '../state.js';
import type { Endpoints, Health, ServiceStatus, StackStatus } from '../types.js';
import { connectDocker } from './client.js';
import { containerState } from './containers.js';
import { flinkRest } from './jobs.js';
import { unitOf } from './scale.js';
import { sampleContainer } from './stats.js';
import type Docker from 'dockerode';

/**
 * `status` of the docker runtime: one row per container (a Spark or Flink cluster has several) and one for
 * the Flink job, each with its health: the container runs and its port answers on 127.0.0.1. A service's CPU
 * limit, which its containers share, is on its first row.
 */
export async function dockerStatus(stateDir: string): Promise<StackStatus> {
  const state = readState(stateDir);
  if (!state?.docker) return { stateDir, started: false, services: [], totalRssBytes: 0 };
  const docker = await connectDocker();
  // One Docker API round trip per container, and a one-shot stats sample takes about a second: all at once.
  const services: ServiceStatus[] = await Promise.all(
    state.docker.containers.map((container) => containerStatus(docker, state, container)),
  );
  // A limit holds for all of a service's containers together: show it once, on the service's first row.
  for (const [index, service] of services.entries())
    if (services.findIndex((s) => s.name === service.name) !== index) delete service.cpuLimit;
  if (state.docker.flinkJobId) services.push(await flinkJobStatus(state, state.docker.flinkJobId));
  const { host } = state.config;
  const { ports } = state;
  const roles = state.docker.containers.map((c) => c.role);
  const endpoints: Endpoints = {
    kafka: `${host}:${ports.kafka}`,
    postgres: `postgresql://${DEFAULTS.databaseUser}@${host}:${ports.postgres}/${DEFAULTS.database}`,
    sparkUi: roles.includes('spark-driver') ? `http://${host}:${ports.sparkUi}` : undefined,
    flinkUi: roles.includes('flink-jobmanager') ? `http://${host}:${ports.flinkUi}` : undefined,
  };
  return {
    stateDir,
    started: true,
    runtime: 'docker',
    network: state.docker.network,
    runtimeNote: `docker (${state.docker.network} network; \`crypto-bench status --logs SERVICE\` shows a log)`,
    startedAt: state.startedAt,
    services,
    endpoints,
    totalRssBytes: services.reduce((sum, s) => sum + (s.rssBytes ?? 0), 0),
    jobs: state.config.jobs,
  };
}

/** The host port at which a container answers, when it has one. */
function portOf(state: StackState, role: string): { port?: number; uiPort?: number } {
  const { ports } = state;
  switch (role) {
    case 'postgres':
      return { port: ports.postgres };
    case 'kafka':
      return { port: ports.kafka };
    case 'spark-driver':
      return { uiPort: ports.sparkUi };
    case 'flink-jobmanager':
      return { uiPort: ports.flinkUi };
    default:
      return {};
  }
}

async function containerStatus(
  docker: Docker,
  state: StackState,
  container: ContainerRecord,
): Promise<ServiceStatus> {
  const { running, restartCount } = await containerState(docker, container.name);
  const { port, uiPort } = portOf(state, container.role);
  const checked = uiPort ?? port;
  let health: Health = 'dead';
  if (running) {
    health =
      checked === undefined
        ? 'running'
        : (await isListening(checked, DEFAULTS.host))
          ? 'healthy'
          : 'unreachable';
  }
  return {
    name: container.service,
    // Each TaskManager and worker has its own row: `flink-taskmanager-2`.
    role: unitOf(container),
    container: container.name,
    port,
    uiPort,
    health,
    version: state.docker?.versions[container.service],
    rssBytes: running ? (await sampleContainer(docker, container.name))?.rssBytes : undefined,
    cpuLimit: state.config.docker.cpus[container.service],
    ...(restartCount ? { restarts: restartCount } : {}),
  };
}

async function flinkJobStatus(state: StackState, jobId: string): Promise<ServiceStatus> {
  const jobState = await flinkRest(state).jobState(jobId);
  return {
    name: 'flink',
    role: `flink-job ${jobId.slice(0, 8)}`,
    health: jobState === 'RUNNING' ? 'healthy' : jobState === undefined ? 'unreachable' : 'dead',
    version: state.docker?.versions.flink,
  };
}
