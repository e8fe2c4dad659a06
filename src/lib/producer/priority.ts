import os from 'node:os';

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
