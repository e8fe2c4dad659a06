package dev.cryptobench.common;

import java.time.Duration;

/** The two gold tables: event-time tumbling windows of 10 minutes and of one hour, aligned to the epoch. */
public enum GoldWindow {
    TEN_MINUTES("10min", Duration.ofMinutes(10)),
    HOURLY("hourly", Duration.ofHours(1));

    private final String name;
    private final Duration size;

    GoldWindow(String name, Duration size) {
        this.name = name;
        this.size = size;
    }

    /** Window length. */
    public Duration size() {
        return size;
    }

    /** Short name for logs and query names: {@code 10min}, {@code hourly}. */
    public String shortName() {
        return name;
    }

    /** The engine's table, e.g. {@code gold_10min_metrics_flink} (created by the CLI). */
    public String table(String engine) {
        return "gold_" + name + "_metrics_" + engine;
    }
}
