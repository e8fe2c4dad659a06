package dev.cryptobench.common;

import java.io.Serializable;

/**
 * A record that broke the event contract: one row of {@code dead_letters_<engine>} minus
 * {@code engine_ts_us}, which is stamped when the row is bound to the insert.
 *
 * @param kafkaPartition Kafka partition
 * @param kafkaOffset    offset within the partition
 * @param kafkaTsUs      broker append time, epoch microseconds
 * @param payload        the raw record value, empty for a tombstone
 * @param reason         why {@link EventParser} rejected it
 */
public record DeadLetter(int kafkaPartition, long kafkaOffset, long kafkaTsUs, byte[] payload, String reason)
        implements Serializable {

    /** The dead letter for a message that {@link EventParser} rejected with {@code reason}. */
    public static DeadLetter of(KafkaMessage message, String reason) {
        return new DeadLetter(message.partition(), message.offset(), message.kafkaTsUs(), message.value(), reason);
    }
}
