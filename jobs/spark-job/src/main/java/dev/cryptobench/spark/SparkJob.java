package dev.cryptobench.spark;

import dev.cryptobench.common.Backoff;
import dev.cryptobench.common.Cli;
import dev.cryptobench.common.DbErrors;
import dev.cryptobench.common.SinkStatements;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.concurrent.TimeoutException;
import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.DataStreamReader;
import org.apache.spark.sql.streaming.DataStreamWriter;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryException;
import org.apache.spark.sql.streaming.Trigger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Spark Structured Streaming job: Kafka topic to {@code crypto_prices_spark} through foreachBatch and JDBC.
 * A failed query (database down, broker gone) is restarted from its checkpoint after a backoff; a fatal
 * database error (credentials, missing table) ends the job with exit code 3.
 */
public final class SparkJob {

    private static final Logger LOG = LoggerFactory.getLogger(SparkJob.class);

    /**
     * Longest the broker holds a fetch that has no data yet. Spark's tasks re-seek a cached consumer to each
     * micro-batch's offset range; measured here, Kafka's default of 500 ms added about 0.5 s to every
     * micro-batch even at trigger 0, and 10 ms removed it. Flink and the baseline poll continuously and keep
     * the default, since there a held fetch returns as soon as data arrives.
     */
    static final String KAFKA_FETCH_MAX_WAIT_MS = "10";

    /** A query that ran this long before failing starts its backoff afresh. */
    private static final long HEALTHY_RUN_MS = 60_000;

    private SparkJob() {}

    public static void main(String[] args) throws Exception {
        SparkArgs options = Cli.parseOrExit(args, SparkArgs::fromArgs, SparkArgs.USAGE);
        Cli.checkSinkOrExit(options.common().sink(), LOG);
        if (System.getenv("SPARK_LOCAL_IP") == null) {
            LOG.warn("SPARK_LOCAL_IP is not set: the Spark UI listens on all interfaces; set it to 127.0.0.1");
        }
        SparkSession spark = session(options);
        LOG.info("Spark {} master={} ui={}", spark.version(), options.master(),
                spark.sparkContext().uiWebUrl().getOrElse(() -> "disabled"));
        VoidFunction2<Dataset<Row>, Long> sink =
                new MicroBatchWriter(options.common().sink(), SinkStatements.DEFAULT_BATCH_SIZE);
        int exitCode = runUntilStopped(spark, options, sink);
        spark.stop();
        System.exit(exitCode);
    }

    /**
     * A session whose driver binds to 127.0.0.1 and whose scratch files stay under the state directory. The UI
     * binds to {@code SPARK_LOCAL_IP} (an environment variable only), else to all interfaces.
     */
    static SparkSession session(SparkArgs options) {
        Path stateDir = options.common().stateDir();
        return SparkSession.builder()
                .appName("crypto-bench-spark")
                .master(options.master())
                .config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.ui.port", options.uiPort())
                .config("spark.ui.showConsoleProgress", false)
                // Bounded UI history: a fast trigger runs thousands of micro-batches on a small heap.
                .config("spark.ui.retainedJobs", 200)
                .config("spark.ui.retainedStages", 200)
                .config("spark.sql.ui.retainedExecutions", 200)
                .config("spark.sql.streaming.ui.retainedQueries", 20)
                .config("spark.sql.shuffle.partitions", options.shufflePartitions())
                .config("spark.sql.warehouse.dir", stateDir.resolve("spark-warehouse").toString())
                .config("spark.local.dir", stateDir.resolve("spark-local").toString())
                // Adaptive execution does not apply to streaming; set so Spark does not warn on every start.
                .config("spark.sql.adaptive.enabled", false)
                .getOrCreate();
    }

    /**
     * The Kafka source: every record of the topic from the earliest offset, then as it arrives. Consumer
     * groups are Spark's own ({@code groupIdPrefix} names them); progress lives in the checkpoint.
     */
    static Dataset<Row> kafkaSource(SparkSession spark, SparkArgs options) {
        DataStreamReader reader = spark.readStream()
                .format("kafka")
                .option("kafka.bootstrap.servers", options.common().bootstrap())
                .option("subscribe", options.common().topic())
                .option("startingOffsets", "earliest")
                .option("failOnDataLoss", "false")
                .option("kafka.fetch.max.wait.ms", KAFKA_FETCH_MAX_WAIT_MS)
                .option("groupIdPrefix", options.common().group());
        if (options.maxOffsetsPerTrigger().isPresent()) {
            reader = reader.option("maxOffsetsPerTrigger", options.maxOffsetsPerTrigger().getAsLong());
        }
        return reader.load();
    }

    /**
     * The pipeline: Kafka records, reduced to {@link KafkaRows#COLUMNS}, handed micro-batch by micro-batch to
     * {@code sink} on the configured trigger, checkpointed under {@code <state-dir>/checkpoints/spark}.
     */
    static DataStreamWriter<Row> build(Dataset<Row> kafkaRecords, VoidFunction2<Dataset<Row>, Long> sink,
            SparkArgs options) {
        return kafkaRecords
                .selectExpr(KafkaRows.COLUMNS)
                .writeStream()
                .queryName("crypto-bench-spark")
                .trigger(Trigger.ProcessingTime(options.triggerMs()))
                .option("checkpointLocation", checkpointDir(options).toString())
                .foreachBatch(sink);
    }

    static Path checkpointDir(SparkArgs options) {
        return options.common().stateDir().resolve("checkpoints").resolve("spark");
    }

    /** Runs the query, restarting it after failures; returns the process exit code. */
    private static int runUntilStopped(SparkSession spark, SparkArgs options, VoidFunction2<Dataset<Row>, Long> sink)
            throws TimeoutException, InterruptedException {
        Backoff backoff = new Backoff();
        boolean announced = false;
        while (true) {
            StreamingQuery query = build(kafkaSource(spark, options), sink, options).start();
            if (!announced) {
                LOG.info("crypto-bench: spark job running (topic={} table={} trigger={}ms checkpoint={})",
                        options.common().topic(), options.common().sink().table(), options.triggerMs(),
                        checkpointDir(options));
                announced = true;
            }
            long startedMs = System.currentTimeMillis();
            try {
                query.awaitTermination();
                LOG.info("query stopped");
                return 0;
            } catch (StreamingQueryException e) {
                SQLException sql = DbErrors.findSqlException(e);
                if (sql != null && DbErrors.isFatal(sql)) {
                    LOG.error("crypto-bench: fatal database error on table {}: {}",
                            options.common().sink().table(), DbErrors.describe(sql));
                    return Cli.EXIT_CONFIG;
                }
                if (System.currentTimeMillis() - startedMs > HEALTHY_RUN_MS) {
                    backoff.reset();
                }
                long delayMs = backoff.nextDelayMs();
                String cause = sql != null ? DbErrors.describe(sql) : rootMessage(e);
                LOG.warn("query failed ({}); restarting from the checkpoint in {} ms", cause, delayMs);
                Thread.sleep(delayMs);
            }
        }
    }

    private static String rootMessage(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + ": " + root.getMessage();
    }
}
