import { rmSync } from 'node:fs';
import path from 'node:path';
import type { ServiceName } from '../../config/defaults.js';
import { stopStarted } from './up.js';
import { stopSupervisor } from './supervisor.js';
import { clearState, readState, statePaths } from '../state.js';
import type { DownResult } from '../types.js';

/**
 * Stops exactly the processes recorded in the state directory (never a stranger that reused a pid), then
 * forgets them. Idempotent: a second `down` finds nothing and says so. Data stays unless `volumes`.
 */
export async function downLocal(stateDir: string, options: { volumes: boolean }): Promise<DownResult> {
  // The supervisor first, so it does not restart what is being stopped.
  await stopSupervisor(stateDir);
  const state = readState(stateDir);
  const recorded = state ? (Object.keys(state.services) as ServiceName[]) : [];
  const stopped = state ? await stopStarted(state) : [];
  clearState(stateDir);
  const deleted = options.volumes ? deleteData(stateDir) : [];
  return {
    stateDir,
    stopped,
    alreadyDead: recorded.filter((name) => !stopped.includes(name)),
    nothingRunning: !state,
    deleted,
  };
}

/** Deletes the stack's data: database, Kafka log, checkpoints, logs, generated config. */
function deleteData(stateDir: string): string[] {
  const paths = statePaths(stateDir);
  const targets = [
    paths.pgData,
    paths.passwordFile,
    paths.kafkaData,
    paths.checkpoints,
    paths.logs,
    paths.config,
    path.join(stateDir, 'tmp'),
  ];
  for (const target of targets) rmSync(target, { recursive: true, force: true });
  return targets;
}
