package dev.cryptobench.flink;

import dev.cryptobench.common.Cli;
import dev.cryptobench.common.Delivery;
import dev.cryptobench.common.DeadLetter;
import dev.cryptobench.common.GoldArgs;
import dev.cryptobench.common.GoldRow;
import dev.cryptobench.common.GoldStatements;
import dev.cryptobench.common.GoldWindow;
import dev.cryptobench.common.KafkaMessage;
import dev.cryptobench.common.PriceRow;
import dev.cryptobench.common.SinkConfig;
import dev.cryptobench.common.SinkStatements;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.connector.jdbc.JdbcConnectionOptions;
import org.apache.flink.connector.jdbc.JdbcExactlyOnceOptions;
import org.apache.flink.connector.jdbc.JdbcExecutionOptions;
import org.apache.flink.connector.jdbc.JdbcStatementBuilder;
import org.apache.flink.connector.jdbc.core.datastream.sink.JdbcSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Flink DataStream job on a local MiniCluster with the web UI (or, with {@code --cluster true}, on the session
 * cluster whose JobManager runs {@code main()} on a REST submission): Kafka topic to {@code crypto_prices_flink}
 * through Flink's JDBC sink, malformed records to {@code dead_letters_flink}, and (unless {@code --gold false})
 * the gold aggregates to {@code gold_10min_metrics_flink} and {@code gold_hourly_metrics_flink}. Failures
 * restart the job (exponential delay). A new run restores the newest checkpoint an earlier run of the same
 * job code left (its open windows and Kafka offsets, see {@link CheckpointResume}); without one it starts from
 * the consumer group's offsets, which are committed on checkpoints.
 */
public final class FlinkJob {

    private static final Logger LOG = LoggerFactory.getLogger(FlinkJob.class);

    /** Retries of a failed JDBC batch inside the sink before the failure restarts the job. */
    private static final int JDBC_MAX_RETRIES = 3;

    private FlinkJob() {}

    public static void main(String[] args) throws Exception {
        FlinkArgs options = Cli.parseOrExit(args, FlinkArgs::fromArgs, FlinkArgs.USAGE);
        SinkConfig sink = options.common().sink();
        Cli.checkSinkOrExit(sink, options.gold().inserts(), LOG);

        Configuration conf = options.cluster() ? jobConfiguration(options) : configuration(options);
        CheckpointResume resume = CheckpointResume.of(checkpointsDirectory(options), jobJar(), options);
        // Both environments take the restore from the configuration: the MiniCluster's directly, and the
        // cluster's on top of the JobManager's own settings.
        Optional<Path> restoredFrom = resume.restoreInto(conf);
        StreamExecutionEnvironment env = options.cluster()
                ? StreamExecutionEnvironment.getExecutionEnvironment(conf)
                : StreamExecutionEnvironment.createLocalEnvironmentWithWebUI(conf);
        env.setParallelism(options.parallelism());
        env.setBufferTimeout(options.bufferTimeoutMs());
        env.enableCheckpointing(options.checkpointIntervalMs());

        GoldArgs gold = options.gold();
        // Gold's event time and watermarks are assigned in the source, per Kafka partition (FlinkGold).
        DataStream<KafkaMessage> messages = env.fromSource(kafkaSource(options),
                gold.enabled() ? FlinkGold.sourceWatermarks(gold.watermarkDelay()) : WatermarkStrategy.noWatermarks(),
                "kafka");
        JdbcExecutionOptions batching = JdbcExecutionOptions.builder()
                .withBatchSize(options.batchSize())
                .withBatchIntervalMs(options.batchIntervalMs())
                .withMaxRetries(JDBC_MAX_RETRIES)
                .build();
        boolean exactlyOnce = options.common().delivery() == Delivery.EXACTLY_ONCE;
        Sink<PriceRow> prices = exactlyOnce
                ? xaSink(sink, options, SinkStatements.insertPrice(sink.table()), new PriceRowStatementBuilder())
                : jdbcSink(sink, batching, SinkStatements.insertPrice(sink.table()), new PriceRowStatementBuilder());
        DataStream<PriceRow> parsed = build(messages, prices,
                jdbcSink(sink, batching, SinkStatements.insertDeadLetter(sink.deadLetterTable()),
                        new DeadLetterStatementBuilder()));
        if (gold.enabled()) {
            Map<GoldWindow, Sink<GoldRow>> goldSinks = new EnumMap<>(GoldWindow.class);
            for (GoldWindow window : GoldWindow.values()) {
                goldSinks.put(window, jdbcSink(sink, batching, GoldStatements.upsert(gold.table(window)),
                        new GoldRowStatementBuilder()));
            }
            FlinkGold.build(parsed, goldSinks);
        }

        JobClient job = env.executeAsync("crypto-bench-flink");
        resume.recordStart(job.getJobID().toHexString(), restoredFrom);
        if (options.cluster()) {
            // Submitted, e.g. by the JobManager running main() for POST /jars/:id/run: the cluster runs the
            // job from here on, and the submission returns its id.
            LOG.info("crypto-bench: flink job submitted to the cluster (job={})", job.getJobID());
            return;
        }
        awaitRunning(job);
        LOG.info("crypto-bench: flink job running (topic={} table={} gold={} delivery={} state-backend={} job={}"
                + " ui=http://127.0.0.1:{})", options.common().topic(), sink.table(), options.gold().enabled(),
                options.common().delivery(), options.stateBackend(), job.getJobID(), options.uiPort());
        try {
            job.getJobExecutionResult().get();
        } catch (ExecutionException e) {
            LOG.error("crypto-bench: flink job failed", e.getCause());
            System.exit(1);
        }
        System.exit(0);
    }

