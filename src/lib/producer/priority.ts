import os from 'node:os';

/** Nice value the producer asks for: ahead of the engines, so the load generator is not what falls behind. */
export const PRODUCER_NICE = -10;

/**
 * Runs `work` (the producing phase) with this process's scheduling priority raised when the OS allows it (root,
 * or CAP_SYS_NICE), and restores it afterwards, so processes started later (jobs restarted by --isolate or
 * sweep) do not inherit it. On 2 cores shared with Kafka, PostgreSQL and three JVMs the producer's event loop
 * is otherwise delayed often enough to miss its open-loop schedule even at 1,000 events/s.
 * `onDenied` is told when the priority could not be raised.
 */
export async function withProducerPriority<T>(work: () => Promise<T>, onDenied: () => void): Promise<T> {
  const original = os.getPriority();
  let raised = false;
  try {
    if (original > PRODUCER_NICE) {
      os.setPriority(PRODUCER_NICE);
      raised = true;
    }
  } catch {
    onDenied();
  }
  try {
    return await work();
  } finally {
    if (raised) os.setPriority(original);
  }
}
