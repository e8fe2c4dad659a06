package dev.cryptobench.common;

import java.io.Serializable;

/**
 * One row of a gold table: a symbol's metrics over one event-time window {@code [windowStart, windowEnd)}.
 *
 * @param windowStartUs window start, epoch microseconds (inclusive)
 * @param windowEndUs   window end, epoch microseconds (exclusive)
 * @param symbol        trading pair
 * @param metrics       the aggregates
 */
public record GoldRow(long windowStartUs, long windowEndUs, String symbol, GoldMetrics metrics)
        implements Serializable {}
