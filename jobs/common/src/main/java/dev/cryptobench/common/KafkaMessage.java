package dev.cryptobench.common;

import java.io.Serializable;

/**
 * A Kafka record as the jobs see it before parsing: the raw value and where and when the broker stored it.
 *
 * @param value     the record value; a tombstone ({@code null}) becomes an empty array
 * @param partition Kafka partition
 * @param offset    offset within the partition
 * @param kafkaTsUs the record timestamp (broker LogAppendTime, milliseconds) in epoch microseconds
 */
public record KafkaMessage(byte[] value, int partition, long offset, long kafkaTsUs) implements Serializable {

    private static final byte[] EMPTY = new byte[0];

    public KafkaMessage {
        value = value == null ? EMPTY : value;
    }

    /** A message stamped with a Kafka record timestamp given in milliseconds, as Kafka reports it. */
    public static KafkaMessage ofMillis(byte[] value, int partition, long offset, long timestampMs) {
        return new KafkaMessage(value, partition, offset, timestampMs * 1000L);
    }
}
