package dev.cryptobench.spark;

import dev.cryptobench.common.Backoff;
import dev.cryptobench.common.Cli;
import dev.cryptobench.common.Delivery;
import dev.cryptobench.common.DbErrors;
import dev.cryptobench.common.GoldArgs;
import dev.cryptobench.common.GoldWindow;
import dev.cryptobench.common.SinkConfig;
import dev.cryptobench.common.SinkStatements;
import dev.cryptobench.common.StateBackend;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;
import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.ForeachWriter;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.DataStreamReader;
import org.apache.spark.sql.streaming.DataStreamWriter;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Spark Structured Streaming job: Kafka topic to {@code crypto_prices_spark} through foreachBatch and JDBC (or,
 * in Real-Time Mode, a per-record writer), and unless {@code --gold false} two gold queries into
 * {@code gold_10min_metrics_spark} and {@code gold_hourly_metrics_spark}. A failed query (database down, broker
 * gone) restarts all queries from their checkpoints after a backoff; a fatal database error (credentials,
 * missing table) ends the job with exit code 3.
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

    /** Spark's setting of the state store the gold queries keep their windows in. */
    static final String STATE_STORE_PROVIDER = "spark.sql.streaming.stateStore.providerClass";

    /** A query that ran this long before failing starts its backoff afresh. */
    private static final long HEALTHY_RUN_MS = 60_000;

    private SparkJob() {}

    public static void main(String[] args) throws Exception {
        SparkArgs options = Cli.parseOrExit(args, SparkArgs::fromArgs, SparkArgs.USAGE);
        Cli.checkSinkOrExit(options.common().sink(), options.gold().inserts(), LOG);
        if (System.getenv("SPARK_LOCAL_IP") == null) {
            LOG.warn("SPARK_LOCAL_IP is not set: the Spark UI listens on all interfaces; set it to 127.0.0.1");
        }
        SparkSession spark = session(options, master(options));
        LOG.info("Spark {} master={} ui={}", spark.version(), spark.sparkContext().master(),
                spark.sparkContext().uiWebUrl().getOrElse(() -> "disabled"));
        int exitCode = runUntilStopped(spark, options);
        spark.stop();
        System.exit(exitCode);
    }

    /** The Spark master; in Real-Time Mode a local one gets a thread for every Kafka partition. */
    private static String master(SparkArgs options) {
        if (!options.trigger().realTime()) {
            return options.master();
        }
        try {
            int partitions = RealTimeSlots.partitions(options.common().bootstrap(), options.common().topic(),
                    options.common().kafkaProperties());
            String master = RealTimeSlots.master(options.master(), partitions);
            if (!master.equals(options.master())) {
                LOG.info("Real-Time Mode runs one task per Kafka partition ({}) at once: master {} instead of {}",
                        partitions, master, options.master());
            }
            return master;
        } catch (Exception e) {
            LOG.warn("cannot count the partitions of topic {} ({}); keeping master {}", options.common().topic(),
                    e.getMessage(), options.master());
            return options.master();
        }
    }

    /**
     * A session whose driver binds to 127.0.0.1 and whose scratch files stay under the state directory. The UI
     * binds to {@code SPARK_LOCAL_IP} (an environment variable only), else to all interfaces.
     */
    static SparkSession session(SparkArgs options, String master) {
        Path stateDir = options.common().stateDir();
        return SparkSession.builder()
                // spark-submit --name (the cluster runtime names the application after its state directory) wins.
                .appName(System.getProperty("spark.app.name", "crypto-bench-spark"))
                .master(master)
                // On a cluster whose executors reach the driver at another address, listen on every interface.
                .config("spark.driver.bindAddress", options.driverHost().startsWith("127.") ? options.driverHost()
                        : "0.0.0.0")
                .config("spark.driver.host", options.driverHost())
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
                .config(STATE_STORE_PROVIDER, stateStoreProvider(options.stateBackend()))
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
        // The cluster's client properties (SASL, TLS, ...): Spark passes `kafka.`-prefixed options to its consumers.
        for (var property : options.common().kafkaProperties().entrySet()) {
            reader = reader.option("kafka." + property.getKey(), property.getValue());
        }
        if (options.maxOffsetsPerTrigger().isPresent()) {
            reader = reader.option("maxOffsetsPerTrigger", options.maxOffsetsPerTrigger().getAsLong());
        }
        return reader.load();
    }

    /**
     * The raw pipeline: Kafka records, reduced to {@link KafkaRows#COLUMNS}, handed micro-batch by micro-batch to
     * {@code sink} on the configured trigger, checkpointed under {@code <state-dir>/checkpoints/spark}.
     */
    static DataStreamWriter<Row> build(Dataset<Row> kafkaRecords, VoidFunction2<Dataset<Row>, Long> sink,
            SparkArgs options) {
        return rawColumns(kafkaRecords, options)
                .trigger(options.trigger().toTrigger())
                .foreachBatch(sink);
    }

    /**
     * The raw pipeline in Real-Time Mode: the same columns, row by row to {@code sink}; Real-Time Mode needs
     * output mode update (the query has no aggregation, so every row is output once either way).
     */
    static DataStreamWriter<Row> buildRealTime(Dataset<Row> kafkaRecords, ForeachWriter<Row> sink,
            SparkArgs options) {
        return rawColumns(kafkaRecords, options)
                .outputMode("update")
                .trigger(options.trigger().toTrigger())
                .foreach(sink);
    }

    private static DataStreamWriter<Row> rawColumns(Dataset<Row> kafkaRecords, SparkArgs options) {
        return kafkaRecords
                .selectExpr(KafkaRows.COLUMNS)
                .writeStream()
                .queryName("crypto-bench-spark")
                .option("checkpointLocation", checkpointDir(options).toString());
    }

    /** Checkpoints of the raw query, in both trigger modes: {@code <state-dir>/checkpoints/spark}. */
    static Path checkpointDir(SparkArgs options) {
        return options.common().stateDir().resolve("checkpoints").resolve("spark");
    }

    /** The state store provider class of {@code backend}: Spark's default (HDFS-backed, on the heap) or RocksDB. */
    static String stateStoreProvider(StateBackend backend) {
        return backend == StateBackend.ROCKSDB
                ? "org.apache.spark.sql.execution.streaming.state.RocksDBStateStoreProvider"
                : "org.apache.spark.sql.execution.streaming.state.HDFSBackedStateStoreProvider";
    }

    /**
     * Checkpoints of a gold query: {@code <state-dir>/checkpoints/spark-gold-by-run-<window>}, apart from the raw
     * query's; with RocksDB {@code spark-gold-by-run-<window>-rocksdb}, since a checkpoint keeps the provider it
     * was started with. The name changed when the state became keyed by run id: an older checkpoint's state
     * schema (keyed by window and symbol only) cannot be restored into this query.
     */
    static Path goldCheckpointDir(SparkArgs options, GoldWindow window) {
        String suffix = options.stateBackend() == StateBackend.ROCKSDB ? "-rocksdb" : "";
        return options.common().stateDir().resolve("checkpoints")
                .resolve("spark-gold-by-run-" + window.shortName() + suffix);
    }

    /** Starts the raw query and, unless gold is off, one gold query per window size. */
    private static List<StreamingQuery> start(SparkSession spark, SparkArgs options) throws TimeoutException {
        SinkConfig sink = options.common().sink();
        List<StreamingQuery> queries = new ArrayList<>();
        if (options.trigger().realTime()) {
            queries.add(buildRealTime(kafkaSource(spark, options),
                    new RealTimeWriter(sink, SinkStatements.DEFAULT_BATCH_SIZE), options).start());
        } else {
            queries.add(build(kafkaSource(spark, options),
                    new MicroBatchWriter(sink, SinkStatements.DEFAULT_BATCH_SIZE,
                            options.common().delivery() == Delivery.EXACTLY_ONCE), options).start());
        }
        GoldArgs gold = options.gold();
        if (gold.enabled()) {
            for (GoldWindow window : GoldWindow.values()) {
                queries.add(SparkGold.build(kafkaSource(spark, options), window, gold.watermarkDelayMs(),
                        options.trigger().toTrigger(), goldCheckpointDir(options, window),
                        new GoldBatchWriter(sink, gold.table(window))).start());
            }
        }
        return queries;
    }

    /** Runs the queries, restarting all of them after a failure of any; returns the process exit code. */
    private static int runUntilStopped(SparkSession spark, SparkArgs options)
            throws TimeoutException, InterruptedException {
        Backoff backoff = new Backoff();
        boolean announced = false;
        while (true) {
            List<StreamingQuery> queries = start(spark, options);
            if (!announced) {
                LOG.info("crypto-bench: spark job running (topic={} table={} trigger={} gold={} delivery={}"
                        + " state-backend={} checkpoint={})", options.common().topic(),
                        options.common().sink().table(), options.trigger(), options.gold().enabled(),
                        options.common().delivery(), options.stateBackend(), checkpointDir(options));
                announced = true;
            }
            long startedMs = System.currentTimeMillis();
            try {
                spark.streams().awaitAnyTermination();
                LOG.info("query stopped");
                stopAll(queries);
                return 0;
            } catch (StreamingQueryException e) {
                if (spark.sparkContext().isStopped()) {
                    // SIGTERM: Spark's shutdown hook stopped the context under the running queries.
                    LOG.info("spark stopped");
                    return 0;
                }
                String failed = failedQuery(queries);
                stopAll(queries);
                spark.streams().resetTerminated();
                SQLException sql = DbErrors.findSqlException(e);
                if (sql != null && DbErrors.isFatal(sql)) {
                    LOG.error("crypto-bench: fatal database error in query {}: {}", failed,
                            DbErrors.describe(sql));
                    return Cli.EXIT_CONFIG;
                }
                if (System.currentTimeMillis() - startedMs > HEALTHY_RUN_MS) {
                    backoff.reset();
                }
                long delayMs = backoff.nextDelayMs();
                String cause = sql != null ? DbErrors.describe(sql) : rootMessage(e);
                LOG.warn("query {} failed ({}); restarting all queries from their checkpoints in {} ms",
                        failed, cause, delayMs);
                Thread.sleep(delayMs);
            }
        }
    }

    private static String failedQuery(List<StreamingQuery> queries) {
        return queries.stream().filter(query -> query.exception().isDefined()).map(StreamingQuery::name)
                .findFirst().orElse("?");
    }

    private static void stopAll(List<StreamingQuery> queries) throws TimeoutException {
        for (StreamingQuery query : queries) {
            if (query.isActive()) {
                query.stop();
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
