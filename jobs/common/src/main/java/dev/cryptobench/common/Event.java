package dev.cryptobench.common;

import java.io.Serializable;
import java.math.BigDecimal;
import java.util.Objects;

/**
 * One crypto tick as produced by crypto-bench (schema version 1). Built only by {@link EventParser}.
 *
 * @param runId        id of the benchmark run; with {@code seq} the row's primary key
 * @param seq          per-run sequence number, {@code >= 0}
 * @param symbol       trading pair, e.g. {@code BTC-USD}
 * @param price        exact decimal price (never a binary float)
 * @param size         exact decimal trade size
 * @param eventTimeUs  when it happened at the source, epoch microseconds
 * @param intendedAtUs when the open-loop schedule wanted it sent, epoch microseconds
 * @param producedAtUs when the producer handed it to Kafka, epoch microseconds
 */
public record Event(
        String runId,
        long seq,
        String symbol,
        BigDecimal price,
        BigDecimal size,
        long eventTimeUs,
        long intendedAtUs,
        long producedAtUs) implements Serializable {

    public Event {
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(symbol, "symbol");
        Objects.requireNonNull(price, "price");
        Objects.requireNonNull(size, "size");
    }
}
