import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import type Docker from 'dockerode';
import type { ServiceName } from '../../config/defaults.js';
import { clearState, readState, statePaths } from '../state.js';
import type { DownResult } from '../types.js';
import { removeParents } from './cgroups.js';
import {
  connectDocker,
  dockerSocket,
  LABELS,
  stackContainers,
  stackFilter,
  stackId,
  statusCode,
} from './client.js';
import { removeContainer } from './containers.js';
import type { Role } from './topology.js';

/** What was removed of a stack. */
export interface Removed {
  /** Containers removed, by name; and which of them were still running. */
  containers: { name: string; service: ServiceName; running: boolean }[];
  /** Volumes deleted. */
  volumes: string[];
}

/**
 * The order containers stop in, each stage in parallel: jobs first, then the cluster processes (the Spark
 * master after the worker and driver, which share its network namespace), Kafka, PostgreSQL last.
 */
const STOP_STAGES: Role[][] = [
  ['spark-driver', 'baseline'],
  ['spark-worker', 'flink-taskmanager', 'flink-jobmanager'],
  ['spark-master'],
  ['kafka'],
  ['postgres'],
];

/**
 * Removes every container and network labelled with the stack id (volumes too when asked): jobs first, then
 * the clusters, Kafka, PostgreSQL last. Objects of other stacks never match the label. Idempotent.
 */
export async function removeStack(
  docker: Docker,
  id: string,
  options: { volumes: boolean },
): Promise<Removed> {
  const found = await stackContainers(docker, id);
  const parents = await parentCgroups(docker, found);
  const removed: Removed = { containers: [], volumes: [] };
  const stageOf = (info: Docker.ContainerInfo) =>
    Math.max(
      0,
      STOP_STAGES.findIndex((stage) => stage.includes(info.Labels[LABELS.role] as Role)),
    );
  for (let stage = 0; stage < STOP_STAGES.length; stage++) {
    await Promise.all(
      found
        .filter((info) => stageOf(info) === stage)
        .map(async (info) => {
          await removeContainer(docker, info.Id);
          removed.containers.push({
            name: (info.Names[0] ?? info.Id).replace(/^\//, ''),
            service: info.Labels[LABELS.service] as ServiceName,
            running: info.State === 'running',
          });
        }),
    );
  }
  if (parents) {
    // Best effort: an empty parent cgroup left behind holds nothing, and the next `up` reuses it.
    await removeParents(docker, { id, ...parents }).catch(() => undefined);
  }
  for (const network of await docker.listNetworks({ filters: stackFilter(id) })) {
    await docker
      .getNetwork(network.Id)
      .remove()
      .catch((error: unknown) => {
        if (statusCode(error) !== 404) throw error;
      });
  }
  if (options.volumes) {
    const { Volumes: volumes } = await docker.listVolumes({ filters: stackFilter(id) });
    for (const volume of volumes ?? []) {
      await docker.getVolume(volume.Name).remove();
      removed.volumes.push(volume.Name);
    }
  }
  return removed;
}

/**
 * The parent cgroups (HostConfig.CgroupParent) of a stack's containers with a CPU limit, and an image of the
 * stack to remove them with; undefined when none has one.
 */
async function parentCgroups(
  docker: Docker,
  found: Docker.ContainerInfo[],
): Promise<{ names: string[]; image: string } | undefined> {
  const limited: { name: string; image: string }[] = [];
  await Promise.all(
    found.map(async (info) => {
      const inspected = await docker
        .getContainer(info.Id)
        .inspect()
        .catch((error: unknown) => {
          if (statusCode(error) === 404) return undefined;
          throw error;
        });
      const name = inspected?.HostConfig.CgroupParent;
      if (inspected && name) limited.push({ name, image: inspected.Config.Image });
    }),
  );
  const first = limited[0];
  return first && { names: [...new Set(limited.map((parent) => parent.name))], image: first.image };
}

/** `down` of the docker runtime: removes the stack's containers and network, and with `volumes` its data. */
export async function downDocker(stateDir: string, options: { volumes: boolean }): Promise<DownResult> {
  const state = readState(stateDir);
  if (!state) return leftoversResult(stateDir, await downDockerLeftovers(stateDir, options));
  const docker = await connectDocker();
  const removed = await removeStack(docker, state?.docker?.stackId ?? stackId(stateDir), options);
  clearState(stateDir);
  const services = (running: boolean) => [
    ...new Set(removed.containers.filter((c) => c.running === running).map((c) => c.service)),
  ];
  const deleted = options.volumes ? [...removed.volumes, ...deleteLocalFiles(stateDir)] : [];
  return {
    stateDir,
    stopped: services(true),
    alreadyDead: services(false).filter((service) => !services(true).includes(service)),
    removedContainers: removed.containers.map((c) => c.name),
    nothingRunning: false,
    deleted,
  };
}

/**
 * Removes what a docker stack of this state directory left on the engine when its state file is gone (a `down`
 * that already ran keeps the volumes; `down --volumes` then deletes them). Undefined when no engine answers:
 * without a state file nothing says that one ever ran.
 */
async function downDockerLeftovers(
  stateDir: string,
  options: { volumes: boolean },
): Promise<Removed | undefined> {
  let socket: string;
  try {
    socket = dockerSocket();
  } catch {
    return undefined;
  }
  if (!existsSync(socket)) return undefined;
  const docker = await connectDocker().catch(() => undefined);
  return docker && removeStack(docker, stackId(stateDir), options);
}

/** `down` of a state directory without a state file: what a docker stack of it left on the engine, if any. */
function leftoversResult(stateDir: string, removed: Removed | undefined): DownResult {
  const containers = removed?.containers ?? [];
  return {
    stateDir,
    stopped: [],
    alreadyDead: [],
    ...(containers.length > 0 ? { removedContainers: containers.map((c) => c.name) } : {}),
    nothingRunning: containers.length === 0,
    deleted: removed?.volumes ?? [],
  };
}

/** The docker runtime's files in the state directory: the database password and the build log. */
function deleteLocalFiles(stateDir: string): string[] {
  const paths = statePaths(stateDir);
  const targets = [paths.passwordFile, paths.logs, path.join(stateDir, 'tmp')];
  for (const target of targets) rmSync(target, { recursive: true, force: true });
  return targets;
}