    /**
     * The raw pipeline: parse every message; valid events, keyed by symbol, to {@code prices}, malformed ones to
     * {@code deadLetters}. Returns the parsed events for the gold branch. Sources and sinks come from the caller,
     * so tests can run it on test ones.
     *
     * <p>The key-by puts a network exchange between parsing and the price sink (hash-partitioned edges are never
     * chained, even at parallelism 1), so the buffer timeout decides how long parsed rows wait in a network
     * buffer; it also keeps each symbol's rows in order. Dead letters stay chained to the parser.
     */
    static DataStream<PriceRow> build(DataStream<KafkaMessage> messages, Sink<PriceRow> prices,
            Sink<DeadLetter> deadLetters) {
        SingleOutputStreamOperator<PriceRow> parsed = messages
                .process(new ParseEvents())
                .name("parse")
                .uid("parse-events");
        parsed.keyBy(new SymbolOf()).sinkTo(prices).name("prices").uid("sink-prices");
        parsed.getSideOutput(ParseEvents.DEAD_LETTERS)
                .sinkTo(deadLetters)
                .name("dead-letters")
                .uid("sink-dead-letters");
        return parsed;
    }

    /**
     * MiniCluster settings: the web UI and REST API at the UI port and every other endpoint on 127.0.0.1;
     * one slot per parallel task; scratch files under {@code <state-dir>/flink-tmp}; and the job's own
     * settings ({@link #jobConfiguration}).
     */
    static Configuration configuration(FlinkArgs options) {
        Path stateDir = options.common().stateDir();
        Configuration conf = jobConfiguration(options);
        conf.set(RestOptions.BIND_ADDRESS, "127.0.0.1");
        conf.set(RestOptions.ADDRESS, "127.0.0.1");
        conf.set(RestOptions.PORT, options.uiPort());
        conf.set(JobManagerOptions.ADDRESS, "127.0.0.1");
        conf.set(JobManagerOptions.BIND_HOST, "127.0.0.1");
        conf.set(TaskManagerOptions.HOST, "127.0.0.1");
        conf.set(TaskManagerOptions.BIND_HOST, "127.0.0.1");
        conf.set(TaskManagerOptions.NUM_TASK_SLOTS, options.parallelism());
        conf.set(CoreOptions.TMP_DIRS, stateDir.resolve("flink-tmp").toString());
        return conf;
    }

    /**
     * The job's own settings, the same on a MiniCluster and on a cluster: file checkpoints under
     * {@link #checkpointsDirectory} (on a cluster, a directory every TaskManager reaches), at-least-once
     * checkpoints (enough for at-least-once sinks, whose replays the inserts skip) or exactly-once ones (aligned
     * barriers, so that the XA sink's transaction holds exactly the rows before its checkpoint), the state
     * backend, the last checkpoint kept when the job is cancelled or its process stops (the next run resumes
     * from it, see {@link CheckpointResume}), restarts with exponential delay.
     */
    static Configuration jobConfiguration(FlinkArgs options) {
        Configuration conf = new Configuration();
        conf.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
        conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpointsDirectory(options).toUri().toString());
        conf.set(CheckpointingOptions.CHECKPOINTING_CONSISTENCY_MODE,
                options.common().delivery() == Delivery.EXACTLY_ONCE
                        ? CheckpointingMode.EXACTLY_ONCE : CheckpointingMode.AT_LEAST_ONCE);
        conf.set(StateBackendOptions.STATE_BACKEND, options.stateBackend().toString());
        conf.set(CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION,
                ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
        restartForever(conf);
        return conf;
    }

