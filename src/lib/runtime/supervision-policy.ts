/**
 * When a supervisor restarts a service that exited unexpectedly (the local runtime's supervisor process, the
 * docker runtime's Flink job keeper): at once the first time, then with exponential backoff, and not at all once
 * it keeps crashing (a cap per window), so a job that cannot start is reported instead of restarted forever.
 * Pure: times are passed in.
 */

/** The supervisor's restart policy. */
export interface SupervisionPolicy {
  /** Delay before the first restart in a window, ms. */
  firstDelayMs: number;
  /** Each further restart in the window waits twice as long as the one before, up to this, ms. */
  maxDelayMs: number;
  /** Restarts allowed within `windowMs`; one more crash and the service is given up on. */
  maxRestarts: number;
  /** The window restarts are counted in, ms. */
  windowMs: number;
}

/** The policy of every local stack: 0.5 s, 1 s, 2 s, 4 s, 8 s; a sixth crash within 5 minutes is given up on. */
export const SUPERVISION_POLICY: SupervisionPolicy = {
  firstDelayMs: 500,
  maxDelayMs: 30_000,
  maxRestarts: 5,
  windowMs: 300_000,
};

/** What to do about a service found dead. */
export type RestartDecision = { action: 'restart'; delayMs: number } | { action: 'give-up'; reason: string };

/**
 * Decides about a service found dead at `nowMs`, given the times of its earlier restarts (ms): give up when
 * `maxRestarts` restarts already happened within the window, else restart after firstDelayMs × 2^(restarts in
 * the window), capped at maxDelayMs.
 */
export function nextRestart(
  restartTimesMs: readonly number[],
  nowMs: number,
  policy: SupervisionPolicy = SUPERVISION_POLICY,
): RestartDecision {
  const recent = restartTimesMs.filter((t) => nowMs - t < policy.windowMs).length;
  if (recent >= policy.maxRestarts) {
    return {
      action: 'give-up',
      reason: `keeps crashing: ${recent} restarts within ${policy.windowMs / 1000}s; not restarted again (fix it, then \`crypto-bench down\` and \`up\`)`,
    };
  }
  return { action: 'restart', delayMs: Math.min(policy.maxDelayMs, policy.firstDelayMs * 2 ** recent) };
}
