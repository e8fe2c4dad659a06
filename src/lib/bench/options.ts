/** What `run` and `sweep` are asked, in one place: both sides of the bench services import these types. */
import type { ProducerPriority } from '../producer/priority.js';
import type { JobSettings, StackConfig } from '../config/stack-config.js';
import type { FaultSpec } from '../config/fault-flags.js';
import type { SourceConfig } from '../producer/sources.js';
import type { SweepAxes } from './sweep-plan.js';

/** Everything a benchmark run needs, resolved from flags. */
export interface RunOptions {
  /** The stack to run on (brought up when it is not). */
  stack: StackConfig;
  /** Job settings given on the command line: applied to the running stack (only changed jobs restart). */
  jobOverrides?: Partial<JobSettings>;
  /** Where events come from. */
  source: SourceConfig;
  /** `--symbols`: symbols of the synthetic source, when given (see `resolveWorkload`). */
  symbols?: number;
  /** `--producers`: producer threads, when given; by default chosen from the rate. */
  producers?: number;
  /** `--partitions`, when given (a running stack's topic must have them); `stack.partitions` resolves it. */
  partitions?: number;
  /** Length of the producing phase, ms. */
  durationMs: number;
  /** Warm-up excluded from the figures (`--warmup`), ms; undefined = detect the steady state (MSER-5). */
  warmupMs?: number;
  /** Directory of result folders. */
  resultsDir: string;
  /** Longest wait for every engine to commit what was produced, after producing stops, ms. */
  drainTimeoutMs: number;
  /** Schedule-lag p99 above which the run is invalid, µs. */
  scheduleLagBoundUs: number;
  /** `--producer-priority`: whether the producer gets precedence over the engines on shared cores. */
  producerPriority: ProducerPriority;
  /** Engines one at a time on the same workload instead of in parallel. */
  isolate: boolean;
  /** Runs to make (`--repeat`). */
  repeat: number;
  /**
   * `--gold-airflow`: after each run, trigger Airflow's gold DAG for the run and check its rows against the same
   * truth as Spark's and Flink's (Airflow must run beside the stack); absent = false.
   */
  goldAirflow?: boolean;
  /** Faults to inject during each run (`--fault`), validated; none when absent. */
  faults?: FaultSpec[];
  /** Ctrl-C. */
  signal: AbortSignal;
}

/** What `sweep` was asked. */
export interface SweepOptions extends Omit<RunOptions, 'source'> {
  /** The settings and rates to cover. */
  axes: SweepAxes;
  /** Seed of the synthetic source (same events at every point). */
  seed: number;
  /** Search each engine's sustainable throughput instead of sweeping settings. */
  findMaxRate: boolean;
  /** p99 bound of a sustainable rate, µs. */
  sloP99Us: number;
  /** Lowest and highest rate the search tries, events/s. */
  minRateEventsPerSec: number;
  maxRateEventsPerSec: number;
}
