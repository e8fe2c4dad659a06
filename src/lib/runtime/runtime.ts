import type { Engine, RuntimeName } from '../config/defaults.js';
import type { FaultTarget } from '../config/fault-flags.js';
import type { RestartRecord } from '../results/fault-record.js';
import type { JobSettings, StackConfig } from '../config/stack-config.js';
import type { ProcessSample } from '../metrics/cost.js';
import type { ProgressOptions } from '../render/progress.js';
import type { StackState } from './state.js';
import type { DownResult, StackStatus, UpResult } from './types.js';

/** Samples the CPU time and memory of one engine's processes or containers; undefined when it is not running. */
export type CostSampler = (engine: Engine) => Promise<ProcessSample | undefined>;

/** Options of a job restart (`--isolate`, `sweep`, new job settings on `up`/`run`). */
export interface StartJobsOptions {
  /** Job settings to run with instead of the current ones. */
  settings?: Partial<JobSettings>;
  /** Longest wait until the jobs have caught up with the topic, ms. */
  timeoutMs: number;
}

/** What a fault injection can do to a target: `--fault` actions, and the resume that ends a pause. */
export type InjectableAction = 'kill' | 'stop' | 'pause' | 'resume' | 'restart';

/** What one fault injection did. */
export interface FaultInjection {
  /** Process hit (local runtime). */
  pid?: number;
  /** Container hit (docker runtime). */
  container?: string;
  /** injected, or not-injected when it could not be (the process or container was already gone). */
  outcome: 'injected' | 'not-injected';
  /** What was done, or why not, in words. */
  detail: string;
}

/**
 * One way to run a stack (docs/architecture.md, "Runtimes"): the local runtime's supervised child processes, the
 * docker runtime's containers. Each implementation lives in its own folder and is registered once in
 * `registry.ts`; nothing outside a runtime's folder asks which runtime it is. Every operation but `up` takes
 * the state directory: `up` writes the stack's state file there, and the others act on the stack it
 * describes. Engine clients (Kafka admin, PostgreSQL DDL, job arguments) stay runtime-neutral in `engines/`.
 * (The shape follows OpenMessaging Benchmark's one driver interface per system.)
 */
export interface Runtime {
  /** The `--runtime` value that selects it, and the name its state file records. */
  readonly name: RuntimeName;
  /**
   * Starts the stack the config describes and waits until every job consumes and commits. On a stack that
   * already runs it starts nothing and returns `alreadyRunning: true`. A failed start leaves nothing running.
   */
  up(config: StackConfig, progress: ProgressOptions): Promise<UpResult>;
  /**
   * Stops what this runtime started for the state directory, also when its state file is gone (leftovers);
   * `volumes` deletes its data too. Idempotent: `nothingRunning` when there was nothing.
   */
  down(stateDir: string, options: { volumes: boolean }): Promise<DownResult>;
  /** What runs, how healthy it is, its versions, memory and endpoints. */
  status(stateDir: string): Promise<StackStatus>;
  /** The engines whose job is started (whether or not it is healthy). */
  startedJobs(state: StackState): Promise<Engine[]>;
  /** (Re)starts these engines' jobs, with new settings if given, and waits until they caught up with the topic. */
  startJobs(stateDir: string, engines: Engine[], options: StartJobsOptions): Promise<void>;
  /** Stops these engines' jobs, leaving the rest of the stack running. */
  stopJobs(stateDir: string, engines: Engine[]): Promise<void>;
  /**
   * Why this stack's topic cannot be deleted and created with other partitions (`sweep --partitions`), with the
   * way out; undefined when it can.
   */
  topicRecreationProblem(config: StackConfig): string | undefined;
  /** Deletes the jobs' checkpoints (their progress through the topic and their window state); jobs stopped. */
  clearCheckpoints(stateDir: string): Promise<void>;
  /** A sampler of each engine's CPU time and memory (processes, containers, or what the cluster reports). */
  costSampler(stateDir: string): Promise<CostSampler>;
  /** The last `lines` lines a service (or one of its processes, e.g. `spark-worker`) logged. */
  logs(state: StackState, service: string, lines: number): Promise<string>;
  /** What `--fault` can hit on this stack (jobs, Kafka, PostgreSQL, and cluster processes where it has them). */
  faultTargets(state: StackState): FaultTarget[];
  /** Does `action` to `target` now; never throws for a target that is gone (outcome `not-injected`). */
  injectFault(state: StackState, target: FaultTarget, action: InjectableAction): Promise<FaultInjection>;
  /**
   * Turns supervision on or off: the local runtime's supervisor process, the docker runtime's restart policies.
   * A supervised stack restarts a service that exits unexpectedly, with backoff and a cap.
   */
  supervise(stateDir: string, on: boolean): Promise<void>;
  /** Every restart of a service (by the supervisor or the Docker engine) from `sinceUs` on, in time order. */
  restarts(stateDir: string, sinceUs: number): Promise<RestartRecord[]>;
  /**
   * One pass of the supervision a supervised stack's services cannot do themselves, made while a run watches
   * the stack: the docker runtime's Flink job, lost when its JobManager restarts (no HA), is submitted again
   * and restores its newest checkpoint. Records what it restarted, so `restarts` lists it. Nothing elsewhere:
   * the local supervisor restarts whole processes, and a user's cluster is the user's.
   */
  keepJobs(stateDir: string): Promise<void>;
}
