import { spawnSync } from 'node:child_process';
import { readlinkSync } from 'node:fs';
import os from 'node:os';

/** Nice value the producer threads ask for: ahead of the engines, so the load generator is not what falls behind. */
export const PRODUCER_NICE = -10;

/**
 * Events per second of one producer thread up to which it may run under the real-time round-robin policy: about
 * 4 µs of CPU per event keeps such a thread below a tenth of a core, so it can never starve what it measures.
 */
export const REALTIME_MAX_EVENTS_PER_SEC = 20_000;

/** The scheduling a producer thread got: real-time round-robin, a raised nice value, or the normal one. */
export type ThreadPriority = 'realtime' | 'nice' | 'normal';

/**
 * Raises the scheduling priority of the calling thread when the OS allows it (root, or CAP_SYS_NICE).
 *
 * - Nice {@link PRODUCER_NICE}: on Linux a nice value belongs to a thread, so the CLI's main thread (live panel,
 *   monitor queries) and every process started later keep the normal priority. But a nice value only weighs
 *   within the thread's autogroup (`kernel.sched_autogroup_enabled`, on by default): every service of a stack
 *   runs in a session, and so an autogroup, of its own, and between autogroups the thread's nice counts for
 *   nothing. Beside Spark, Flink and the baseline on 2 cores the schedule lag's p99 stayed at 12 ms.
 * - So a thread whose rate is light (`realtime`, see {@link REALTIME_MAX_EVENTS_PER_SEC}) also asks for the
 *   real-time round-robin policy at the lowest real-time priority (`chrt --rr -p 1` on its own thread id):
 *   a real-time thread runs as soon as it wakes, ahead of every normal thread, whatever their groups. The
 *   kernel's real-time throttling (95% of each second by default) bounds what it could ever take.
 */
export function raiseThreadPriority(options: { realtime: boolean }): ThreadPriority {
  let priority: ThreadPriority = 'normal';
  try {
    if (os.getPriority() > PRODUCER_NICE) os.setPriority(PRODUCER_NICE);
    priority = 'nice';
  } catch {
    return priority;
  }
  if (options.realtime && process.platform === 'linux') {
    try {
      // "<pid>/task/<tid>": this thread's own id, which sched_setscheduler takes for one thread.
      const tid = readlinkSync('/proc/thread-self').split('/').pop() ?? '';
      const chrt = spawnSync('chrt', ['--rr', '-p', '1', tid], { stdio: 'ignore', timeout: 5000 });
      if (/^\d+$/.test(tid) && chrt.status === 0) priority = 'realtime';
    } catch {
      // chrt missing or not allowed: the nice value stays.
    }
  }
  return priority;
}
