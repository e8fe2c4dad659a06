import { FAULT_TARGETS, type FaultTarget } from '../../config/fault-flags.js';
import { describe } from '../../errors.js';
import type { RestartRecord } from '../../results/fault-record.js';
import type { FaultInjection, InjectableAction } from '../runtime.js';
import { readState, updateState, type StackState } from '../state.js';
import type Docker from 'dockerode';
import type { ContainerRecord } from '../state.js';
import { connectDocker } from './client.js';
import { containerState, execInContainer } from './containers.js';
import { flinkRest } from './jobs.js';
import { unitOf } from './scale.js';

/**
 * Faults and supervision on the docker runtime. A job target hits the container that runs the job: `spark` the
 * driver, `flink` the JobManager (where the job is submitted), `baseline` its consumer; cluster parts
 * (`flink-taskmanager`, `spark-worker`, …) hit their own container, and of several TaskManagers or workers one
 * (see {@link chooseContainer}), named in the record.
 *
 * kill/stop send SIGKILL/SIGTERM to every process of the container from inside it (`docker exec … kill -1`):
 * its init then exits with the JVM's status, as after a crash, and Docker's restart policy applies. Docker's
 * own kill API would not do: it marks the container as stopped by hand, and Docker never restarts one of
 * those (moby `daemon/kill.go`: `ExitOnNext`, `HasBeenManuallyStopped`). pause and resume use Docker's pause
 * (the cgroup freezer: every process of the container stops at once, as SIGSTOP would), restart is `docker
 * restart`. Supervision is Docker's restart policy `on-failure` with at most {@link MAX_RESTARTS} restarts
 * (Docker's own backoff doubles from 100 ms).
 */

/** Restarts Docker makes of a container that keeps failing before it leaves it stopped. */
export const MAX_RESTARTS = 5;

/** The restart policy of every container of a supervised docker stack. */
export const RESTART_POLICY = { Name: 'on-failure', MaximumRetryCount: MAX_RESTARTS } as const;

const JOB_ROLE: Partial<Record<FaultTarget, string>> = {
  spark: 'spark-driver',
  flink: 'flink-jobmanager',
};

function roleOf(target: FaultTarget): string {
  return JOB_ROLE[target] ?? target;
}

/** Targets of a docker stack: every role it runs, and the jobs through their containers. */
export function dockerFaultTargets(state: StackState): FaultTarget[] {
  const roles = new Set(state.docker?.containers.map((c) => c.role) ?? []);
  return FAULT_TARGETS.filter((target) => roles.has(roleOf(target)));
}

/** Does `action` to the target's container now (one of them, when the target has several). */
export async function injectDockerFault(
  state: StackState,
  target: FaultTarget,
  action: InjectableAction,
): Promise<FaultInjection> {
  const docker = await connectDocker();
  const chosen = await chooseContainer(docker, state, target);
  if (!chosen) return { outcome: 'not-injected', detail: `${target} has no container in this stack` };
  const { record, why } = chosen;
  const container = docker.getContainer(record.id);
  const which = `container ${record.name}${why ? ` (${why})` : ''}`;
  try {
    if (action === 'kill' || action === 'stop') {
      const signal = action === 'kill' ? 'KILL' : 'TERM';
      await signalEveryProcess(container, signal);
      return {
        container: record.name,
        outcome: 'injected',
        detail: `${action}: SIG${signal} to every process of ${which}`,
      };
    }
    if (action === 'pause') await container.pause();
    else if (action === 'resume') await container.unpause();
    else await container.restart();
    return { container: record.name, outcome: 'injected', detail: `${action} of ${which}` };
  } catch (error) {
    return {
      container: record.name,
      outcome: 'not-injected',
      detail: `${action} of ${record.name} failed: ${describe(error)}`,
    };
  }
}

/**
 * The container a fault hits, and why that one when the target has several. A TaskManager: the one running
 * the most of the Flink job's operators (the JobManager's REST API names it: each TaskManager's resource id is
 * its unit name), so the fault hits the job; a Spark worker: the first running one (each worker runs one of the
 * job's executors, see scale.ts). A resume goes to the container that was paused.
 */
