import type { Engine } from '../config/defaults.js';
import {
  changedEngines,
  mergeJobSettings,
  stackDifferences,
  type JobSettings,
  type StackConfig,
} from '../config/stack-config.js';
import { describe, InfrastructureError, UsageError } from '../errors.js';
import { FAULT_TARGETS, validateFaults, type FaultSpec } from '../config/fault-flags.js';
import type { RestartRecord } from '../results/fault-record.js';
import type { ProgressOptions } from '../render/progress.js';
import { airflowStatus, downAirflow } from '../airflow/status.js';
import { allRuntimes, runtimeNamed, runtimeOf } from './registry.js';
import type { CostSampler, Runtime, StartJobsOptions } from './runtime.js';
import { recreateTopic } from '../engines/topic-reset.js';
import { readState, updateState, type StackState } from './state.js';
import type { DownResult, StackStatus, UpResult } from './types.js';

/**
 * One entry point per stack operation, whichever runtime runs the stack: `up` takes the runtime from the
 * config, everything else resolves it once from the state file that `up` wrote (`registry.ts`), so `down`,
 * `status`, `run` and `sweep` act on the stack that is there. Nothing here knows which runtimes exist.
 */

/**
 * Starts the stack on the runtime the config names, and waits until it is healthy. When it already runs, the
 * job settings in `overrides` are applied to it: only the jobs whose settings change are restarted.
 */
export async function upStack(
  config: StackConfig,
  progress: ProgressOptions,
  overrides: Partial<JobSettings> = {},
  options: { supervise?: boolean } = {},
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
  const wanted = { ...config, jobs: mergeJobSettings(config.jobs, overrides) };
  const runtime = runtimeNamed(config.runtime);
  const result = await runtime.up(wanted, progress);
  // A new stack is supervised unless --no-supervise; a running one changes only when the flag is given.
  if (!result.alreadyRunning || options.supervise !== undefined) {
    await runtime.supervise(config.stateDir, options.supervise ?? true);
  }
  if (!result.alreadyRunning) return { ...result, ...(await stackStatus(config.stateDir)) };
  const running = runningConfig(config.stateDir);
  const kept = running ? stackDifferences(running, config) : [];
  const restarted = await applyJobSettings(config.stateDir, config.engines, overrides, config.upTimeoutMs);
  const changed = restarted.length > 0 || options.supervise !== undefined;
  const after = changed ? { ...result, ...(await stackStatus(config.stateDir)) } : result;
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
  const changed = changedEngines(running, mergeJobSettings(running, overrides)).filter(
    (engine) => engines.includes(engine) && state.config.engines.includes(engine),
  );
  if (changed.length > 0) await startJobs(stateDir, changed, { settings: overrides, timeoutMs });
  return changed;
}

/**
 * Stops the stack recorded in the state directory; `volumes` also deletes its data. Without a state file every
 * runtime removes what it may have left for this directory (e.g. containers after a lost state file).
 */
export async function downStack(stateDir: string, options: { volumes: boolean }): Promise<DownResult> {
  const airflow = await downAirflow(stateDir, options);
  const withAirflow = (result: DownResult): DownResult =>
    airflow.nothingRunning ? result : { ...result, airflowStopped: airflow.stopped, nothingRunning: false };
  const runtime = runtimeOf(stateDir);
  if (runtime) return withAirflow(await runtime.down(stateDir, options));
  const results: DownResult[] = [];
  for (const each of allRuntimes()) results.push(await each.down(stateDir, options));
  return withAirflow(mergeDownResults(stateDir, results));
}

/** One `down` result of several runtimes' `down` of the same directory. */
export function mergeDownResults(stateDir: string, results: DownResult[]): DownResult {
  const removed = results.flatMap((r) => r.removedContainers ?? []);
  return {
    stateDir,
    stopped: [...new Set(results.flatMap((r) => r.stopped))],
    alreadyDead: [...new Set(results.flatMap((r) => r.alreadyDead))],
    ...(removed.length > 0 ? { removedContainers: removed } : {}),
    nothingRunning: results.every((r) => r.nothingRunning),
    deleted: results.flatMap((r) => r.deleted),
  };
}

/** The config a running stack was started with (job settings as now in force); undefined when none runs. */
export function runningConfig(stateDir: string): StackConfig | undefined {
  return readState(stateDir)?.config;
}

/** What runs in the state directory, and how healthy it is. */
export async function stackStatus(stateDir: string): Promise<StackStatus> {
  const status = (await runtimeOf(stateDir)?.status(stateDir)) ?? {
    stateDir,
    started: false,
    services: [],
    totalRssBytes: 0,
  };
  const airflow = await airflowStatus(stateDir);
  return airflow.started ? { ...status, airflow } : status;
}

/** Stops the jobs of these engines, leaving the rest of the stack running. */
export async function stopJobs(stateDir: string, engines: Engine[]): Promise<void> {
  await requireStack(stateDir).runtime.stopJobs(stateDir, engines);
}

/** The engines whose job is started (on Docker: the driver or consumer container, or the submitted Flink job). */
export async function startedJobs(stateDir: string): Promise<Engine[]> {
  const state = readState(stateDir);
  const runtime = runtimeOf(stateDir);
  return state && runtime ? runtime.startedJobs(state) : [];
}

