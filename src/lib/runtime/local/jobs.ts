import type { Engine, ServiceName } from '../../config/defaults.js';
import { mergeJobSettings, type JobSettings } from '../../config/stack-config.js';
import { InfrastructureError, JobFailureError, describe } from '../../errors.js';
import { engineVersion, jobProcess, uiPort } from '../../engines/jobs.js';
import { waitUntilConsuming } from '../../engines/probe.js';
import { findJava, type JavaRuntime } from '../java.js';
import { isOurs, startDetached, stopGroup, tailFile, type ProcessSpec } from '../processes.js';
import { readState, updateState, writeState, type StackState } from '../state.js';

/** Starts one service and records it in the state file at once, so `down` can stop it whatever happens next. */
export async function launchService(
  state: StackState,
  name: ServiceName,
  spec: ProcessSpec,
  extra: { port?: number; uiPort?: number; version?: string } = {},
): Promise<void> {
  const pid = await startDetached(spec).catch((error: unknown) => {
    throw new InfrastructureError(`Could not start ${name}: ${describe(error)}`);
  });
  const record = { name, pid, logFile: spec.logFile, startedAt: new Date().toISOString(), ...extra };
  state.services[name] = record;
  // Merged into the file as it is now: the supervisor may have recorded another service's new pid meanwhile.
  const merged = updateState(state.config.stateDir, (fresh) => (fresh.services[name] = record));
  if (!merged) writeState(state.config.stateDir, state);
}

/** Launches the jobs of these engines with the state's job settings (does not wait for them). */
export async function launchJobs(state: StackState, engines: Engine[], java: JavaRuntime): Promise<void> {
  for (const engine of engines) {
    await launchService(state, engine, jobProcess(engine, state.config, java), {
      uiPort: uiPort(engine, state.config),
      version: engineVersion(engine),
    });
  }
}

/** Fails with the service's last log lines when a recorded process has died. */
export function assertServiceAlive(state: StackState, name: ServiceName): void {
  const record = state.services[name];
  if (!record || isOurs(record.pid, state.config.stateDir)) return;
  const ErrorClass = name === 'postgres' || name === 'kafka' ? InfrastructureError : JobFailureError;
  throw new ErrorClass(
    `${name} exited during start-up. Last lines of ${record.logFile}:\n${tailFile(record.logFile)}`,
    {
      suggestions: ['Fix the cause above, then run `crypto-bench down` and `crypto-bench up` again'],
    },
  );
}

/** Waits until every given job has committed a probe from every partition (see `waitUntilConsuming`). */
export function waitUntilLocalJobsConsume(
  state: StackState,
  engines: Engine[],
  deadlineMs: number,
  onOutput?: (line: string) => void,
): Promise<void> {
  return waitUntilConsuming(state.config, engines, deadlineMs, {
    assertAlive: (engine) => assertServiceAlive(state, engine),
    logHint: (engine) => state.services[engine]?.logFile ?? 'no log file',
    onOutput,
  });
}

/** Stops the jobs of these engines, leaving the rest of the stack running. */
export async function stopJobs(stateDir: string, engines: Engine[]): Promise<void> {
  const state = requireState(stateDir);
  for (const engine of engines) {
    const record = state.services[engine];
    // Marked first, so the supervisor does not restart a job stopped on purpose.
    updateState(stateDir, (fresh) => {
      const current = fresh.services[engine];
      if (current) current.stopping = true;
    });
    if (record && isOurs(record.pid, stateDir)) await stopGroup(record.pid, 'SIGTERM');
    updateState(stateDir, (fresh) => delete fresh.services[engine]);
  }
}

/**
 * (Re)starts the jobs of these engines, with changed job settings if given, and waits until they have caught up
 * with the topic. Jobs already running are stopped first. Used by `--isolate` and by `sweep`.
 */
export async function startJobs(
  stateDir: string,
  engines: Engine[],
  options: { settings?: Partial<JobSettings>; timeoutMs: number },
): Promise<void> {
  await stopJobs(stateDir, engines);
  const state = requireState(stateDir);
  state.config = { ...state.config, jobs: mergeJobSettings(state.config.jobs, options.settings ?? {}) };
  updateState(stateDir, (fresh) => (fresh.config = state.config));
  await launchJobs(state, engines, await findJava());
  await waitUntilLocalJobsConsume(state, engines, Date.now() + options.timeoutMs);
}

function requireState(stateDir: string): StackState {
  const state = readState(stateDir);
  if (!state) {
    throw new InfrastructureError(`No stack is running in ${stateDir}`, {
      suggestions: ['Run `crypto-bench up` first'],
    });
  }
  return state;
}
