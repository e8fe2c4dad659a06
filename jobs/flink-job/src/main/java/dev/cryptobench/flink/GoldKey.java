package dev.cryptobench.flink;

/**
 * The key of a gold window's state: the run its events belong to and the trading pair, so two runs whose event
 * times overlap (two replays of one file) never share a window.
 *
 * @param runId  the events' run id
 * @param symbol trading pair
 */
public record GoldKey(String runId, String symbol) {}
