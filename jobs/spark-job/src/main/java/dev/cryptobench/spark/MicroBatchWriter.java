package dev.cryptobench.spark;

import dev.cryptobench.common.SinkConfig;
import dev.cryptobench.common.WriteCounts;
import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The foreachBatch sink: writes every partition of a micro-batch with {@link PartitionWriter} and logs one line. */
final class MicroBatchWriter implements VoidFunction2<Dataset<Row>, Long> {

    private static final Logger LOG = LoggerFactory.getLogger(MicroBatchWriter.class);

    private final SinkConfig sink;
    private final int batchSize;

    MicroBatchWriter(SinkConfig sink, int batchSize) {
        this.sink = sink;
        this.batchSize = batchSize;
    }

    @Override
    public void call(Dataset<Row> batch, Long batchId) {
        long startNs = System.nanoTime();
        WriteCounts counts = batch.toJavaRDD()
                .mapPartitions(new PartitionWriter(sink, batchSize))
                .fold(WriteCounts.ZERO, WriteCounts::plus);
        LOG.info("batch={} rows={} dead={} ms={}",
                batchId, counts.rows(), counts.deadLetters(), (System.nanoTime() - startNs) / 1_000_000);
    }
}
