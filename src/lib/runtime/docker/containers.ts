import { setTimeout as sleep } from 'node:timers/promises';
import type Docker from 'dockerode';
import { InfrastructureError, JobFailureError, describe } from '../../errors.js';
import type { ContainerRecord } from '../state.js';
import { applyCpuLimit, cgroupParent, type CgroupEngine } from './cgroups.js';
import { RESTART_POLICY } from './faults.js';
import { LABELS, stackFilter, statusCode } from './client.js';
import { containerName, type ContainerSpec } from './topology.js';

/** What every container of a stack is created with. */
export interface CreateContext {
  /** Stack id. */
  id: string;
  /** State directory (a label, for people reading `docker ps`). */
  stateDir: string;
  /** Image tags. */
  images: { jvm: string; postgres: string };
  /** How the engine manages cgroups; needed to start a container with a CPU limit. */
  cgroups?: CgroupEngine;
}

/**
 * Creates and starts one container; returns its record for the state file. A container of a service with a
 * CPU limit goes under the service's parent cgroup; the first of them then sets the parent's quota (or fails,
 * naming --cpus), which holds for every container that joins later.
 */
export async function startContainer(
  docker: Docker,
  spec: ContainerSpec,
  ctx: CreateContext,
): Promise<ContainerRecord> {
  const network = spec.network;
  const networkMode =
    network.mode === 'host'
      ? 'host'
      : network.mode === 'bridge'
        ? network.name
        : `container:${containerName(ctx.id, network.role)}`;
  const ports = Object.fromEntries(spec.published.map((p) => [`${p.containerPort}/tcp`, {}]));
  const bindings = Object.fromEntries(
    spec.published.map((p) => [
      `${p.containerPort}/tcp`,
      [{ HostIp: '127.0.0.1', HostPort: String(p.hostPort) }],
    ]),
  );
  const limited = cpuLimitOf(spec, ctx);
  let container: Docker.Container;
  try {
    container = await docker.createContainer({
      name: spec.name,
      Image: ctx.images[spec.image],
      Cmd: spec.cmd,
      Env: Object.entries(spec.env).map(([key, value]) => `${key}=${value}`),
      Labels: {
        [LABELS.stack]: ctx.id,
        [LABELS.stateDir]: ctx.stateDir,
        [LABELS.role]: spec.role,
        [LABELS.service]: spec.service,
      },
      ExposedPorts: ports,
      StopTimeout: 15,
      HostConfig: {
        NetworkMode: networkMode,
        PortBindings: bindings,
        Mounts: [
          ...spec.volumes.map((v) => ({ Type: 'volume' as const, Source: v.name, Target: v.target })),
          ...spec.binds.map((b) => ({
            Type: 'bind' as const,
            Source: b.source,
            Target: b.target,
            ReadOnly: true,
          })),
        ],
        Memory: spec.memoryBytes,
        MemorySwap: spec.memoryBytes,
        // The limit is the service's, on the parent all its containers share (see cgroups.ts).
        CgroupParent: limited && cgroupParent(limited.engine, ctx.id, spec.service).name,
        // A small init as PID 1 forwards signals to the JVM and reaps its children.
        Init: true,
        // Supervision: a container that exits unexpectedly is restarted, a few times at most (faults.ts).
        RestartPolicy: RESTART_POLICY,
      },
      NetworkingConfig:
        network.mode === 'bridge'
          ? { EndpointsConfig: { [network.name]: { Aliases: [network.alias] } } }
          : undefined,
    });
  } catch (error) {
    throw new InfrastructureError(
      `Could not create the ${spec.role} container ${spec.name}: ${describe(error)}`,
      {
        suggestions: ['Run `crypto-bench down` to remove what is left of the stack, then `up` again'],
      },
    );
  }
  const record: ContainerRecord = {
    name: spec.name,
    id: container.id,
    role: spec.role,
    service: spec.service,
    ...(spec.unit === spec.role ? {} : { unit: spec.unit }),
  };
  try {
    await container.start();
  } catch (error) {
    throw new InfrastructureError(
      `Could not start the ${spec.role} container ${spec.name}: ${describe(error)}`,
      {
        suggestions: portHint(describe(error)),
      },
    );
  }
  if (limited && (await firstOfService(docker, ctx.id, spec))) {
    // A container that exited at once uses no CPU; the caller's wait reports it with its log.
    const { running, pid } = await containerState(docker, spec.name);
    if (running && pid) await applyCpuLimit(docker, { ...limited, pid });
  }
  return record;
}

/**
 * Whether a container is the only running one of its service. The parent cgroup's quota, once set, holds
 * for the containers that join it later; a parent with no container left may be a new one (systemd can
 * collect an empty slice), so the next first container sets the quota again.
 */
async function firstOfService(docker: Docker, id: string, spec: ContainerSpec): Promise<boolean> {
  const running = await docker.listContainers({
    filters: stackFilter(id, { [LABELS.service]: spec.service }),
  });
  return running.every((info) => info.Names.includes(`/${spec.name}`));
}

