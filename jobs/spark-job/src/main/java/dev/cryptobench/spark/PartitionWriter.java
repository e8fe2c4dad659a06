package dev.cryptobench.spark;

import dev.cryptobench.common.JdbcBatchWriter;
import dev.cryptobench.common.KafkaMessage;
import dev.cryptobench.common.SinkConfig;
import dev.cryptobench.common.WriteCounts;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Row;

/**
 * Writes one partition of a micro-batch to PostgreSQL in one transaction, on its own connection, and
 * returns what it wrote. A database error fails the task and with it the micro-batch, which the job
 * retries from the checkpoint; the inserts skip (and count) rows already written.
 *
 * <p>Exactly-once ({@code batch} given): the transaction first claims the marker (query, batch id, Kafka
 * partition and offset of the partition's first record) in {@link BatchCommits#TABLE}; a partition whose marker
 * is already committed was written by an earlier attempt of the same micro-batch, and is skipped whole. A
 * replayed micro-batch reads the same Kafka offset ranges (Spark's offset log), so the first record names the
 * range and the marker exactly the rows committed with it. Spark's partition index does not: a restarted query
 * can hand the same ranges to other indexes (seen here: keying by index lost a replayed batch's rows).
 */
final class PartitionWriter implements FlatMapFunction<Iterator<Row>, WriteCounts> {

    private final SinkConfig sink;
    private final int batchSize;
    private final BatchCommits.Batch batch;

    /** {@code batch} is the micro-batch to mark under exactly-once, null for at-least-once. */
    PartitionWriter(SinkConfig sink, int batchSize, BatchCommits.Batch batch) {
        this.sink = sink;
        this.batchSize = batchSize;
        this.batch = batch;
    }

    @Override
    public Iterator<WriteCounts> call(Iterator<Row> rows) throws Exception {
        if (!rows.hasNext()) {
            return List.of(WriteCounts.ZERO).iterator();
        }
        try (JdbcBatchWriter writer = JdbcBatchWriter.open(sink, batchSize)) {
            KafkaMessage first = KafkaRows.toMessage(rows.next());
            if (batch != null && !BatchCommits.claim(writer, batch, first)) {
                writer.commit();
                return List.of(WriteCounts.ZERO).iterator();
            }
            writer.write(first);
            while (rows.hasNext()) {
                writer.write(KafkaRows.toMessage(rows.next()));
            }
            return List.of(writer.commit()).iterator();
        }
    }
}
