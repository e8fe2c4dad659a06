package dev.cryptobench.common;

import java.time.Instant;

/** The engine timestamp: wall-clock time in epoch microseconds, the same clock for every job. */
public final class EngineClock {

    private EngineClock() {}

    /** Now, in epoch microseconds (Java 17 on Linux reads the clock with microsecond precision). */
    public static long nowMicros() {
        Instant now = Instant.now();
        return Math.addExact(Math.multiplyExact(now.getEpochSecond(), 1_000_000L), now.getNano() / 1_000L);
    }
}
