import { nowUs } from './clock.js';

/**
 * Waits `ms` milliseconds, or less if `signal` is aborted first. Never rejects: callers check
 * `signal.aborted` afterwards, which keeps shutdown paths free of try/catch.
 */
export function sleepMs(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.resolve();
  if (ms <= 0) return yieldToEventLoop();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** Waits until the wall clock reaches `timeUs` (epoch µs), or until `signal` is aborted. */
export function sleepUntilUs(timeUs: number, signal?: AbortSignal): Promise<void> {
  return sleepMs((timeUs - nowUs()) / 1000, signal);
}

/**
 * Lets timers and I/O callbacks run. A loop that only awaits already-resolved promises runs entirely in
 * microtasks and would starve the sockets it is feeding.
 */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Bounds of an exponential backoff. */
export interface BackoffOptions {
  /** Delay before the first retry, before jitter. */
  baseMs: number;
  /** Upper bound of any delay, before jitter. */
  maxMs: number;
}

/**
 * Delay before retry number `attempt` (0-based): `min(maxMs, baseMs * 2^attempt)`, scaled by a random factor
 * in [0.5, 1) ("equal jitter"), so clients that failed together do not retry together yet never retry at once.
 */
export function backoffDelayMs(attempt: number, options: BackoffOptions, random = Math.random): number {
  const ceilingMs = Math.min(options.maxMs, options.baseMs * 2 ** Math.min(attempt, 30));
  return ceilingMs * (0.5 + random() * 0.5);
}

/** An AbortController that also aborts when `parent` does; `dispose()` detaches it from the parent. */
export function linkedController(parent: AbortSignal): { controller: AbortController; dispose(): void } {
  const controller = new AbortController();
  const abort = () => controller.abort(parent.reason);
  if (parent.aborted) abort();
  else parent.addEventListener('abort', abort, { once: true });
  return { controller, dispose: () => parent.removeEventListener('abort', abort) };
}
