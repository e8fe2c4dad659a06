import { ENGINES, type Engine, type ServiceName } from '../config/defaults.js';
import {
  changedEngines,
  stackDifferences,
  type JobSettings,
  type StackConfig,
} from '../config/stack-config.js';
import { UsageError } from '../errors.js';
import type { ProcessSample } from '../metrics/cost.js';
import type { ProgressOptions } from '../render/progress.js';
import { downDocker, downDockerLeftovers } from './docker/down.js';
import { dockerJobs } from './docker/jobs.js';
import { dockerLogs } from './docker/logs.js';
import { dockerCostSampler } from './docker/stats.js';
import { dockerStatus } from './docker/status.js';
import { upDocker } from './docker/up.js';
import { downLocal } from './local-down.js';
import { startJobs as startLocalJobs, stopJobs as stopLocalJobs } from './local-jobs.js';
import { stackStatus as localStatus } from './local-status.js';
import { upLocal } from './local-up.js';
import { tailFile } from './processes.js';
import { sampleProcessTree } from './proc-stats.js';
import { readState } from './state.js';
import type { DownResult, StackStatus, UpResult } from './types.js';

/**
 * One entry point per stack operation, whichever runtime runs the stack. `up` takes the runtime from the
 * config; everything else from the state file that `up` wrote, so `down`, `status`, `run` and `sweep` act on
 * the stack that is there.
 */

/** Samples the CPU time and memory of one engine's processes or containers; undefined when it is not running. */
export type CostSampler = (engine: Engine) => Promise<ProcessSample | undefined>;

/** Options of a job restart (`--isolate`, `sweep`). */
export interface StartJobsOptions {
  /** Job settings to run with instead of the current ones. */
  settings?: Partial<JobSettings>;
  /** Longest wait until the jobs have caught up with the topic, ms. */
  timeoutMs: number;
}

/**
 * Starts the stack on the runtime the config names, and waits until it is healthy. When it already runs, the
 * job settings in `overrides` are applied to it: only the jobs whose settings change are restarted.
 */
export async function upStack(
  config: StackConfig,
  progress: ProgressOptions,
  overrides: Partial<JobSettings> = {},
): Promise<UpResult> {
  const existing = readState(config.stateDir);
  if (existing && existing.runtime !== config.runtime) {
    throw new UsageError(`A ${existing.runtime} stack already runs in ${config.stateDir}`, {
      suggestions: [
        `Stop it with \`crypto-bench down --state-dir ${config.stateDir}\` first`,
        `or use another --state-dir for the ${config.runtime} stack`,
      ],
    });
  }
  const wanted = { ...config, jobs: { ...config.jobs, ...overrides } };
  const result = await (config.runtime === 'docker' ? upDocker(wanted, progress) : upLocal(wanted, progress));
  if (!result.alreadyRunning) return result;
  const running = runningConfig(config.stateDir);
  const kept = running ? stackDifferences(running, config) : [];
  const restarted = await applyJobSettings(config.stateDir, config.engines, overrides, config.upTimeoutMs);
  const after = restarted.length === 0 ? result : { ...result, ...(await stackStatus(config.stateDir)) };
  return {
    ...after,
    ...(restarted.length > 0 ? { restartedJobs: restarted } : {}),
    ...(kept.length > 0 ? { keptSettings: kept } : {}),
  };
}

/**
 * Gives a running stack's jobs these settings: restarts only the jobs whose settings change, and waits until
 * they have caught up with the topic. Returns the engines restarted (none when nothing changes).
 */
export async function applyJobSettings(
  stateDir: string,
  engines: Engine[],
  overrides: Partial<JobSettings>,
  timeoutMs: number,
): Promise<Engine[]> {
  const state = readState(stateDir);
  if (!state) return [];
  const running = state.config.jobs;
  const changed = changedEngines(running, { ...running, ...overrides }).filter(
    (engine) => engines.includes(engine) && state.config.engines.includes(engine),
  );
  if (changed.length > 0) await startJobs(stateDir, changed, { settings: overrides, timeoutMs });
  return changed;
}

