package dev.cryptobench.spark;

import dev.cryptobench.common.GoldRow;
import dev.cryptobench.common.GoldStatements;
import dev.cryptobench.common.SinkConfig;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.List;
import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The foreachBatch sink of a gold query: upserts the windows a micro-batch changed, in one transaction from the
 * driver (a batch holds at most one row per window and symbol, a few rows). A failure fails the micro-batch,
 * which the job retries from the checkpoint; the upsert makes the retry idempotent.
 */
final class GoldBatchWriter implements VoidFunction2<Dataset<Row>, Long> {

    private static final Logger LOG = LoggerFactory.getLogger(GoldBatchWriter.class);

    private final SinkConfig sink;
    private final String table;

    GoldBatchWriter(SinkConfig sink, String table) {
        this.sink = sink;
        this.table = table;
    }

    @Override
    public void call(Dataset<Row> batch, Long batchId) throws Exception {
        List<Row> rows = batch.collectAsList();
        if (rows.isEmpty()) {
            return;
        }
        try (Connection connection = sink.connect();
                PreparedStatement upsert = connection.prepareStatement(GoldStatements.upsert(table))) {
            for (Row row : rows) {
                GoldStatements.bind(upsert, toGoldRow(row));
                upsert.addBatch();
            }
            upsert.executeBatch();
            connection.commit();
        }
        LOG.info("gold batch={} table={} windows={}", batchId, table, rows.size());
    }

    /** One row of {@link SparkGold#COLUMNS} as a gold row. */
    static GoldRow toGoldRow(Row row) {
        return new GoldRow(row.<String>getAs("run_id"), row.<Long>getAs("window_start_us"),
                row.<Long>getAs("window_end_us"), row.<String>getAs("symbol"), GoldAggregator.metrics(row.<Row>getAs("gold")));
    }
}
