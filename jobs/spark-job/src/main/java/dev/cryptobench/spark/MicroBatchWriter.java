package dev.cryptobench.spark;

import dev.cryptobench.common.SinkConfig;
import dev.cryptobench.common.WriteCounts;
import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The foreachBatch sink: writes every partition of a micro-batch with {@link PartitionWriter} and logs one line.
 * Under exactly-once each partition commits with its marker (see {@link BatchCommits}).
 */
final class MicroBatchWriter implements VoidFunction2<Dataset<Row>, Long> {

    private static final Logger LOG = LoggerFactory.getLogger(MicroBatchWriter.class);

    private final SinkConfig sink;
    /** The local property Spark sets to the running query's id on the thread that runs foreachBatch. */
    static final String QUERY_ID_PROPERTY = "sql.streaming.queryId";

    private final int batchSize;
    private final boolean exactlyOnce;

    MicroBatchWriter(SinkConfig sink, int batchSize, boolean exactlyOnce) {
        this.sink = sink;
        this.batchSize = batchSize;
        this.exactlyOnce = exactlyOnce;
    }

    @Override
    public void call(Dataset<Row> batch, Long batchId) {
        long startNs = System.nanoTime();
        BatchCommits.Batch marker = null;
        if (exactlyOnce) {
            String queryId = batch.sparkSession().sparkContext().getLocalProperty(QUERY_ID_PROPERTY);
            if (queryId == null) {
                throw new IllegalStateException("exactly-once: Spark did not say which query runs batch " + batchId);
            }
            marker = new BatchCommits.Batch(queryId, batchId);
        }
        WriteCounts counts = batch.toJavaRDD()
                .mapPartitions(new PartitionWriter(sink, batchSize, marker))
                .fold(WriteCounts.ZERO, WriteCounts::plus);
        LOG.info("batch={} rows={} dead={} ms={}",
                batchId, counts.rows(), counts.deadLetters(), (System.nanoTime() - startNs) / 1_000_000);
    }
}
