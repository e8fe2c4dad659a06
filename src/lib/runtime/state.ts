import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync, existsSync, rmSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { ConfigError } from '../errors.js';
import type { RuntimeName, ServiceName } from '../config/defaults.js';
import type { StackConfig, StackPorts } from '../config/stack-config.js';
import type { ClusterScale } from './docker/scale.js';
import type { RestartRecord } from '../results/fault-record.js';

/** Version of the state file layout; bump when a field changes meaning. */
export const STATE_SCHEMA_VERSION = 1;

/** One process the CLI started and supervises. */
export interface ServiceRecord {
  /** Which service this is. */
  name: ServiceName;
  /** Process id (also the process group id: services start detached). */
  pid: number;
  /** Port the service listens on, when it has one. */
  port?: number;
  /** Second port (Spark UI / Flink UI of a job). */
  uiPort?: number;
  /** Absolute path of the service's log file. */
  logFile: string;
  /** Version of the software, as far as it could be read. */
  version?: string;
  /** When it was started, ISO-8601. */
  startedAt: string;
  /** Set while the CLI stops it on purpose (`stopJobs`, a `restart` fault): the supervisor leaves it alone. */
  stopping?: boolean;
}

/** The local runtime's supervisor process (see `local/supervisor.ts`). */
export interface SupervisorRecord {
  /** Process id (and process group id). */
  pid: number;
  /** Its log file. */
  logFile: string;
  /** When it was started, ISO-8601. */
  startedAt: string;
}

/** One container the Docker runtime started. */
export interface ContainerRecord {
  /** Container name (unique on the engine: it carries the stack id). */
  name: string;
  /** Container id. */
  id: string;
  /** Which part of the stack it runs, e.g. `spark-worker`. */
  role: string;
  /** The stack service it belongs to (the engine, for a Spark or Flink cluster process). */
  service: ServiceName;
  /**
   * The name it goes by when its role has several containers (`flink-taskmanager-2`); absent for a role's only
   * container, and in state files from before the docker runtime scaled its clusters.
   */
  unit?: string;
}

/** What the Docker runtime started: containers, network and volumes, all labelled with the stack id. */
export interface DockerState {
  /** Label value that marks every object of this stack (a hash of the state directory). */
  stackId: string;
  /** `bridge` (the stack's own network) or `host`. */
  network: 'bridge' | 'host';
  /** Name of the stack's network, when it has its own. */
  networkName?: string;
  /** Images the containers run, by purpose. */
  images: { jvm: string; postgres: string };
  /** Containers in start order. */
  containers: ContainerRecord[];
  /** Ports the cluster processes use among themselves (Spark master, Flink RPC). */
  internalPorts: { sparkMaster: number; flinkRpc: number };
  /** Id of the Flink job submitted to the JobManager, when Flink runs. */
  flinkJobId?: string;
  /** Id of the jar uploaded to the JobManager. */
  flinkJarId?: string;
  /** Whether Docker restarts the containers and the CLI resubmits a lost Flink job (`up --no-supervise`: no). */
  supervised?: boolean;
  /** Every time the CLI submitted the Flink job again after its JobManager lost it, in time order. */
  jobRestarts?: RestartRecord[];
  /** Software version of each service, as far as it could be read. */
  versions: Partial<Record<ServiceName, string>>;
  /**
   * What the Spark and Flink clusters were started with (containers, slots, cores; fixed until `down`); absent
   * in state files from before the docker runtime scaled its clusters (one of each then).
   */
  scale?: ClusterScale;
}

/** What the cluster runtime submitted to the user's clusters: only these are ever cancelled or killed. */
export interface ClusterState {
  /** Id of the jar uploaded to the Flink session cluster. */
  flinkJarId?: string;
  /** Id of the Flink job submitted. */
  flinkJobId?: string;
  /** Spark application id, as the master knows it. */
  sparkAppId?: string;
  /** Software version of each service, as far as it could be read. */
  versions: Partial<Record<ServiceName, string>>;
}