/** (Re)starts the jobs of these engines and waits until they have caught up with the topic. */
export async function startJobs(
  stateDir: string,
  engines: Engine[],
  options: StartJobsOptions,
): Promise<void> {
  await requireStack(stateDir).runtime.startJobs(stateDir, engines, options);
}

/**
 * Why the topic of the stack in `stack.stateDir` (or of the one `stack` would start) cannot be made again with
 * other partitions, with the way out; undefined when it can (see {@link changeTopicPartitions}).
 */
export function topicRecreationProblem(stack: StackConfig): string | undefined {
  const state = readState(stack.stateDir);
  const runtime = runtimeOf(stack.stateDir) ?? runtimeNamed(stack.runtime);
  return runtime.topicRecreationProblem(state?.config ?? stack);
}

/**
 * Gives a running stack a topic of `partitions` partitions (`sweep --partitions`): stops every started job,
 * deletes the topic and creates it again, forgets the jobs' progress through the old one (checkpoints, consumer
 * groups, the baseline's stored offsets: `recreateTopic`), records the partitions in the state file, and starts
 * the jobs again, with `options.settings` if given, waiting until each has committed a probe from every new
 * partition. Window state in the checkpoints goes with them: gold starts again empty.
 */
export async function changeTopicPartitions(
  stateDir: string,
  partitions: number,
  options: StartJobsOptions,
): Promise<void> {
  const { state, runtime } = requireStack(stateDir);
  const problem = runtime.topicRecreationProblem(state.config);
  if (problem) throw new UsageError(`--partitions: ${problem}`);
  const jobs = await runtime.startedJobs(state);
  await runtime.stopJobs(stateDir, jobs);
  await runtime.clearCheckpoints(stateDir);
  await recreateTopic({ ...state.config, partitions });
  updateState(stateDir, (fresh) => (fresh.config.partitions = partitions));
  await runtime.startJobs(stateDir, jobs, options);
}

/** A sampler of each engine's CPU time and memory, as its runtime measures it. */
export async function costSampler(stateDir: string): Promise<CostSampler> {
  const runtime = runtimeOf(stateDir);
  return runtime ? runtime.costSampler(stateDir) : async () => undefined;
}

/** The last `lines` lines a service logged (its log file, or its containers' output). */
export async function serviceLogs(stateDir: string, service: string, lines: number): Promise<string> {
  if (!readState(stateDir)) {
    throw new UsageError(`Nothing is running in ${stateDir}`, {
      suggestions: ['Start the stack with `crypto-bench up`'],
    });
  }
  const { state, runtime } = requireStack(stateDir);
  return runtime.logs(state, service, lines);
}

/** The stack in the state directory and its runtime; an error naming the fix when none runs there. */
function requireStack(stateDir: string): { state: StackState; runtime: Runtime } {
  const state = readState(stateDir);
  const runtime = runtimeOf(stateDir);
  if (!state || !runtime) {
    throw new InfrastructureError(`No stack is running in ${stateDir}`, {
      suggestions: ['Run `crypto-bench up` first'],
    });
  }
  return { state, runtime };
}

/** Every restart of a service of the stack from `sinceUs` on (supervisor or restart policy); empty when none runs. */
export async function stackRestarts(stateDir: string, sinceUs: number): Promise<RestartRecord[]> {
  return (
    (await runtimeOf(stateDir)
      ?.restarts(stateDir, sinceUs)
      .catch(() => [])) ?? []
  );
}

/**
 * While a run watches the stack: the runtime's `keepJobs` pass every `everyMs`, one pass at a time, so a job its
 * services cannot bring back themselves is brought back (docker: the Flink job after a JobManager restart).
 * A tick while a pass still runs is skipped; a pass that fails is told once per message and tried again next
 * time. Returns how to stop (waits for a pass in flight).
 */
export function keepStackJobs(
  stateDir: string,
  onProblem: (message: string) => void,
  everyMs = 2000,
): () => Promise<void> {
  const runtime = runtimeOf(stateDir);
  if (!runtime) return async () => undefined;
  const told = new Set<string>();
  let pass: Promise<void> | undefined;
  const timer = setInterval(() => {
    // A pass still going (a resubmission uploads a jar) is not queued behind: the next tick looks again.
    if (pass) return;
    pass = runtime
      .keepJobs(stateDir)
      .catch((error: unknown) => {
        const message = describe(error);
        if (!told.has(message)) onProblem(message);
        told.add(message);
      })
      .finally(() => (pass = undefined));
  }, everyMs);
  return async () => {
    clearInterval(timer);
    await pass;
  };
}

/**
 * Refuses `--fault` values the stack cannot take: a target its runtime or engines do not have, a time past the
 * end of the run, a pause that outlasts it. Without a running stack, the targets are checked once it is up.
 */
export function checkFaults(
  stateDir: string,
  faults: readonly FaultSpec[],
  runDurationMs: number,
): FaultSpec[] {
  const state = readState(stateDir);
  const runtime = runtimeOf(stateDir);
  const targets = state && runtime ? runtime.faultTargets(state) : [...FAULT_TARGETS];
  return validateFaults(faults, { runDurationMs, targets, runtime: state?.runtime ?? 'new' });
}
