package dev.cryptobench.common;

import java.io.Serializable;

/**
 * One row of a gold table: a symbol's metrics over one event-time window {@code [windowStart, windowEnd)} of
 * one run. Two runs whose event times overlap (two replays of one file) have rows of their own.
 *
 * @param runId         the run the window's events belong to
 * @param windowStartUs window start, epoch microseconds (inclusive)
 * @param windowEndUs   window end, epoch microseconds (exclusive)
 * @param symbol        trading pair
 * @param metrics       the aggregates
 */
public record GoldRow(String runId, long windowStartUs, long windowEndUs, String symbol, GoldMetrics metrics)
        implements Serializable {}
