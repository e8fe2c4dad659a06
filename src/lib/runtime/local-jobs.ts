import { setTimeout as sleep } from 'node:timers/promises';
import type { Engine, ServiceName } from '../config/defaults.js';
import type { JobSettings } from '../config/stack-config.js';
import { InfrastructureError, JobFailureError, describe } from '../errors.js';
import { connectProducer } from '../engines/kafka.js';
import { engineVersion, jobProcess, uiPort } from '../engines/jobs.js';
import { connect } from '../engines/postgres.js';
import { enginesThatSawProbe, PROBE_RUN_PREFIX, sendProbe } from '../engines/probe.js';
import { findJava, type JavaRuntime } from './java.js';
import { isOurs, startDetached, stopGroup, tailFile, type ProcessSpec } from './processes.js';
import { readState, writeState, type StackState } from './state.js';

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
  state.services[name] = { name, pid, logFile: spec.logFile, startedAt: new Date().toISOString(), ...extra };
  writeState(state.config.stateDir, state);
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

/**
 * Waits until every given job has committed a probe event from every partition: it consumes the whole
 * topic, has caught up with everything before the probe (Kafka keeps each partition in order), and writes end
 * to end. Re-sends the probe every 10 s in case a job joined after it.
 */
export async function waitUntilConsuming(
  state: StackState,
  engines: Engine[],
  deadlineMs: number,
  onOutput: (line: string) => void = () => undefined,
): Promise<void> {
  const config = state.config;
  const producer = await connectProducer(config);
  const client = await connect(config);
  const runId = `${PROBE_RUN_PREFIX}${new Date().toISOString()}`;
  let seq = 0;
  let lastSent = 0;
  try {
    for (;;) {
      for (const engine of engines) assertServiceAlive(state, engine);
      if (Date.now() - lastSent > 10_000) {
        seq = await sendProbe(producer, runId, seq);
        lastSent = Date.now();
      }
      const ready = await enginesThatSawProbe(client, runId, engines);
      const waiting = engines.filter((engine) => !ready.includes(engine));
      if (waiting.length === 0) return;
      onOutput(`committed: ${ready.join(', ') || 'none yet'}; waiting for ${waiting.join(', ')}`);
      if (Date.now() > deadlineMs) {
        const logs = waiting.map((engine) => `${engine}: ${state.services[engine]?.logFile}`).join('; ');
        throw new JobFailureError(`Timed out waiting for ${waiting.join(', ')} to consume and commit`, {
          suggestions: [`Look at the job logs (${logs})`, 'or give it longer with --timeout'],
        });
      }
      await sleep(500);
    }
  } finally {
    await producer.disconnect();
    await client.end();
  }
}

/** Stops the jobs of these engines, leaving the rest of the stack running. */
export async function stopJobs(stateDir: string, engines: Engine[]): Promise<void> {
  const state = requireState(stateDir);
  for (const engine of engines) {
    const record = state.services[engine];
    if (record && isOurs(record.pid, stateDir)) await stopGroup(record.pid, 'SIGTERM');
    delete state.services[engine];
    writeState(stateDir, state);
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
  state.config = { ...state.config, jobs: { ...state.config.jobs, ...options.settings } };
  writeState(stateDir, state);
  await launchJobs(state, engines, await findJava());
  await waitUntilConsuming(state, engines, Date.now() + options.timeoutMs);
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
