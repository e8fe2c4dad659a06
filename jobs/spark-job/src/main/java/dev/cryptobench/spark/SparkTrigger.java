package dev.cryptobench.spark;

import dev.cryptobench.common.UsageException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.streaming.Trigger;

/**
 * How the raw query runs: micro-batches every {@code intervalMs} (0 = the next as soon as the last ends), or
 * Spark's Real-Time Mode, where long-running tasks process records as they arrive and {@code intervalMs} is only
 * how often the query checkpoints.
 *
 * @param realTime   Real-Time Mode ({@code Trigger.RealTime}) instead of micro-batches
 * @param intervalMs micro-batch interval, or the real-time batch duration (checkpoint interval)
 */
public record SparkTrigger(boolean realTime, long intervalMs) {

    /** Spark's default real-time batch duration, used by {@code --trigger realtime}: 5 minutes. */
    static final long REAL_TIME_DEFAULT_MS = 300_000;
    /** Spark's shortest real-time batch duration ({@code spark.sql.streaming.realTimeMode.minBatchDuration}). */
    static final long REAL_TIME_MIN_MS = 5_000;

    private static final Pattern DURATION = Pattern.compile("(\\d{1,9})(ms|s|m)");
    private static final String REAL_TIME = "realtime";

    /** Parses {@code 0}, a duration ({@code 500ms}, {@code 5s}, {@code 1m}), {@code realtime[:DURATION]}. */
    static SparkTrigger parse(String value) throws UsageException {
        String text = value.toLowerCase(Locale.ROOT);
        if (text.equals(REAL_TIME)) {
            return new SparkTrigger(true, REAL_TIME_DEFAULT_MS);
        }
        if (text.startsWith(REAL_TIME + ":")) {
            long ms = durationMs(text.substring(REAL_TIME.length() + 1), value);
            if (ms < REAL_TIME_MIN_MS) {
                throw new UsageException("--trigger realtime:DURATION needs at least 5s (Spark's minimum real-time"
                        + " batch duration), got '" + value + "'");
            }
            return new SparkTrigger(true, ms);
        }
        return new SparkTrigger(false, text.equals("0") ? 0 : durationMs(text, value));
    }

    private static long durationMs(String text, String value) throws UsageException {
        Matcher m = DURATION.matcher(text);
        if (!m.matches()) {
            throw new UsageException("--trigger must be 0, a duration like 500ms, 5s or 1m, realtime or"
                    + " realtime:DURATION, got '" + value + "'");
        }
        long amount = Long.parseLong(m.group(1));
        switch (m.group(2)) {
            case "ms":
                return amount;
            case "s":
                return amount * 1_000;
            default:
                return amount * 60_000;
        }
    }

    /** The Spark trigger. */
    Trigger toTrigger() {
        return realTime ? Trigger.RealTime(intervalMs) : Trigger.ProcessingTime(intervalMs);
    }

    @Override
    public String toString() {
        return realTime ? REAL_TIME + ":" + intervalMs + "ms" : intervalMs + "ms";
    }
}
