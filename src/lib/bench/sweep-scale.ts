import type { Engine } from '../config/defaults.js';
import {
  assertParallelismFits,
  changedEngines,
  parallelismOf,
  partitionsOf,
  type JobSettings,
  type StackConfig,
} from '../config/stack-config.js';
import { describe, UsageError } from '../errors.js';
import { note, type ProgressOptions } from '../render/progress.js';
import type { RunRecord } from '../results/record.js';
import type { ScaleSearch, SweepRecord } from '../results/sweep-record.js';
import { changeTopicPartitions, runningConfig, startJobs, topicRecreationProblem } from '../runtime/stack.js';
import { findMaxRates } from './max-rate.js';
import type { SweepOptions } from './options.js';
import { planScales, type SweepPoint, type SweepScale } from './sweep-plan.js';

/**
 * The scale of a sweep (`--partitions`, `--parallelism`): checking every scale before anything starts, moving a
 * running stack from one scale to the next, searching the sustainable throughput at each, and putting the
 * stack's own scale back at the end.
 */

/** The partitions of the topic now: the running stack's, or the ones `stack` will create. */
export function partitionsNow(stack: StackConfig): number {
  const running = runningConfig(stack.stateDir);
  return running ? partitionsOf(running) : stack.partitions;
}

/** Whether the sweep covers scales at all (else the stack's scale is its only one). */
export function coversScales(options: Pick<SweepOptions, 'axes'>): boolean {
  return Boolean(options.axes.parallelisms?.length || options.axes.partitions?.length);
}

/**
 * Refuses, before anything starts, a scale that cannot run: baseline threads beyond the partitions, or a topic
 * this runtime may not make again. (The workload at each partition count is checked with the rates.)
 */
export function checkScales(options: SweepOptions, scales: SweepScale[]): void {
  for (const scale of scales) assertParallelismFits(scale.settings, scale.partitions, options.stack.engines);
  if (scales.some((scale) => scale.partitions !== partitionsNow(options.stack))) {
    const problem = topicRecreationProblem(options.stack);
    if (problem) throw new UsageError(`--partitions: ${problem}`);
  }
}

/**
 * Moves the stack to a point's (or a search's) scale and settings: a new partition count makes the topic again
 * and restarts every job; otherwise only the jobs whose settings change restart.
 */
export async function applyScale(
  options: SweepOptions,
  target: { partitions: number; settings: JobSettings },
  current: JobSettings,
): Promise<void> {
  const timeoutMs = options.stack.upTimeoutMs;
  if (target.partitions !== partitionsNow(options.stack)) {
    await changeTopicPartitions(options.stack.stateDir, target.partitions, {
      settings: target.settings,
      timeoutMs,
    });
    return;
  }
  const changed = changedEngines(current, target.settings).filter((e) => options.stack.engines.includes(e));
  if (changed.length > 0)
    await startJobs(options.stack.stateDir, changed, { settings: target.settings, timeoutMs });
}

/** "6 partitions, parallelism flink 2, baseline 2": a scale in words, for progress and charts. */
export function scaleLabel(partitions: number, settings: JobSettings, engines: readonly Engine[]): string {
  const parallelism = engines.map((engine) => `${engine} ${parallelismOf(settings, engine)}`).join(', ');
  return `${partitions} partitions, parallelism ${parallelism}`;
}

/**
 * `--find-max-rate` at every scale: moves the stack to it, then searches each engine's sustainable throughput
 * there, saving after every step. A scale that cannot be reached is kept with its error, and the next is tried.
 * Returns the settings the jobs have at the end.
 */
export async function searchScales(
  options: SweepOptions,
  sweep: SweepRecord,
  measure: (point: SweepPoint, engines: Engine[]) => Promise<RunRecord[]>,
  save: () => Promise<unknown>,
  progress: ProgressOptions,
): Promise<JobSettings> {
  let current = options.stack.jobs;
  sweep.scaleSearches = [];
  for (const scale of planScales(options.axes, options.stack.jobs, partitionsNow(options.stack))) {
    if (options.signal.aborted) break;
    note(`Scale: ${scaleLabel(scale.partitions, scale.settings, options.stack.engines)}`, progress);
    const search: ScaleSearch = {
      partitions: scale.partitions,
      parallelism: { spark: 1, flink: 1, baseline: 1, ...scale.settings.parallelism },
      maxRate: {},
    };
    sweep.scaleSearches.push(search);
    try {
      await applyScale(options, scale, current);
      current = scale.settings;
      const atScale: SweepOptions = {
        ...options,
        stack: { ...options.stack, jobs: scale.settings, partitions: scale.partitions },
      };
      search.maxRate = await findMaxRates(
        atScale,
        measure,
        (results) => {
          search.maxRate = results;
          sweep.maxRate = sweep.scaleSearches?.[0]?.maxRate ?? null;
          return save();
        },
        progress,
      );
    } catch (error) {
      search.error = describe(error);
      note(
        `Scale ${scaleLabel(scale.partitions, scale.settings, options.stack.engines)} failed: ${search.error}`,
        progress,
      );
    }
    sweep.maxRate = sweep.scaleSearches[0]?.maxRate ?? null;
    await save();
  }
  return current;
}

/** Gives the stack its own scale and job settings back (a new topic when the sweep changed the partitions). */
export async function restoreScale(
  stack: StackConfig,
  partitions: number,
  current: JobSettings,
  progress: ProgressOptions,
): Promise<void> {
  const timeoutMs = stack.upTimeoutMs;
  const restoring = async (what: string, action: () => Promise<void>) => {
    note(`Restoring ${what} to the stack's settings`, progress);
    await action().catch((error: unknown) =>
      note(`Could not restore ${what}: ${describe(error)}; run \`crypto-bench down\` and \`up\``, progress),
    );
  };
  if (partitionsNow(stack) !== partitions) {
    await restoring(`the topic's ${partitions} partitions`, () =>
      changeTopicPartitions(stack.stateDir, partitions, { settings: stack.jobs, timeoutMs }),
    );
    return;
  }
  const changed = changedEngines(current, stack.jobs).filter((e) => stack.engines.includes(e));
  if (changed.length === 0) return;
  await restoring(changed.join(', '), () =>
    startJobs(stack.stateDir, changed, { settings: stack.jobs, timeoutMs }),
  );
}
