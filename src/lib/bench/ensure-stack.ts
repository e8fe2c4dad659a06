import type { Engine } from '../config/defaults.js';
import {
  assertJobSettings,
  assertParallelismFits,
  mergeJobSettings,
  partitionsOf,
  type JobSettings,
  type StackConfig,
} from '../config/stack-config.js';
import { InfrastructureError } from '../errors.js';
import type { ProgressOptions } from '../render/progress.js';
import { note } from '../render/progress.js';
import { applyJobSettings, runningConfig, stackStatus, upStack } from '../runtime/stack.js';
import type { StackStatus } from '../runtime/types.js';

/**
 * Brings the stack up when nothing runs; fails when a stack runs but is broken. A running stack is the truth
 * about where things are: the returned config has its ports, runtime and docker settings (whatever this
 * command resolved from its own flags), with the engines asked for and the job settings now in force.
 */
export async function ensureStack(
  stack: StackConfig,
  progress: ProgressOptions,
  overrides: Partial<JobSettings> = {},
): Promise<{ status: StackStatus; startedStack: boolean; stack: StackConfig }> {
  assertSettingsFit(stack, overrides);
  let status = await stackStatus(stack.stateDir);
  if (isHealthy(status, stack.engines)) {
    const restarted = await applyJobSettings(stack.stateDir, stack.engines, overrides, stack.upTimeoutMs);
    if (restarted.length > 0) {
      note(`Restarted ${restarted.join(', ')} with the job settings given`, progress);
      status = await stackStatus(stack.stateDir);
    }
    const running = runningConfig(stack.stateDir) ?? stack;
    return {
      status,
      startedStack: false,
      stack: { ...running, engines: stack.engines, upTimeoutMs: stack.upTimeoutMs },
    };
  }
  if (status.started) throw notHealthy(status);
  note('The stack is not running; starting it.', progress);
  const started = { ...stack, jobs: mergeJobSettings(stack.jobs, overrides) };
  return { status: await upStack(stack, progress, overrides), startedStack: true, stack: started };
}

/**
 * Refuses, before anything starts or restarts, job settings that cannot run together once the flags given are
 * applied to the running stack's settings (or to the defaults when none runs): e.g. `--delivery exactly-once`
 * on a stack whose Spark job runs `--trigger realtime`.
 */
export function assertSettingsFit(stack: StackConfig, overrides: Partial<JobSettings>): void {
  const jobs = settingsInForce(stack, overrides);
  assertJobSettings(jobs);
  const running = runningConfig(stack.stateDir);
  assertParallelismFits(jobs, running ? partitionsOf(running) : stack.partitions, stack.engines);
}

/** The job settings `overrides` would leave: on the running stack's, or on `stack`'s when none runs. */
export function settingsInForce(stack: StackConfig, overrides: Partial<JobSettings>): JobSettings {
  return mergeJobSettings(runningConfig(stack.stateDir)?.jobs ?? stack.jobs, overrides);
}

function isHealthy(status: StackStatus, engines: Engine[]): boolean {
  const needed = ['postgres', 'kafka', ...engines];
  return needed.every((name) => {
    // A Spark or Flink cluster on Docker has one row per container: every one must be up.
    const rows = status.services.filter((s) => s.name === name);
    return rows.length > 0 && rows.every((s) => s.health !== 'dead' && s.health !== 'unreachable');
  });
}

function notHealthy(status: StackStatus): InfrastructureError {
  const broken = status.services
    .filter((s) => s.health === 'dead' || s.health === 'unreachable')
    .map((s) => `${s.name} (${s.health})`);
  return new InfrastructureError(
    `The stack in ${status.stateDir} is not healthy: ${broken.join(', ') || 'an engine asked for is not running'}`,
    {
      suggestions: [
        'Run `crypto-bench down`, then `crypto-bench up` (or just `crypto-bench run`, which starts it)',
      ],
    },
  );
}
