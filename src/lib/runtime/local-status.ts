import { DEFAULTS, SERVICES, type ServiceName } from '../config/defaults.js';
import type { JobSettings } from '../config/stack-config.js';
import { isListening } from './ports.js';
import { isOurs } from './processes.js';
import { treeRssBytes } from './proc-stats.js';
import { readState } from './state.js';

/** Health of one service as `status` sees it. */
export type Health = 'healthy' | 'running' | 'unreachable' | 'dead';

/** One row of `status`. */
export interface ServiceStatus {
  /** Service name. */
  name: ServiceName;
  /** Process id. */
  pid: number;
  /** Main port, when the service has one. */
  port?: number;
  /** UI port (Spark UI, Flink web UI). */
  uiPort?: number;
  /** healthy: process alive and its port answers; running: alive (no port to check); unreachable: alive but its port does not answer; dead: process gone. */
  health: Health;
  /** Software version. */
  version?: string;
  /** Resident memory in bytes, when alive. */
  rssBytes?: number;
  /** Log file. */
  logFile: string;
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
  runtime?: 'local';
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
}

/** Reads the state directory and checks each recorded process and port. */
export async function stackStatus(stateDir: string): Promise<StackStatus> {
  const state = readState(stateDir);
  if (!state) return { stateDir, started: false, services: [], totalRssBytes: 0 };
  const services: ServiceStatus[] = [];
  for (const name of SERVICES) {
    const record = state.services[name];
    if (!record) continue;
    const alive = isOurs(record.pid, stateDir);
    const port = record.uiPort ?? record.port;
    let health: Health = 'dead';
    if (alive)
      health =
        port === undefined ? 'running' : (await isListening(port, DEFAULTS.host)) ? 'healthy' : 'unreachable';
    services.push({
      name,
      pid: record.pid,
      port: record.port,
      uiPort: record.uiPort,
      health,
      version: record.version,
      rssBytes: alive ? treeRssBytes(record.pid) : undefined,
      logFile: record.logFile,
    });
  }
  const { host } = state.config;
  const { ports } = state;
  const endpoints: Endpoints = {
    kafka: `${host}:${ports.kafka}`,
    postgres: `postgresql://${DEFAULTS.databaseUser}@${host}:${ports.postgres}/${DEFAULTS.database}`,
    sparkUi: state.services.spark ? `http://${host}:${ports.sparkUi}` : undefined,
    flinkUi: state.services.flink ? `http://${host}:${ports.flinkUi}` : undefined,
  };
  const totalRssBytes = services.reduce((sum, service) => sum + (service.rssBytes ?? 0), 0);
  return {
    stateDir,
    started: true,
    runtime: state.runtime,
    startedAt: state.startedAt,
    services,
    endpoints,
    totalRssBytes,
  };
}
