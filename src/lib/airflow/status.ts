import { readFileSync, rmSync } from 'node:fs';
import { sampleProcessTree } from '../runtime/proc-stats.js';
import { isListening } from '../runtime/ports.js';
import { tailFile } from '../runtime/processes.js';
import { UsageError } from '../errors.js';
import { AirflowClient } from './rest.js';
import { AIRFLOW_PROCESSES, AIRFLOW_USER, airflowPaths, type AirflowProcessName } from './settings.js';
import {
  clearAirflowState,
  isRunning,
  readAirflowState,
  stopAirflowProcesses,
  type AirflowState,
} from './state.js';

/** One Airflow process as `airflow status` shows it. */
export interface AirflowProcessStatus {
  /** Which process. */
  name: AirflowProcessName;
  /** Process id. */
  pid: number;
  /** running, or dead. */
  health: 'running' | 'dead';
  /** Resident memory of its process tree (workers and task processes included), bytes. */
  rssBytes?: number;
  /**
   * CPU time its process tree used since it started (user + system), seconds, including the short-lived
   * children it already reaped (the DAG processor's parsers, the executor's task processes).
   */
  cpuSeconds?: number;
  /** Log file. */
  logFile: string;
}

/** One DAG as `airflow status` shows it. */
export interface AirflowDagStatus {
  /** DAG id. */
  dagId: string;
  /** Paused DAGs get no scheduled runs (every DAG starts paused). */
  paused: boolean;
}

/** What `airflow status` reports. */
export interface AirflowStatus {
  /** Absolute state directory of the stack. */
  stateDir: string;
  /** True when Airflow was started here (even if parts died). */
  started: boolean;
  /** Airflow version. */
  version?: string;
  /** The UI and REST API, when started. */
  url?: string;
  /** The user to log in as; the password is in the file named by `passwordFile`. */
  user?: string;
  /** File with the password (JSON, user -> password). */
  passwordFile?: string;
  /** True when the API server answers its health check. */
  apiHealthy: boolean;
  /** The processes. */
  processes: AirflowProcessStatus[];
  /** crypto-bench's DAGs, when the API answers. */
  dags: AirflowDagStatus[];
  /** DAG files that failed to import (file: last line of the error), when the API answers. */
  importErrors: string[];
  /** Sum of resident memory of every live process tree, bytes. */
  totalRssBytes: number;
  /** Sum of CPU seconds of every live process tree since it started. */
  totalCpuSeconds: number;
}

/** Each recorded Airflow process: alive or not, with its tree's memory and CPU seconds (reaped children too). */
function sampleAirflowProcesses(state: AirflowState): AirflowProcessStatus[] {
  const processes: AirflowProcessStatus[] = [];
  for (const name of AIRFLOW_PROCESSES) {
    const record = state.processes[name];
    if (!record) continue;
    const alive = isRunning(record);
    const sample = alive ? sampleProcessTree(record.pid, true) : undefined;
    processes.push({
      name,
      pid: record.pid,
      health: alive ? 'running' : 'dead',
      rssBytes: sample?.rssBytes,
      cpuSeconds: sample?.cpuSeconds,
      logFile: record.logFile,
    });
  }
  return processes;
}

/**
 * CPU seconds and memory of all of Airflow's processes now (no API call): two samples around a piece of work give
 * what Airflow spent on it. Undefined when Airflow is not running for the stack.
 */
export function sampleAirflowCost(stateDir: string): { cpuSeconds: number; rssBytes: number } | undefined {
  const state = readAirflowState(stateDir);
  if (!state) return undefined;
  const processes = sampleAirflowProcesses(state);
  return {
    cpuSeconds: processes.reduce((sum, p) => sum + (p.cpuSeconds ?? 0), 0),
    rssBytes: processes.reduce((sum, p) => sum + (p.rssBytes ?? 0), 0),
  };
}

/** Reads Airflow's state and checks each process, the API server and the DAGs. */
export async function airflowStatus(stateDir: string): Promise<AirflowStatus> {
  const state = readAirflowState(stateDir);
  const empty = {
    stateDir,
    started: false,
    apiHealthy: false,
    processes: [],
    dags: [],
    importErrors: [],
    totalRssBytes: 0,
    totalCpuSeconds: 0,
  };
  if (!state) return empty;
  const processes = sampleAirflowProcesses(state);
  const url = `http://${state.host}:${state.ports.api}`;
  const paths = airflowPaths(stateDir);
  let dags: AirflowDagStatus[] = [];
  let importErrors: string[] = [];
  let apiHealthy = false;
  if (await isListening(state.ports.api, state.host)) {
    const client = new AirflowClient(url, readPassword(paths.passwordsFile));
    apiHealthy = await client.healthy();
    if (apiHealthy) {
      try {
        dags = (await client.dags()).map((dag) => ({ dagId: dag.dag_id, paused: dag.is_paused }));
        importErrors = (await client.importErrors()).map(
          (e) => `${e.filename}: ${e.stack_trace.trim().split('\n').pop() ?? ''}`,
        );
      } catch {
        // The API answers its health check but not (yet) the rest: status still shows the processes.
      }
    }
  }
  return {
    stateDir,
    started: true,
    version: state.version,
    url,
    user: AIRFLOW_USER,
    passwordFile: paths.passwordsFile,
    apiHealthy,
    processes,
    dags,
    importErrors,
    totalRssBytes: processes.reduce((sum, p) => sum + (p.rssBytes ?? 0), 0),
    totalCpuSeconds: processes.reduce((sum, p) => sum + (p.cpuSeconds ?? 0), 0),
  };
}

/** What `airflow down` did. */
export interface AirflowDownResult {
  /** Absolute state directory of the stack. */
  stateDir: string;
  /** Processes that were running and were stopped. */
  stopped: string[];
  /** Processes recorded as started that had already died. */
  alreadyDead: string[];
  /** True when Airflow was not started here. */
  nothingRunning: boolean;
}

/** The last lines an Airflow process logged. */
export function airflowLogs(stateDir: string, name: string, lines: number): string {
  const record = readAirflowState(stateDir)?.processes[name as AirflowProcessName];
  if (!record) {
    throw new UsageError(`No Airflow process "${name}" runs for ${stateDir}`, {
      suggestions: [`Choose from ${AIRFLOW_PROCESSES.join(', ')}`],
    });
  }
  return tailFile(record.logFile, lines);
}

/**
 * Stops exactly the Airflow processes recorded for this stack and forgets them. Idempotent. `volumes` also
 * deletes Airflow's folder (secrets, task logs; its metadata database goes with the stack's PostgreSQL data).
 */
export async function downAirflow(
  stateDir: string,
  options: { volumes?: boolean } = {},
): Promise<AirflowDownResult> {
  const state = readAirflowState(stateDir);
  if (options.volumes) rmSync(airflowPaths(stateDir).home, { recursive: true, force: true });
  if (!state) return { stateDir, stopped: [], alreadyDead: [], nothingRunning: true };
  const stopped = await stopAirflowProcesses(state);
  clearAirflowState(stateDir);
  const recorded = Object.keys(state.processes);
  return {
    stateDir,
    stopped,
    alreadyDead: recorded.filter((name) => !stopped.includes(name)),
    nothingRunning: false,
  };
}

function readPassword(passwordsFile: string): string {
  try {
    return (JSON.parse(readFileSync(passwordsFile, 'utf8')) as Record<string, string>)[AIRFLOW_USER] ?? '';
  } catch {
    return '';
  }
}
