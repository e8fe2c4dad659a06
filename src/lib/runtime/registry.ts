import { RUNTIMES, type RuntimeName } from '../config/defaults.js';
import { clusterRuntime } from './cluster/index.js';
import { dockerRuntime } from './docker/index.js';
import { localRuntime } from './local/index.js';
import type { Runtime } from './runtime.js';
import { readState } from './state.js';

/** Every runtime by name: a new runtime is a new folder and one line here. */
const REGISTRY: Record<RuntimeName, Runtime> = {
  local: localRuntime,
  docker: dockerRuntime,
  cluster: clusterRuntime,
};

/** The runtime `--runtime NAME` selects. */
export function runtimeNamed(name: RuntimeName): Runtime {
  return REGISTRY[name];
}

/** The runtime that started the stack in this state directory; undefined when none was started there. */
export function runtimeOf(stateDir: string): Runtime | undefined {
  const state = readState(stateDir);
  return state && REGISTRY[state.runtime];
}

/** Every runtime, in `RUNTIMES` order (for `down` of a state directory whose state file is gone). */
export function allRuntimes(): Runtime[] {
  return RUNTIMES.map((name) => REGISTRY[name]);
}
