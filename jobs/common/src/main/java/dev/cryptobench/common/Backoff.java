package dev.cryptobench.common;

/**
 * Exponential backoff between retries: 1 s, 2 s, 4 s, ... capped at 30 s. Pure: callers do the sleeping.
 */
public final class Backoff {

    static final long INITIAL_MS = 1_000;
    static final long MAX_MS = 30_000;
    /** Failures after which the delay stays at {@link #MAX_MS}. */
    private static final int SATURATED = 5;

    private int failures;

    /** Records one more failure and returns how long to wait before the next try. */
    public long nextDelayMs() {
        long delay = delayMs(failures);
        failures = Math.min(failures + 1, SATURATED);
        return delay;
    }

    /** Forgets earlier failures after a success. */
    public void reset() {
        failures = 0;
    }

    /** The delay after {@code failures} earlier consecutive failures. */
    static long delayMs(int failures) {
        return failures >= SATURATED ? MAX_MS : Math.min(MAX_MS, INITIAL_MS << failures);
    }
}