    /**
     * The restart strategy, as a production job has it: exponential delay, unbounded. A failed task restarts the
     * job from its last checkpoint after 1 s, then 2, 4, ... up to 30 s between attempts (±10% jitter, so that
     * jobs failing together do not retry together); after 10 minutes without a failure the delay starts at 1 s
     * again. It never gives up: an outage of Kafka or PostgreSQL of any length ends with the job running again,
     * and no attempt count is a guess at how long an outage may last. A job that cannot start at all fails its
     * {@code main} instead, which the supervisor reports.
     */
    static void restartForever(Configuration conf) {
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "exponential-delay");
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_INITIAL_BACKOFF, Duration.ofSeconds(1));
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_MAX_BACKOFF, Duration.ofSeconds(30));
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_BACKOFF_MULTIPLIER, 2.0);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_JITTER_FACTOR, 0.1);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_RESET_BACKOFF_THRESHOLD,
                Duration.ofMinutes(10));
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_ATTEMPTS, Integer.MAX_VALUE);
    }

    /** Where the job's checkpoints go: {@code <state-dir>/checkpoints/flink}, one directory per run inside. */
    static Path checkpointsDirectory(FlinkArgs options) {
        return options.common().stateDir().resolve("checkpoints").resolve("flink");
    }

    /** The jar this class was loaded from (on a cluster, the jar uploaded with the submission). */
    private static Path jobJar() throws URISyntaxException {
        return Path.of(FlinkJob.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    /**
     * Reads the topic as this job's consumer group: from the group's committed offsets, or the earliest
     * ones for a new group; offsets are committed on every checkpoint.
     */
    static KafkaSource<KafkaMessage> kafkaSource(FlinkArgs options) {
        Properties cluster = new Properties();
        cluster.putAll(options.common().kafkaProperties());
        return KafkaSource.<KafkaMessage>builder()
                .setProperties(cluster)
                .setBootstrapServers(options.common().bootstrap())
                .setTopics(options.common().topic())
                .setGroupId(options.common().group())
                .setClientIdPrefix(options.common().group())
                .setStartingOffsets(OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
                .setDeserializer(new KafkaMessageDeserializer())
                .setProperty("commit.offsets.on.checkpoint", "true")
                .build();
    }

    /**
     * Flink's at-least-once JDBC sink for {@code sql}; replays are harmless (every statement skips or upserts).
     * Its writers close quietly ({@link QuietCloseSink}), so a PostgreSQL outage does not stop the TaskManager.
     */
    private static <T> Sink<T> jdbcSink(SinkConfig sink, JdbcExecutionOptions batching, String sql,
            JdbcStatementBuilder<T> binder) {
        return new QuietCloseSink<>(JdbcSink.<T>builder()
                .withQueryStatement(sql, binder)
                .withExecutionOptions(batching)
                .buildAtLeastOnce(connection(sink)));
    }

    /**
     * The JDBC connector's exactly-once sink for {@code sql}: one XA transaction per checkpoint and subtask,
     * prepared when the checkpoint is taken and committed when it completes, so rows become visible once, with
     * their checkpoint, and rows written after the last checkpoint vanish with a failure instead of being
     * written again. PostgreSQL runs one XA transaction per connection (hence transaction-per-connection) and
     * needs {@code max_prepared_transactions} above 0. No retries inside the sink: a failed transaction fails
     * the job, which restarts from its last checkpoint.
     */
    private static <T> Sink<T> xaSink(SinkConfig sink, FlinkArgs options, String sql,
            JdbcStatementBuilder<T> binder) {
        JdbcExecutionOptions batching = JdbcExecutionOptions.builder()
                .withBatchSize(options.batchSize())
                .withBatchIntervalMs(options.batchIntervalMs())
                .withMaxRetries(0)
                .build();
        return new QuietCloseSink<>(JdbcSink.<T>builder()
                .withQueryStatement(sql, binder)
                .withExecutionOptions(batching)
                .buildExactlyOnce(JdbcExactlyOnceOptions.builder().withTransactionPerConnection(true).build(),
                        new XaDataSources(sink)));
    }

    private static JdbcConnectionOptions connection(SinkConfig sink) {
        return new JdbcConnectionOptions.JdbcConnectionOptionsBuilder()
                .withUrl(sink.jdbcUrl())
                .withDriverName("org.postgresql.Driver")
                .withUsername(sink.user())
                .withPassword(sink.password())
                .build();
    }

    /** Waits until the job runs (its tasks are being deployed) or has ended. */
    private static void awaitRunning(JobClient job) throws Exception {
        while (true) {
            JobStatus status = job.getJobStatus().get(30, TimeUnit.SECONDS);
            if (status == JobStatus.RUNNING || status.isTerminalState()) {
                return;
            }
            Thread.sleep(100);
        }
    }
}
