package dev.cryptobench.common;

import java.io.Serializable;

/**
 * A valid event with its Kafka coordinates: one row of {@code crypto_prices_<engine>} minus
 * {@code engine_ts_us}, which is stamped when the row is bound to the insert (see {@link SinkStatements}).
 *
 * @param event          the parsed event
 * @param kafkaPartition Kafka partition the event came from
 * @param kafkaOffset    its offset
 * @param kafkaTsUs      broker append time, epoch microseconds
 */
public record PriceRow(Event event, int kafkaPartition, long kafkaOffset, long kafkaTsUs) implements Serializable {

    /** The row for a message whose payload parsed into {@code event}. */
    public static PriceRow of(Event event, KafkaMessage message) {
        return new PriceRow(event, message.partition(), message.offset(), message.kafkaTsUs());
    }
}
