package dev.cryptobench.spark;

import dev.cryptobench.common.JdbcBatchWriter;
import dev.cryptobench.common.KafkaMessage;
import java.io.Serializable;
import java.sql.SQLException;
import java.util.List;

/**
 * Commit markers of the raw query's micro-batches under exactly-once delivery: one row per (query id, batch id,
 * Kafka partition, first offset) in {@code spark_batch_commits} for each Spark partition written, in the same
 * transaction as its rows. The first record names the Kafka offset range the partition holds, which a replay of
 * the batch reads again (Spark's partition index may differ). The query id is the checkpoint's (it stays across
 * restarts and changes with a new checkpoint, whose batch ids start again at 0). The CLI creates the table.
 */
final class BatchCommits {

    /** The marker table. */
    static final String TABLE = "spark_batch_commits";

    private static final String CLAIM = "INSERT INTO " + TABLE
            + " (query_id, batch_id, kafka_partition, first_offset) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING";

    private BatchCommits() {}

    /**
     * One micro-batch of one query.
     *
     * @param queryId the streaming query's id, kept in its checkpoint
     * @param batchId the micro-batch id
     */
    record Batch(String queryId, long batchId) implements Serializable {}

    /**
     * Claims the marker of the partition that starts with {@code first} in {@code writer}'s transaction: true when
     * this attempt is the first; false when an earlier one committed it (a concurrent one is waited for by the
     * primary key).
     */
    static boolean claim(JdbcBatchWriter writer, Batch batch, KafkaMessage first) throws SQLException {
        int[] counts = writer.executeWithRows(CLAIM, List.<Object[]>of(
                new Object[] {batch.queryId(), batch.batchId(), first.partition(), first.offset()}));
        return counts.length == 1 && counts[0] == 1;
    }
}
