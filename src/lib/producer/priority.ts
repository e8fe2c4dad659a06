import os from 'node:os';
import { readFileSync, writeFileSync } from 'node:fs';

/**
 * How the producer is scheduled (`--producer-priority`). `normal` (the default): its threads ask for nice −10,
 * which with the kernel's autogroups on only weighs inside the CLI's own session. `high`: while producing, the
 * CLI's autogroup gets the same weight, so the producer is punctual beside the engines — and they pay for it
 * (docs/measurement.md#the-schedule-lag-beside-the-engines).
 */
export const PRODUCER_PRIORITIES = ['high', 'normal'] as const;
export type ProducerPriority = (typeof PRODUCER_PRIORITIES)[number];

/** Nice value the producer threads ask for: ahead of the engines, so the load generator is not what falls behind. */
export const PRODUCER_NICE = -10;

/**
 * Raises the scheduling priority of the calling thread to {@link PRODUCER_NICE} when the OS allows it (root, or
 * CAP_SYS_NICE); returns whether it could. On Linux a nice value belongs to a thread, so a producer worker
 * thread that calls this gets ahead of the JVMs on 2 shared cores while the CLI's main thread (live panel,
 * monitor queries) and every process started later keep the normal priority.
 */
export function raiseThreadPriority(): boolean {
  try {
    if (os.getPriority() > PRODUCER_NICE) os.setPriority(PRODUCER_NICE);
    return true;
  } catch {
    return false;
  }
}

const AUTOGROUP = '/proc/self/autogroup';

/**
 * Gives this process's autogroup the weight of {@link PRODUCER_NICE} while the producer runs, when the kernel
 * groups by session (`kernel.sched_autogroup_enabled`) and allows it; returns how to put the old value back, or
 * undefined when nothing was changed. With autogroups on, CFS shares the CPU between sessions first, and a
 * thread's nice only weighs inside its own session's group: every service of a stack runs in a session of its
 * own, so a producer thread at nice −10 still waited behind whole JVM sessions. The CLI's group holds the CLI
 * (and the shell it runs in); the restore runs when producing ends, and a process killed before that leaves
 * the group at −10 until its session ends.
 */
export function raiseAutogroupPriority(): (() => void) | undefined {
  try {
    if (readFileSync('/proc/sys/kernel/sched_autogroup_enabled', 'utf8').trim() !== '1') return undefined;
    const before = /nice\s+(-?\d+)/.exec(readFileSync(AUTOGROUP, 'utf8'))?.[1];
    if (before === undefined || Number(before) <= PRODUCER_NICE) return undefined;
    writeFileSync(AUTOGROUP, String(PRODUCER_NICE));
    return () => {
      try {
        writeFileSync(AUTOGROUP, before);
      } catch {
        // The session's group is gone or no longer ours to change: nothing to restore.
      }
    };
  } catch {
    return undefined;
  }
}
