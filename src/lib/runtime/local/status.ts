import { DEFAULTS, SERVICES } from '../../config/defaults.js';
import { isListening } from '../ports.js';
import { isOurs } from '../processes.js';
import { treeRssBytes } from '../proc-stats.js';
import { readState } from '../state.js';
import { readSupervision, type ServiceSupervision } from './supervisor.js';
import type { Endpoints, Health, ServiceStatus, StackStatus } from '../types.js';

/** Reads the state directory and checks each recorded process and port. */
export async function stackStatus(stateDir: string): Promise<StackStatus> {
  const state = readState(stateDir);
  if (!state) return { stateDir, started: false, services: [], totalRssBytes: 0 };
  const services: ServiceStatus[] = [];
  const supervision = readSupervision(stateDir);
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
      ...supervisionOf(supervision?.services[name]),
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
    jobs: state.config.jobs,
    supervised: state.supervisor !== undefined && isOurs(state.supervisor.pid, stateDir),
  };
}

function supervisionOf(
  entry: ServiceSupervision | undefined,
): Pick<ServiceStatus, 'restarts' | 'lastExitReason'> {
  if (!entry) return {};
  const reason = entry.gaveUp ?? entry.lastExitReason;
  return { restarts: entry.restarts, ...(reason ? { lastExitReason: reason } : {}) };
}