/** Stops the stack recorded in the state directory; `volumes` also deletes its data. */
export async function downStack(stateDir: string, options: { volumes: boolean }): Promise<DownResult> {
  const state = readState(stateDir);
  if (state?.runtime === 'docker') return downDocker(stateDir, options);
  const result = await downLocal(stateDir, options);
  if (state) return result;
  const leftovers = await downDockerLeftovers(stateDir, options);
  if (!leftovers || (leftovers.containers.length === 0 && leftovers.volumes.length === 0)) return result;
  return {
    ...result,
    nothingRunning: leftovers.containers.length === 0 && result.nothingRunning,
    removedContainers: leftovers.containers.map((c) => c.name),
    deleted: [...leftovers.volumes, ...result.deleted],
  };
}

/** The config a running stack was started with (job settings as now in force); undefined when none runs. */
export function runningConfig(stateDir: string): StackConfig | undefined {
  return readState(stateDir)?.config;
}

/** What runs in the state directory, and how healthy it is. */
export async function stackStatus(stateDir: string): Promise<StackStatus> {
  return readState(stateDir)?.runtime === 'docker' ? dockerStatus(stateDir) : localStatus(stateDir);
}

/** Stops the jobs of these engines, leaving the rest of the stack running. */
export async function stopJobs(stateDir: string, engines: Engine[]): Promise<void> {
  if (readState(stateDir)?.runtime === 'docker') await dockerJobs(stateDir).stop(engines);
  else await stopLocalJobs(stateDir, engines);
}

/** The engines whose job is started (on Docker: the driver or consumer container, or the submitted Flink job). */
export async function startedJobs(stateDir: string): Promise<Engine[]> {
  const state = readState(stateDir);
  if (state?.runtime === 'docker') {
    const roles = state.docker?.containers.map((c) => c.role) ?? [];
    return ENGINES.filter((engine) =>
      engine === 'flink'
        ? state.docker?.flinkJobId !== undefined
        : roles.includes(engine === 'spark' ? 'spark-driver' : engine),
    );
  }
  const running = (await localStatus(stateDir)).services.map((s) => s.name);
  return ENGINES.filter((engine) => running.includes(engine));
}

/** (Re)starts the jobs of these engines and waits until they have caught up with the topic. */
export async function startJobs(
  stateDir: string,
  engines: Engine[],
  options: StartJobsOptions,
): Promise<void> {
  if (readState(stateDir)?.runtime === 'docker') await dockerJobs(stateDir).start(engines, options);
  else await startLocalJobs(stateDir, engines, options);
}

/** A sampler of each engine's CPU time and memory: its process tree (local) or its containers (docker). */
export async function costSampler(stateDir: string): Promise<CostSampler> {
  if (readState(stateDir)?.runtime === 'docker') return dockerCostSampler(stateDir);
  const status = await localStatus(stateDir);
  return async (engine) => {
    const pid = status.services.find((s) => s.name === engine)?.pid;
    return pid === undefined ? undefined : sampleProcessTree(pid);
  };
}

/** The last `lines` lines a service logged: its log file (local) or its containers' output (docker). */
export async function serviceLogs(stateDir: string, service: string, lines: number): Promise<string> {
  const state = readState(stateDir);
  if (!state) {
    throw new UsageError(`Nothing is running in ${stateDir}`, {
      suggestions: ['Start the stack with `crypto-bench up`'],
    });
  }
  if (state.runtime === 'docker') return dockerLogs(state, service, lines);
  const record = state.services[service as ServiceName];
  if (!record) {
    throw new UsageError(`No service "${service}" runs in ${stateDir}`, {
      suggestions: [`Choose from ${Object.keys(state.services).join(', ')}`],
    });
  }
  return tailFile(record.logFile, lines);
}