/** What limiting a container's service takes (its cores, the engine's cgroup driver), if it has a limit. */
function cpuLimitOf(spec: ContainerSpec, ctx: CreateContext) {
  if (spec.cpus === undefined) return undefined;
  if (!ctx.cgroups)
    throw new Error(`startContainer: ${spec.role} has a CPU limit but no cgroup driver was looked up`);
  return {
    id: ctx.id,
    image: ctx.images.jvm,
    engine: ctx.cgroups,
    service: spec.service,
    cores: spec.cpus,
  };
}

function portHint(message: string): string[] {
  return /address already in use|port is already allocated/i.test(message)
    ? ['A port of the stack is taken: move the stack with --port-base or the per-service port flags']
    : ['Run `crypto-bench down`, then `crypto-bench up --runtime docker` again'];
}

/** The last `lines` lines a container wrote to stdout and stderr. */
export async function tailContainer(docker: Docker, name: string, lines = 30): Promise<string> {
  try {
    const raw = (await docker
      .getContainer(name)
      .logs({ stdout: true, stderr: true, tail: lines, follow: false })) as unknown as Buffer;
    return demux(raw).trimEnd() || '(no output)';
  } catch (error) {
    return `(no log: ${describe(error)})`;
  }
}

/**
 * Runs a shell command inside a running container and waits for it; returns its exit code (null when Docker
 * could not tell, e.g. the container stopped with it) and what it printed.
 */
export async function execInContainer(
  container: Docker.Container,
  command: string,
): Promise<{ code: number | null; output: string }> {
  const exec = await container.exec({ Cmd: ['sh', '-c', command], AttachStdout: true, AttachStderr: true });
  const stream = await exec.start({});
  const output: Buffer[] = [];
  await new Promise<void>((resolve) => {
    stream.on('data', (chunk: Buffer) => output.push(chunk));
    stream.on('end', resolve);
    stream.on('close', resolve);
    stream.on('error', () => resolve());
  });
  const { ExitCode: code } = await exec.inspect().catch(() => ({ ExitCode: null }));
  return { code, output: demux(Buffer.concat(output)).trim() };
}

/**
 * The text of a container log as the API sends it without a terminal: frames of an 8-byte header (stream
 * type, three zero bytes, big-endian length) and the payload.
 */
export function demux(raw: Buffer): string {
  const parts: Buffer[] = [];
  let offset = 0;
  while (offset + 8 <= raw.length) {
    const length = raw.readUInt32BE(offset + 4);
    parts.push(raw.subarray(offset + 8, offset + 8 + length));
    offset += 8 + length;
  }
  return Buffer.concat(parts).toString('utf8');
}

/** State of a container: running (or paused), exited (with its exit code) or gone; and Docker's restarts of it. */
export async function containerState(
  docker: Docker,
  name: string,
): Promise<{
  running: boolean;
  paused?: boolean;
  exitCode?: number;
  gone: boolean;
  pid?: number;
  restartCount?: number;
}> {
  try {
    const info = await docker.getContainer(name).inspect();
    return {
      running: info.State.Running,
      paused: info.State.Paused,
      exitCode: info.State.ExitCode,
      gone: false,
      pid: info.State.Pid,
      restartCount: info.RestartCount,
    };
  } catch (error) {
    if (statusCode(error) === 404) return { running: false, gone: true };
    throw error;
  }
}

/** Fails with the container's last log lines when it is not running (a job's with a job failure). */
export async function assertContainerRunning(docker: Docker, record: ContainerRecord): Promise<void> {
  const state = await containerState(docker, record.name);
  if (state.running) return;
  const infrastructure = record.service === 'postgres' || record.service === 'kafka';
  const ErrorClass = infrastructure ? InfrastructureError : JobFailureError;
  const how = state.gone ? 'is gone' : `exited with code ${state.exitCode}`;
  throw new ErrorClass(
    `${record.role} (container ${record.name}) ${how}. Last lines of its log:\n${await tailContainer(docker, record.name)}`,
    {
      suggestions: [
        'Fix the cause above, then run `crypto-bench down` and `crypto-bench up --runtime docker` again',
      ],
    },
  );
}

/** Waits until a container logs a line matching `pattern`; fails early, with its log, if it exits. */
export async function waitForLog(
  docker: Docker,
  record: ContainerRecord,
  pattern: RegExp,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await assertContainerRunning(docker, record);
    if (pattern.test(await tailContainer(docker, record.name, 500))) return;
    if (Date.now() > deadline) {
      throw new InfrastructureError(
        `${record.role} did not start within ${timeoutMs / 1000}s. Last lines of its log:\n${await tailContainer(docker, record.name)}`,
      );
    }
    await sleep(500);
  }
}

/** Stops (SIGTERM, then SIGKILL after the container's stop timeout) and removes a container; gone is fine. */
export async function removeContainer(docker: Docker, name: string): Promise<boolean> {
  const container = docker.getContainer(name);
  try {
    await container.remove({ force: false, v: false }).catch(async (error: unknown) => {
      if (statusCode(error) !== 409) throw error;
      await container.stop().catch((stopError: unknown) => {
        if (statusCode(stopError) !== 304) throw stopError;
      });
      await container.remove({ force: true });
    });
    return true;
  } catch (error) {
    if (statusCode(error) === 404) return false;
    throw error;
  }
}
