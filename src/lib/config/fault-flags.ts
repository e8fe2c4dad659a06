import { Flags } from '@oclif/core';
import { UsageError } from '../errors.js';
import { formatDurationMs, parseDurationMs } from './units.js';

/**
 * `--fault TARGET:ACTION@TIME[+DURATION]` (docs/measurement.md#faults-and-recovery), e.g. `flink:kill@60s`, `kafka:pause@30s+5s`,
 * `postgres:restart@1m`. Parsed here on its own; checked against the run (its length) and the stack (the
 * targets its runtime has) by {@link validateFaults} before anything starts.
 */

/** Everything a fault can hit; which of them a stack has depends on its runtime and engines. */
export const FAULT_TARGETS = [
  'spark',
  'flink',
  'baseline',
  'kafka',
  'postgres',
  'flink-taskmanager',
  'flink-jobmanager',
  'spark-worker',
  'spark-driver',
] as const;
/** One of {@link FAULT_TARGETS}. */
export type FaultTarget = (typeof FAULT_TARGETS)[number];

/**
 * kill: SIGKILL (a crash). stop: SIGTERM (a graceful stop; the supervisor restarts it). pause: SIGSTOP, then
 * SIGCONT after DURATION (a long GC pause, a frozen host). restart: stopped and started again at once by the
 * injector itself.
 */
export const FAULT_ACTIONS = ['kill', 'stop', 'pause', 'restart'] as const;
/** One of {@link FAULT_ACTIONS}. */
export type FaultAction = (typeof FAULT_ACTIONS)[number];

/** One fault to inject, as asked on the command line. */
export interface FaultSpec {
  /** What to hit. */
  target: FaultTarget;
  /** What to do to it. */
  action: FaultAction;
  /** When, since the run's producer started, ms. */
  atMs: number;
  /** How long a pause lasts, ms; null for the other actions. */
  durationMs: number | null;
  /** The flag value as given, for messages and the record. */
  text: string;
}

const PATTERN = /^([a-z-]+):([a-z]+)@([^+]+)(?:\+(.+))?$/;

/** Parses one `--fault` value; returns a message (without the flag name) when it is wrong. */
export function parseFault(input: string): FaultSpec | string {
  const text = input.trim();
  const match = PATTERN.exec(text.toLowerCase());
  if (!match) {
    return `"${input}" is not TARGET:ACTION@TIME[+DURATION]; e.g. flink:kill@60s or kafka:pause@30s+5s`;
  }
  const [, target, action, at, duration] = match as unknown as [string, string, string, string, string?];
  if (!(FAULT_TARGETS as readonly string[]).includes(target)) {
    return `"${input}": unknown target "${target}"; choose from ${FAULT_TARGETS.join(', ')}`;
  }
  if (!(FAULT_ACTIONS as readonly string[]).includes(action)) {
    return `"${input}": unknown action "${action}"; choose from ${FAULT_ACTIONS.join(', ')}`;
  }
  const atMs = parseDurationMs(at, 's');
  if (typeof atMs === 'string') return `"${input}": time ${atMs}`;
  let durationMs: number | null = null;
  if (duration !== undefined) {
    if (action !== 'pause') {
      return `"${input}": only pause takes a +DURATION; write ${target}:${action}@${at}`;
    }
    const parsed = parseDurationMs(duration, 's');
    if (typeof parsed === 'string') return `"${input}": duration ${parsed}`;
    if (parsed <= 0) return `"${input}": a pause needs a duration above 0, e.g. +5s`;
    durationMs = parsed;
  } else if (action === 'pause') {
    return `"${input}": a pause needs a duration; write ${target}:pause@${at}+5s`;
  }
  return { target: target as FaultTarget, action: action as FaultAction, atMs, durationMs, text };
}

/** `--fault`, repeatable: one fault per flag. */
export const faultFlag = Flags.custom<FaultSpec>({
  description:
    'Inject a fault: TARGET:ACTION@TIME[+DURATION], e.g. flink:kill@60s, kafka:pause@30s+5s (repeatable). ' +
    `Targets: ${FAULT_TARGETS.join(', ')} (as the runtime has them); actions: kill (SIGKILL), stop (SIGTERM, ` +
    'restarted by the supervisor), pause (SIGSTOP, SIGCONT after DURATION), restart',
  helpValue: '<target:action@time>',
  multiple: true,
  async parse(input) {
    const parsed = parseFault(input);
    if (typeof parsed === 'string') throw new UsageError(`--fault ${parsed}`);
    return parsed;
  },
});

/** What a stack offers faults: the targets its runtime and engines have. */
export interface FaultContext {
  /** Producing time of the run (of each sweep point), ms. */
  runDurationMs: number;
  /** Targets the stack has (see the runtime's `faultTargets`). */
  targets: readonly FaultTarget[];
  /** The runtime's name, for messages. */
  runtime: string;
}

/**
 * Refuses, with a UsageError naming --fault and the fix, a target the stack does not have, a time at or past
 * the end of the run, or a pause that would last past the end of the run. Returns the faults in time order.
 */
export function validateFaults(faults: readonly FaultSpec[], context: FaultContext): FaultSpec[] {
  const end = formatDurationMs(context.runDurationMs);
  for (const fault of faults) {
    if (!context.targets.includes(fault.target)) {
      throw new UsageError(
        `--fault ${fault.text}: this ${context.runtime} stack has no ${fault.target}; it has ${context.targets.join(', ')}`,
        {
          suggestions: [
            fault.target.includes('-')
              ? `Hit the whole job instead (--fault ${fault.text.replace(fault.target, fault.target.split('-')[0] as string)}), or use --runtime docker, which runs ${fault.target} as its own container`
              : `Start the stack with --engines including ${fault.target}, or choose another target`,
          ],
        },
      );
    }
    if (fault.atMs >= context.runDurationMs) {
      throw new UsageError(
        `--fault ${fault.text}: ${formatDurationMs(fault.atMs)} is at or after the end of the run (--duration ${end})`,
        { suggestions: [`Choose a time below ${end}, or a longer --duration`] },
      );
    }
    if (fault.durationMs !== null && fault.atMs + fault.durationMs >= context.runDurationMs) {
      const what =
        fault.durationMs >= context.runDurationMs
          ? 'is longer than the run'
          : 'would last past the end of the run';
      throw new UsageError(
        `--fault ${fault.text}: a pause of ${formatDurationMs(fault.durationMs)} from ${formatDurationMs(fault.atMs)} ${what} (--duration ${end})`,
        { suggestions: ['Pause for less, earlier, or make --duration longer, so the run sees the recovery'] },
      );
    }
  }
  return [...faults].sort((a, b) => a.atMs - b.atMs);
}
