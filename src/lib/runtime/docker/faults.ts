import { FAULT_TARGETS, type FaultTarget } from '../../config/fault-flags.js';
import { describe } from '../../errors.js';
import type { RestartRecord } from '../../results/fault-record.js';
import type { FaultInjection, InjectableAction } from '../runtime.js';
import { readState, type StackState } from '../state.js';
import { connectDocker } from './client.js';

/**
 * Faults and supervision on the docker runtime. A job target hits the container that runs the job: `spark` the
 * driver, `flink` the JobManager (where the job is submitted), `baseline` its consumer; cluster parts
 * (`flink-taskmanager`, `spark-worker`, …) hit their own container. kill/stop send SIGKILL/SIGTERM to the
 * container, pause and resume use Docker's pause (the cgroup freezer: every process of the container stops at
 * once, as SIGSTOP would), restart is `docker restart`. Supervision is Docker's restart policy `on-failure`
 * with at most {@link MAX_RESTARTS} restarts (Docker's own backoff doubles from 100 ms).
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

/** Does `action` to the target's container now. */
export async function injectDockerFault(
  state: StackState,
  target: FaultTarget,
  action: InjectableAction,
): Promise<FaultInjection> {
  const record = state.docker?.containers.find((c) => c.role === roleOf(target));
  if (!record) return { outcome: 'not-injected', detail: `${target} has no container in this stack` };
  const container = (await connectDocker()).getContainer(record.id);
  try {
    if (action === 'kill' || action === 'stop')
      await container.kill({ signal: action === 'kill' ? 'SIGKILL' : 'SIGTERM' });
    else if (action === 'pause') await container.pause();
    else if (action === 'resume') await container.unpause();
    else await container.restart();
    return { container: record.name, outcome: 'injected', detail: `${action} of container ${record.name}` };
  } catch (error) {
    return {
      container: record.name,
      outcome: 'not-injected',
      detail: `${action} of ${record.name} failed: ${describe(error)}`,
    };
  }
}

/** Sets every container's restart policy: on-failure (capped) when on, none when off. */
export async function superviseDocker(stateDir: string, on: boolean): Promise<void> {
  const docker = await connectDocker();
  for (const record of readState(stateDir)?.docker?.containers ?? []) {
    await docker.getContainer(record.id).update({ RestartPolicy: on ? RESTART_POLICY : { Name: 'no' } });
  }
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
      service: record.role,
      atUs,
      exitReason: `restarted by Docker's on-failure policy (last exit code ${inspected.State.ExitCode})`,
      attempt: inspected.RestartCount,
    });
  }
  return restarts.sort((a, b) => a.atUs - b.atUs);
}