export async function chooseContainer(
  docker: Docker,
  state: StackState,
  target: FaultTarget,
): Promise<{ record: ContainerRecord; why: string } | undefined> {
  const all = state.docker?.containers.filter((c) => c.role === roleOf(target)) ?? [];
  if (all.length <= 1) return all[0] && { record: all[0], why: '' };
  const states = await Promise.all(all.map((c) => containerState(docker, c.name).catch(() => undefined)));
  const paused = all.filter((_, i) => states[i]?.paused);
  if (paused[0]) return { record: paused[0], why: `the paused one of ${all.length}` };
  const running = all.filter((_, i) => states[i]?.running);
  const first = running[0] ?? all[0];
  if (!first) return undefined;
  const jobId = state.docker?.flinkJobId;
  if (target === 'flink-taskmanager' && jobId) {
    const operators = new Map<string, number>();
    const placement = await flinkRest(state)
      .jobPlacement(jobId)
      .catch(() => []);
    for (const vertex of placement)
      for (const tm of vertex.taskmanagers) operators.set(tm, (operators.get(tm) ?? 0) + 1);
    const busiest = [...running].sort(
      (a, b) => (operators.get(unitOf(b)) ?? 0) - (operators.get(unitOf(a)) ?? 0),
    )[0];
    const count = busiest ? (operators.get(unitOf(busiest)) ?? 0) : 0;
    if (busiest && count > 0) {
      return {
        record: busiest,
        why: `of ${all.length} TaskManagers, the one running ${count} of the Flink job's ${placement.length} operators`,
      };
    }
  }
  return { record: first, why: `the first running of ${all.length} ${target}s` };
}

/**
 * Sends a signal to every process of a container but its init, from inside (`kill -1` spares the caller and
 * init); init then ends with them. The exec may itself be ended by the container stopping, which is fine.
 */
async function signalEveryProcess(container: Docker.Container, signal: 'KILL' | 'TERM'): Promise<void> {
  const { code, output } = await execInContainer(container, `kill -s ${signal} -- -1`);
  // 137/143: the exec ended with the container; anything else non-zero is the shell saying why not.
  if (code !== null && code !== 0 && code !== 137 && code !== 143)
    throw new Error(`kill -s ${signal} -1 in the container exited with ${code}: ${output}`);
}

/** Sets every container's restart policy: on-failure (capped) when on, none when off. */
export async function superviseDocker(stateDir: string, on: boolean): Promise<void> {
  const docker = await connectDocker();
  for (const record of readState(stateDir)?.docker?.containers ?? []) {
    await docker.getContainer(record.id).update({ RestartPolicy: on ? RESTART_POLICY : { Name: 'no' } });
  }
  updateState(stateDir, (state) => {
    if (state.docker) state.docker.supervised = on;
  });
}

/**
 * Restarts by the Docker engine since `sinceUs`: Docker keeps only each container's restart count and its
 * last start, so at most the last restart per container is listed, with its count as the attempt.
 */
export async function dockerRestarts(stateDir: string, sinceUs: number): Promise<RestartRecord[]> {
  const docker = await connectDocker();
  const restarts: RestartRecord[] = [];
  for (const record of readState(stateDir)?.docker?.containers ?? []) {
    const inspected = await docker
      .getContainer(record.id)
      .inspect()
      .catch(() => undefined);
    if (!inspected || inspected.RestartCount === 0) continue;
    const atUs = Date.parse(inspected.State.StartedAt) * 1000;
    if (atUs < sinceUs) continue;
    restarts.push({
      service: unitOf(record),
      atUs,
      // Docker resets the exit code when it starts the container again: only the restart itself is known.
      exitReason: "exited unexpectedly; restarted by Docker's on-failure policy",
      attempt: inspected.RestartCount,
    });
  }
  restarts.push(...(readState(stateDir)?.docker?.jobRestarts ?? []).filter((r) => r.atUs >= sinceUs));
  return restarts.sort((a, b) => a.atUs - b.atUs);
}
