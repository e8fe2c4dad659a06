import type { AirflowStatus } from '../airflow/status.js';
import type { DockerNetwork, Engine, RuntimeName, ServiceName } from '../config/defaults.js';
import type { JobSettings } from '../config/stack-config.js';

/** Health of one service as `status` sees it. */
export type Health = 'healthy' | 'running' | 'unreachable' | 'dead';

/** One row of `status`. */
export interface ServiceStatus {
  /** Service name. */
  name: ServiceName;
  /** Process id (local runtime). */
  pid?: number;
  /** Container name (docker runtime); a Spark or Flink cluster shows one row per container. */
  container?: string;
  /** What the container runs, e.g. `spark-worker` (docker runtime). */
  role?: string;
  /** Main port, when the service has one. */
  port?: number;
  /** UI port (Spark UI, Flink web UI). */
  uiPort?: number;
  /** healthy: process (container) alive and its port answers; running: alive (no port to check); unreachable: alive but its port does not answer; dead: process gone. */
  health: Health;
  /** Software version. */
  version?: string;
  /** Resident memory in bytes, when alive. */
  rssBytes?: number;
  /** Log file (local runtime; `status --logs SERVICE` shows a container's log). */
  logFile?: string;
  /** CPU limit in cores (docker runtime, when limited). */
  cpuLimit?: number;
  /** Times it was restarted after exiting unexpectedly (by the supervisor or Docker's restart policy). */
  restarts?: number;
  /** How it ended before its last restart, or why it is no longer restarted. */
  lastExitReason?: string;
}

/** Addresses a user opens or connects to. */
export interface Endpoints {
  /** Kafka bootstrap server. */
  kafka: string;
  /** PostgreSQL connection URL (password in the state directory's postgres.password). */
  postgres: string;
  /** Spark UI, when Spark runs. */
  sparkUi?: string;
  /** Flink web UI, when Flink runs. */
  flinkUi?: string;
}

/** What `status` reports. */
export interface StackStatus {
  /** Absolute state directory. */
  stateDir: string;
  /** True when a stack was started here (even if parts died). */
  started: boolean;
  /** Runtime that started it. */
  runtime?: RuntimeName;
  /** Docker network mode (docker runtime). */
  network?: DockerNetwork;
  /** One line the runtime adds under the table (e.g. the docker network and how to read a container's log). */
  runtimeNote?: string;
  /** When it was started. */
  startedAt?: string;
  /** One row per service, in start order. */
  services: ServiceStatus[];
  /** Addresses, when started. */
  endpoints?: Endpoints;
  /** Sum of resident memory of every live service, bytes. */
  totalRssBytes: number;
  /** Settings the jobs run with (trigger, buffer timeout, batching). */
  jobs?: JobSettings;
  /** Whether a service that exits unexpectedly is restarted (local: the supervisor runs; docker: restart policies). */
  supervised?: boolean;
  /** Airflow started for this stack (`crypto-bench airflow up`), when it was; its processes are not in `services`. */
  airflow?: AirflowStatus;
}

/** What `up` did. */
export interface UpResult extends StackStatus {
  /** True when the stack was already running and nothing was started. */
  alreadyRunning: boolean;
  /** Wall time from the start of `up` to healthy, in milliseconds. */
  upMs: number;
  /** Wall time of the Java build, when `up` had to build (ms). */
  buildMs?: number;
  /** Stale state that was cleared before starting (services that had died). */
  clearedStale: string[];
  /** Jobs of an already running stack that were restarted with the job settings given. */
  restartedJobs?: Engine[];
  /** Where an already running stack differs from the flags given, which only `down` + `up` can change. */
  keptSettings?: string[];
}

/** What `down` did. */
export interface DownResult {
  /** Absolute state directory. */
  stateDir: string;
  /** Services that were running and have been stopped. */
  stopped: ServiceName[];
  /** Services recorded as started that had already died. */
  alreadyDead: ServiceName[];
  /** Containers removed (docker runtime). */
  removedContainers?: string[];
  /** True when nothing had been started in this state directory. */
  nothingRunning: boolean;
  /** Airflow processes stopped first (Airflow keeps its metadata in the stack's PostgreSQL). */
  airflowStopped?: string[];
  /** Data directories (local) or volumes (docker) deleted (`--volumes`). */
  deleted: string[];
}
