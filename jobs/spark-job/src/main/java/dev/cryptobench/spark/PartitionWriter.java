package dev.cryptobench.spark;

import dev.cryptobench.common.JdbcBatchWriter;
import dev.cryptobench.common.SinkConfig;
import dev.cryptobench.common.WriteCounts;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Row;

/**
 * Writes one partition of a micro-batch to PostgreSQL in one transaction, on its own connection, and
 * returns what it wrote. A database error fails the task and with it the micro-batch, which the job
 * retries from the checkpoint; the inserts skip rows already written.
 */
final class PartitionWriter implements FlatMapFunction<Iterator<Row>, WriteCounts> {

    private final SinkConfig sink;
    private final int batchSize;

    PartitionWriter(SinkConfig sink, int batchSize) {
        this.sink = sink;
        this.batchSize = batchSize;
    }

    @Override
    public Iterator<WriteCounts> call(Iterator<Row> rows) throws Exception {
        if (!rows.hasNext()) {
            return List.of(WriteCounts.ZERO).iterator();
        }
        try (JdbcBatchWriter writer = JdbcBatchWriter.open(sink, batchSize)) {
            while (rows.hasNext()) {
                writer.write(KafkaRows.toMessage(rows.next()));
            }
            return List.of(writer.commit()).iterator();
        }
    }
}
