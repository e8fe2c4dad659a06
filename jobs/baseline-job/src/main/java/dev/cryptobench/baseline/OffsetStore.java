package dev.cryptobench.baseline;

import dev.cryptobench.common.JdbcBatchWriter;
import dev.cryptobench.common.SinkConfig;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * The baseline's consumed offsets kept in PostgreSQL ({@code baseline_offsets}) for exactly-once delivery: each
 * poll's next offsets are upserted in the same transaction as its rows, so the rows and the record of having
 * consumed them commit together or not at all; on start (each partition assignment) the consumer seeks to them.
 * Kafka's committed offsets then only show the group's lag. The CLI creates the table.
 */
final class OffsetStore {

    /** The offsets table, keyed by (consumer group, topic, partition). */
    static final String TABLE = "baseline_offsets";

    private static final String UPSERT = "INSERT INTO " + TABLE
            + " (consumer_group, topic, kafka_partition, next_offset) VALUES (?, ?, ?, ?)"
            + " ON CONFLICT (consumer_group, topic, kafka_partition) DO UPDATE SET next_offset = EXCLUDED.next_offset";
    private static final String SELECT = "SELECT kafka_partition, next_offset FROM " + TABLE
            + " WHERE consumer_group = ? AND topic = ?";

    private final SinkConfig sink;
    private final String group;

    OffsetStore(SinkConfig sink, String group) {
        this.sink = sink;
        this.group = group;
    }

    /** Adds {@code offsets} to {@code writer}'s open transaction: they commit with its rows. */
    void writeWith(JdbcBatchWriter writer, Map<TopicPartition, OffsetAndMetadata> offsets) throws SQLException {
        List<Object[]> rows = new ArrayList<>();
        offsets.forEach((partition, offset) -> rows.add(
                new Object[] {group, partition.topic(), partition.partition(), offset.offset()}));
        writer.executeWithRows(UPSERT, rows);
    }

    /** The stored next offsets of {@code partitions}; a partition never written has none. */
    Map<TopicPartition, Long> read(Collection<TopicPartition> partitions) throws SQLException {
        Map<TopicPartition, Long> found = new HashMap<>();
        try (Connection connection = sink.connect()) {
            for (String topic : partitions.stream().map(TopicPartition::topic).distinct().toList()) {
                try (PreparedStatement select = connection.prepareStatement(SELECT)) {
                    select.setString(1, group);
                    select.setString(2, topic);
                    try (ResultSet rows = select.executeQuery()) {
                        while (rows.next()) {
                            TopicPartition partition = new TopicPartition(topic, rows.getInt(1));
                            if (partitions.contains(partition)) {
                                found.put(partition, rows.getLong(2));
                            }
                        }
                    }
                }
            }
            connection.commit();
        }
        return found;
    }
}
