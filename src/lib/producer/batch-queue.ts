import { linkedController } from './timing.js';

/**
 * A queue between callback-driven producers (sockets, poll loops) and one async consumer that takes
 * everything queued so far as one batch. Unbounded: live sources deliver tens of items per second.
 */
export class BatchQueue<T> {
  private items: T[] = [];
  private closed = false;
  private wake: (() => void) | undefined;

  /** Adds an item; ignored once the queue is closed. */
  push(item: T): void {
    if (this.closed) return;
    this.items.push(item);
    this.notify();
  }

  /** No more items will come; the consumer ends after draining what is queued. */
  close(): void {
    this.closed = true;
    this.notify();
  }

  /** Batches of everything queued since the last one, until closed and drained or `signal` is aborted. */
  async *batches(signal: AbortSignal): AsyncGenerator<T[]> {
    const onAbort = () => this.notify();
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      while (!signal.aborted) {
        if (this.items.length > 0) {
          const batch = this.items;
          this.items = [];
          yield batch;
        } else if (this.closed) {
          return;
        } else {
          await new Promise<void>((resolve) => (this.wake = resolve));
        }
      }
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}

/**
 * Runs `fill` (the source's poll or socket loop) against a fresh queue and yields its batches until `fill`
 * ends or `signal` is aborted; on the way out the loop is stopped and awaited, so no work outlives the iteration.
 */
export async function* batchesOf<T>(
  signal: AbortSignal,
  fill: (queue: BatchQueue<T>, signal: AbortSignal) => Promise<unknown>,
): AsyncGenerator<T[]> {
  const queue = new BatchQueue<T>();
  const { controller, dispose } = linkedController(signal);
  const finished = fill(queue, controller.signal).finally(() => queue.close());
  try {
    yield* queue.batches(controller.signal);
  } finally {
    controller.abort();
    dispose();
    await finished;
  }
}
