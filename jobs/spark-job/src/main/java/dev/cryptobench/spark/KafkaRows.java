package dev.cryptobench.spark;

import dev.cryptobench.common.KafkaMessage;
import org.apache.spark.sql.Row;

/**
 * The columns the job reads from Spark's Kafka source, and how a row of them becomes a {@link KafkaMessage}.
 */
final class KafkaRows {

    /**
     * What every micro-batch needs: the raw value and where Kafka put the record. {@code timestamp} is the
     * broker's LogAppendTime; {@code unix_micros} turns it into epoch microseconds.
     */
    static final String[] COLUMNS = {
        "value",
        "partition",
        "offset",
        "unix_micros(timestamp) AS kafka_ts_us",
    };

    private KafkaRows() {}

    /** One row of {@link #COLUMNS} as a message. */
    static KafkaMessage toMessage(Row row) {
        byte[] value = row.isNullAt(0) ? null : (byte[]) row.get(0);
        return new KafkaMessage(value, row.getInt(1), row.getLong(2), row.getLong(3));
    }
}