/** What `up` leaves behind for `down` and `status`: exactly the processes it started. */
export interface StackState {
  /** Layout version of this file. */
  schemaVersion: number;
  /** Runtime that started the stack. */
  runtime: RuntimeName;
  /** When `up` started, ISO-8601. */
  startedAt: string;
  /** Ports in use. */
  ports: StackPorts;
  /** The full config the stack was started with. */
  config: StackConfig;
  /** Started services by name (local runtime). */
  services: Partial<Record<ServiceName, ServiceRecord>>;
  /** Started containers (docker runtime). */
  docker?: DockerState;
  /** Submitted jobs (cluster runtime); the driver and baseline processes on this host are in `services`. */
  cluster?: ClusterState;
  /** The supervisor that restarts services that exit unexpectedly (local runtime); absent = unsupervised. */
  supervisor?: SupervisorRecord;
}

/** Paths inside a state directory. One function, so every part agrees on the layout. */
export function statePaths(stateDir: string) {
  return {
    root: stateDir,
    stateFile: path.join(stateDir, 'state.json'),
    logs: path.join(stateDir, 'logs'),
    config: path.join(stateDir, 'config'),
    pgData: path.join(stateDir, 'pgdata'),
    passwordFile: path.join(stateDir, 'postgres.password'),
    kafkaData: path.join(stateDir, 'kafka-data'),
    checkpoints: path.join(stateDir, 'checkpoints'),
    lock: path.join(stateDir, 'up.lock'),
    supervision: path.join(stateDir, 'supervision.json'),
  };
}

/**
 * Deletes the jobs' checkpoints and scratch files under the state directory (the local runtime's jobs and a
 * cluster's Spark driver and baseline keep them there; Flink on a cluster too, README), keeping the directory.
 */
export async function clearCheckpointsDir(stateDir: string): Promise<void> {
  const dir = statePaths(stateDir).checkpoints;
  if (!existsSync(dir)) return;
  for (const entry of readdirSync(dir)) await rm(path.join(dir, entry), { recursive: true, force: true });
}

/** Reads the state file, or undefined when no stack was started here. */
export function readState(stateDir: string): StackState | undefined {
  const file = statePaths(stateDir).stateFile;
  if (!existsSync(file)) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ConfigError(`The state file ${file} is not valid JSON (${(error as Error).message})`, {
      suggestions: [`Stop any crypto-bench processes by hand, then delete ${file}`],
    });
  }
  const state = parsed as Partial<StackState>;
  if (typeof state !== 'object' || state === null || typeof state.services !== 'object') {
    throw new ConfigError(`The state file ${file} has no services list`, {
      suggestions: [`Stop any crypto-bench processes by hand, then delete ${file}`],
    });
  }
  if (state.schemaVersion !== STATE_SCHEMA_VERSION) {
    throw new ConfigError(
      `The state file ${file} is version ${state.schemaVersion}; this crypto-bench reads ${STATE_SCHEMA_VERSION}`,
      {
        suggestions: ['Run `crypto-bench down` with the version that started the stack'],
      },
    );
  }
  return state as StackState;
}

/** Writes the state file atomically (write then rename), so a crash never leaves half a file. */
export function writeState(stateDir: string, state: StackState): void {
  const file = statePaths(stateDir).stateFile;
  mkdirSync(stateDir, { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify(state, null, 2)}\n`);
  renameSync(temp, file);
}

/**
 * Reads the state file fresh, lets `mutate` change it, and writes it back at once (no await in between), so a
 * change by another process (the supervisor recording a new pid) is not overwritten by a stale copy. No-op when
 * the stack is gone.
 */
export function updateState(stateDir: string, mutate: (state: StackState) => void): StackState | undefined {
  const state = readState(stateDir);
  if (!state) return undefined;
  mutate(state);
  writeState(stateDir, state);
  return state;
}

/** Removes the state file (the stack is down). Data directories stay. */
export function clearState(stateDir: string): void {
  rmSync(statePaths(stateDir).stateFile, { force: true });
}
