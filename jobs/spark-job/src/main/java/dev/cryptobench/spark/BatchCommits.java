package dev.cryptobench.spark;

import dev.cryptobench.common.JdbcBatchWriter;
import java.io.Serializable;
import java.sql.SQLException;
import java.util.List;

/**
 * Commit markers of the raw query's micro-batches under exactly-once delivery: one row per (query id, batch id,
 * partition) in {@code spark_batch_commits}, written in the same transaction as the partition's rows. The query
 * id is the checkpoint's (it stays across restarts and changes with a new checkpoint, whose batch ids start
 * again at 0). The CLI creates the table.
 */
final class BatchCommits {

    /** The marker table. */
    static final String TABLE = "spark_batch_commits";

    private static final String CLAIM = "INSERT INTO " + TABLE + " (query_id, batch_id, partition_id)"
            + " VALUES (?, ?, ?) ON CONFLICT DO NOTHING";

    private BatchCommits() {}

    /**
     * One micro-batch of one query.
     *
     * @param queryId the streaming query's id, kept in its checkpoint
     * @param batchId the micro-batch id
     */
    record Batch(String queryId, long batchId) implements Serializable {}

    /**
     * Claims the marker of {@code partition} in {@code writer}'s transaction: true when this attempt is the
     * first; false when an earlier attempt committed it (a concurrent one is waited for by the primary key).
     */
    static boolean claim(JdbcBatchWriter writer, Batch batch, int partition) throws SQLException {
        int[] counts = writer.executeWithRows(CLAIM,
                List.<Object[]>of(new Object[] {batch.queryId(), batch.batchId(), partition}));
        return counts.length == 1 && counts[0] == 1;
    }
}
