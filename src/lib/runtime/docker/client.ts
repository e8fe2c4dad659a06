import { createHash } from 'node:crypto';
import Docker from 'dockerode';
import { ConfigError, InfrastructureError, describe } from '../../errors.js';

/** Labels on every container, network and volume of a stack, so `down` and `status` find exactly their own. */
export const LABELS = {
  /** Stack id: a hash of the state directory. */
  stack: 'dev.cryptobench.stack',
  /** The state directory itself, for people reading `docker ps`. */
  stateDir: 'dev.cryptobench.state-dir',
  /** What a container runs, e.g. `spark-worker`. */
  role: 'dev.cryptobench.role',
  /** The stack service a container belongs to: postgres, kafka, spark, flink or baseline. */
  service: 'dev.cryptobench.service',
  /** Hash of an image's build inputs (images only). */
  inputs: 'dev.cryptobench.inputs',
} as const;

/** The id of the stack of a state directory: short, stable, and different for every directory. */
export function stackId(stateDir: string): string {
  return createHash('sha256').update(stateDir).digest('hex').slice(0, 12);
}

/** The Unix socket of the Docker engine: DOCKER_HOST when it names one, else /var/run/docker.sock. */
export function dockerSocket(env: NodeJS.ProcessEnv = process.env): string {
  const host = env.DOCKER_HOST;
  if (!host) return '/var/run/docker.sock';
  if (host.startsWith('unix://')) return host.slice('unix://'.length);
  throw new ConfigError(`DOCKER_HOST is ${host}; crypto-bench talks to Docker through a Unix socket only`, {
    suggestions: [
      'Unset DOCKER_HOST or point it at a socket (unix:///var/run/docker.sock)',
      'or use --runtime local',
    ],
  });
}

/** Connects to the Docker engine and checks that it answers; the error says what to do when it does not. */
export async function connectDocker(): Promise<Docker> {
  const socketPath = dockerSocket();
  const docker = new Docker({ socketPath, timeout: 120_000 });
  try {
    await docker.ping();
  } catch (error) {
    throw new InfrastructureError(`Docker is not reachable at unix://${socketPath} (${describe(error)})`, {
      suggestions: [
        'Start the Docker engine (Docker Desktop, `systemctl start docker`, or `dockerd &`) and try again',
        'or run the stack without Docker: --runtime local',
      ],
    });
  }
  return docker;
}

/** Filters that select one stack's objects by label. */
export function stackFilter(id: string, more: Record<string, string> = {}): { label: string[] } {
  return {
    label: [`${LABELS.stack}=${id}`, ...Object.entries(more).map(([key, value]) => `${key}=${value}`)],
  };
}

/** Every container of a stack, running or not. */
export async function stackContainers(docker: Docker, id: string): Promise<Docker.ContainerInfo[]> {
  return docker.listContainers({ all: true, filters: stackFilter(id) });
}

/** The HTTP status code of a Docker API error, if it is one. */
export function statusCode(error: unknown): number | undefined {
  return (error as { statusCode?: number }).statusCode;
}
