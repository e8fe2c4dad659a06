package dev.cryptobench.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.window;

import dev.cryptobench.common.GoldWindow;
import java.nio.file.Path;
import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.streaming.DataStreamWriter;
import org.apache.spark.sql.streaming.Trigger;

/**
 * The gold queries of the Spark job, one per window size, each with its own Kafka source and checkpoint. Spark
 * runs at most one aggregation per query in update mode, so the two sizes cannot share one query. Per size, in
 * SQL:
 *
 * <pre>
 * SELECT run_id, unix_micros(window.start) AS window_start_us, unix_micros(window.end) AS window_end_us,
 *        symbol, gold(price, size, event_time_us, seq) AS gold
 * FROM trades WATERMARK event_time DELAY OF watermarkDelay
 * GROUP BY run_id, window(event_time, size), symbol
 * </pre>
 *
 * <p>Output mode update: every micro-batch upserts the windows it changed, so an open window's row is
 * rewritten until the watermark passes its end; rows of a closed window arriving later are dropped.
 */
final class SparkGold {

    /** What each gold query hands its sink per changed window. */
    static final String[] COLUMNS = {
        "run_id",
        "unix_micros(window.start) AS window_start_us",
        "unix_micros(window.end) AS window_end_us",
        "symbol",
        "gold",
    };

    private SparkGold() {}

    /**
     * The aggregation of one window size over Kafka records (a {@code value} column), before the sink: event
     * time is {@code event_time} (µs), the watermark trails the latest event time by {@code watermarkDelayMs}.
     */
    static Dataset<Row> aggregate(Dataset<Row> kafkaRecords, GoldWindow window, long watermarkDelayMs) {
        return kafkaRecords
                .select("value")
                .flatMap(new GoldTrades(), Encoders.row(GoldTrades.SCHEMA))
                .selectExpr("*", "timestamp_micros(event_time_us) AS event_time")
                .withWatermark("event_time", watermarkDelayMs + " milliseconds")
                .groupBy(col("run_id"), window(col("event_time"), window.size().toSeconds() + " seconds"),
                        col("symbol"))
                .agg(new GoldAggregator().toColumn().name("gold"))
                .selectExpr(COLUMNS);
    }

    /** The gold query of one window size, on {@code trigger}, checkpointed under {@code checkpointDir}. */
    static DataStreamWriter<Row> build(Dataset<Row> kafkaRecords, GoldWindow window, long watermarkDelayMs,
            Trigger trigger, Path checkpointDir, VoidFunction2<Dataset<Row>, Long> sink) {
        return aggregate(kafkaRecords, window, watermarkDelayMs)
                .writeStream()
                .queryName("crypto-bench-spark-gold-" + window.shortName())
                .outputMode("update")
                .trigger(trigger)
                .option("checkpointLocation", checkpointDir.toString())
                .foreachBatch(sink);
    }
}
