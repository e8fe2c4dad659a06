package dev.cryptobench.common;

import java.time.Duration;
import java.util.List;

/**
 * The gold flags of the Spark and Flink jobs: whether to compute the gold tables in-stream, and the watermark.
 *
 * @param enabled          compute and write {@code gold_10min_metrics_<engine>} and
 *                         {@code gold_hourly_metrics_<engine>}
 * @param watermarkDelayMs bounded out-of-orderness: an event is on time while its event time is at most this
 *                         far behind the latest event time seen
 * @param engine           engine name, which picks the tables
 */
public record GoldArgs(boolean enabled, long watermarkDelayMs, String engine) {

    /** Every gold flag, for {@link Flags#parse}. */
    public static final List<String> FLAGS = List.of("--gold", "--watermark-delay-ms");

    /** Default watermark delay: 10 s. */
    public static final long DEFAULT_WATERMARK_DELAY_MS = 10_000;

    /** Reads the gold flags; {@code defaultEnabled} applies when {@code --gold} is not given. */
    public static GoldArgs from(Flags flags, String engine, boolean defaultEnabled) throws UsageException {
        return new GoldArgs(
                flags.bool("--gold", defaultEnabled),
                flags.integer("--watermark-delay-ms", (int) DEFAULT_WATERMARK_DELAY_MS, 0, Integer.MAX_VALUE),
                engine);
    }

    /** Usage lines for the gold flags. */
    public static String usage(String engine) {
        return String.join("\n",
                "  --gold true|false             compute gold_10min_metrics_" + engine + " and gold_hourly_metrics_"
                        + engine + " (default true)",
                "  --watermark-delay-ms MS       event-time watermark: bounded out-of-orderness (default 10000)");
    }

    /** The watermark delay as a duration. */
    public Duration watermarkDelay() {
        return Duration.ofMillis(watermarkDelayMs);
    }

    /** The engine's table for {@code window}. */
    public String table(GoldWindow window) {
        return window.table(engine);
    }

    /** The upserts the job will run, for {@link SinkPreflight}; none when gold is off. */
    public List<SinkPreflight.Insert> inserts() {
        if (!enabled) {
            return List.of();
        }
        return List.of(GoldWindow.values()).stream()
                .map(window -> new SinkPreflight.Insert(table(window), GoldStatements.upsert(table(window))))
                .toList();
    }
}
