import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../errors.js';
import { isAlive, stopGroup } from '../runtime/processes.js';
import { AIRFLOW_PROCESSES, airflowPaths, type AirflowPorts, type AirflowProcessName } from './settings.js';

/** Layout version of Airflow's state file. */
export const AIRFLOW_STATE_VERSION = 1;

/** One Airflow process crypto-bench started. */
export interface AirflowProcessRecord {
  /** Which process. */
  name: AirflowProcessName;
  /** Process id, also its process group id (started detached). */
  pid: number;
  /**
   * Its start time in clock ticks since boot (field 22 of /proc/PID/stat): with the pid, it names exactly this
   * process even after Airflow renames itself (setproctitle), so a reused pid is never taken for it.
   */
  startTicks: number;
  /** Log file (stdout and stderr). */
  logFile: string;
  /** When it was started, ISO-8601. */
  startedAt: string;
}

/** What `airflow up` leaves for `airflow down` and `status`, in `<state-dir>/airflow/state.json`. */
export interface AirflowState {
  /** Layout version. */
  schemaVersion: number;
  /** When `airflow up` started, ISO-8601. */
  startedAt: string;
  /** Airflow version. */
  version: string;
  /** The virtual environment it runs from. */
  venv: string;
  /** Ports, on `host`. */
  ports: AirflowPorts;
  /** Bind address. */
  host: string;
  /** The processes, by name. */
  processes: Partial<Record<AirflowProcessName, AirflowProcessRecord>>;
}

/** Reads Airflow's state file; undefined when Airflow was not started here (or was stopped). */
export function readAirflowState(stateDir: string): AirflowState | undefined {
  const file = airflowPaths(stateDir).stateFile;
  if (!existsSync(file)) return undefined;
  try {
    const state = JSON.parse(readFileSync(file, 'utf8')) as AirflowState;
    if (state.schemaVersion !== AIRFLOW_STATE_VERSION) throw new Error(`version ${state.schemaVersion}`);
    return state;
  } catch (error) {
    throw new ConfigError(`Airflow's state file ${file} cannot be read (${(error as Error).message})`, {
      suggestions: [
        `Stop Airflow's processes by hand (\`crypto-bench airflow status\` lists them), then delete ${file}`,
      ],
    });
  }
}

/** Writes Airflow's state file atomically. */
export function writeAirflowState(stateDir: string, state: AirflowState): void {
  const file = airflowPaths(stateDir).stateFile;
  mkdirSync(path.dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify(state, null, 2)}\n`);
  renameSync(temp, file);
}

/** Forgets Airflow's processes (they are stopped). */
export function clearAirflowState(stateDir: string): void {
  rmSync(airflowPaths(stateDir).stateFile, { force: true });
}

/** Start time of a process in clock ticks since boot; undefined when it is gone. */
export function startTicks(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]);
  } catch {
    return undefined;
  }
}

/** True when the recorded process still runs (same pid and same start time). */
export function isRunning(record: AirflowProcessRecord): boolean {
  return isAlive(record.pid) && startTicks(record.pid) === record.startTicks;
}

/** Stops every recorded Airflow process that still runs (its whole process group); returns their names. */
export async function stopAirflowProcesses(state: AirflowState): Promise<string[]> {
  const stopped: string[] = [];
  for (const name of [...AIRFLOW_PROCESSES].reverse()) {
    const record = state.processes[name];
    if (record && isRunning(record)) {
      await stopGroup(record.pid, 'SIGTERM', 20_000);
      stopped.push(name);
    }
  }
  return stopped;
}
