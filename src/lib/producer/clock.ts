import { performance } from 'node:perf_hooks';

/**
 * Wall-clock time in epoch microseconds with sub-millisecond resolution: the process's high-resolution time
 * origin plus the monotonic clock. Same clock domain as Java's `Instant.now()` and PostgreSQL's commit
 * timestamps on this host (all read the system real-time clock); `Date.now()` alone has only milliseconds.
 */
export function nowUs(): number {
  return Math.round((performance.timeOrigin + performance.now()) * 1000);
}
