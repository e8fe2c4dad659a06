import { ENGINES, type Engine, type ServiceName } from '../../config/defaults.js';
import { jobProcess } from '../../engines/jobs.js';
import { prepareBroker } from '../../engines/kafka.js';
import { findPostgres, postgresProcess, postgresUser } from '../../engines/postgres.js';
import { findJava } from '../java.js';
import { startDetached, type ProcessSpec } from '../processes.js';
import { updateState, type StackState } from '../state.js';

/**
 * Starting one service of a running local stack again, the same way `up` started it (same command, settings
 * and log file): used by the supervisor after a crash and by a `restart` fault.
 */

/** How `up` starts this service, rebuilt from the state (job settings as now in force). */
export async function serviceSpec(state: StackState, name: ServiceName): Promise<ProcessSpec> {
  if (name === 'postgres') {
    const user = postgresUser();
    return postgresProcess(state.config, await findPostgres(user), user);
  }
  const java = await findJava();
  if (name === 'kafka') return prepareBroker(state.config, java);
  return jobProcess(name as Engine, state.config, java);
}

/**
 * Starts the service again and records its new pid in the state file (keeping its ports and version); returns
 * the pid. `onExit` hears how the new process ends, while the caller lives.
 */
export async function respawnService(
  state: StackState,
  name: ServiceName,
  onExit?: (code: number | null, signal: NodeJS.Signals | null) => void,
): Promise<number> {
  const pid = await startDetached(await serviceSpec(state, name), onExit);
  updateState(state.config.stateDir, (fresh) => {
    const record = fresh.services[name];
    if (!record) return;
    record.pid = pid;
    record.startedAt = new Date().toISOString();
    delete record.stopping;
  });
  return pid;
}

/** Services of a stack the supervisor watches: the ones recorded, in start order. */
export function supervisedServices(state: StackState): ServiceName[] {
  return (['postgres', 'kafka', ...ENGINES] as ServiceName[]).filter((name) => state.services[name]);
}
