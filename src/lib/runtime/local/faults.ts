import type { ServiceName } from '../../config/defaults.js';
import type { FaultTarget } from '../../config/fault-flags.js';
import type { FaultInjection, InjectableAction } from '../runtime.js';
import { isOurs, signalGroup, stopGroup } from '../processes.js';
import { updateState, type StackState } from '../state.js';
import { respawnService } from './respawn.js';

/** The local runtime's fault targets: each recorded service (a job is one process: no cluster parts). */
export function localFaultTargets(state: StackState): FaultTarget[] {
  return (['spark', 'flink', 'baseline', 'kafka', 'postgres'] as const).filter(
    (name) => state.services[name],
  );
}

/**
 * Signals a service's whole process group: kill = SIGKILL (a crash), stop = SIGTERM (PostgreSQL: SIGINT, its
 * fast shutdown: SIGTERM is its "smart" shutdown, which waits for every client to leave and so never ends
 * while the engines are connected), pause = SIGSTOP, resume = SIGCONT, restart = a graceful stop and a start
 * at once (marked `stopping`, so the supervisor stays out of it). A process already gone is reported, not hidden.
 */
export async function injectLocalFault(
  state: StackState,
  target: FaultTarget,
  action: InjectableAction,
): Promise<FaultInjection> {
  const name = target as ServiceName;
  const record = state.services[name];
  if (!record) return { outcome: 'not-injected', detail: `${target} is not part of this stack` };
  const { pid } = record;
  if (!isOurs(pid, state.config.stateDir)) {
    return { pid, outcome: 'not-injected', detail: `process ${pid} of ${target} was already gone` };
  }
  const graceful = name === 'postgres' ? 'SIGINT' : 'SIGTERM';
  if (action === 'restart') {
    updateState(state.config.stateDir, (fresh) => {
      const current = fresh.services[name];
      if (current) current.stopping = true;
    });
    await stopGroup(pid, graceful);
    const fresh = await respawnService(state, name);
    return {
      pid,
      outcome: 'injected',
      detail: `stopped process group ${pid} (${graceful}), started again as ${fresh}`,
    };
  }
  const signal = ({ kill: 'SIGKILL', stop: graceful, pause: 'SIGSTOP', resume: 'SIGCONT' } as const)[action];
  return signalGroup(pid, signal)
    ? { pid, outcome: 'injected', detail: `${signal} to process group ${pid}` }
    : {
        pid,
        outcome: 'not-injected',
        detail: `process ${pid} of ${target} was gone when ${signal} was sent`,
      };
}
