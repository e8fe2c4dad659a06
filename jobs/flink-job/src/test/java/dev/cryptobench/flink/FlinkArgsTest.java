package dev.cryptobench.flink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cryptobench.common.Delivery;
import dev.cryptobench.common.GoldWindow;
import dev.cryptobench.common.StateBackend;
import dev.cryptobench.common.UsageException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.core.execution.CheckpointingMode;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class FlinkArgsTest {

    @TempDir
    Path tmp;

    private FlinkArgs parse(String... extra) throws Exception {
        Path password = Files.writeString(tmp.resolve("pw"), "pw");
        List<String> args = new ArrayList<>(List.of(
                "--jdbc-password-file", password.toString(), "--state-dir", tmp.toString()));
        args.addAll(List.of(extra));
        return FlinkArgs.fromArgs(args.toArray(String[]::new));
    }

    @Test
    void reads_every_flink_flag() throws Exception {
        FlinkArgs args = parse("--buffer-timeout-ms", "0", "--batch-size", "200", "--batch-interval-ms", "0",
                "--checkpoint-interval-ms", "5000", "--parallelism", "2", "--ui-port", "18081",
                "--gold", "false", "--watermark-delay-ms", "2500");
        assertEquals(0, args.bufferTimeoutMs());
        assertEquals(200, args.batchSize());
        assertEquals(0, args.batchIntervalMs());
        assertEquals(5000, args.checkpointIntervalMs());
        assertEquals(2, args.parallelism());
        assertEquals(18081, args.uiPort());
        assertFalse(args.gold().enabled());
        assertEquals(2500, args.gold().watermarkDelayMs());
        assertFalse(args.cluster());
        assertTrue(parse("--cluster", "true").cluster());
    }

    @Test
    void has_defaults_named_after_the_engine() throws Exception {
        FlinkArgs args = parse();
        assertEquals(100, args.bufferTimeoutMs());
        assertEquals(1000, args.batchSize());
        assertEquals(200, args.batchIntervalMs());
        assertEquals(10_000, args.checkpointIntervalMs());
        assertEquals(1, args.parallelism());
        assertEquals(8081, args.uiPort());
        assertEquals("crypto_prices_flink", args.common().sink().table());
        assertEquals("crypto-bench-flink", args.common().group());
        assertTrue(args.gold().enabled());
        assertEquals(10_000, args.gold().watermarkDelayMs());
        assertEquals("gold_hourly_metrics_flink", args.gold().table(GoldWindow.HOURLY));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "--buffer-timeout-ms      | -1   | --buffer-timeout-ms must be between 0",
        "--batch-size             | 0    | --batch-size must be between 1",
        "--batch-interval-ms      | soon | --batch-interval-ms must be an integer",
        "--checkpoint-interval-ms | 5    | --checkpoint-interval-ms must be between 10",
        "--parallelism            | 0    | --parallelism must be between 1",
        "--ui-port                | 70000| --ui-port must be between 1 and 65535",
        "--gold                   | on   | --gold must be true or false",
        "--cluster                | yes  | --cluster must be true or false",
        "--watermark-delay-ms     | 1s   | --watermark-delay-ms must be an integer",
        "--trigger                | 5s   | unknown flag: --trigger",
        "--delivery               | twice| --delivery must be at-least-once or exactly-once",
        "--state-backend          | disk | --state-backend must be hashmap or rocksdb",
    })
    void names_the_flag_with_a_bad_value(String flag, String value, String messageStart) {
        String message = assertThrows(UsageException.class, () -> parse(flag, value)).getMessage();
        assertTrue(message.startsWith(messageStart), message);
    }

    @Test
    void configures_the_minicluster_on_loopback_with_file_checkpoints_under_the_state_dir() throws Exception {
        Configuration conf = FlinkJob.configuration(parse("--ui-port", "18081", "--parallelism", "2"));
        assertEquals("127.0.0.1", conf.get(RestOptions.BIND_ADDRESS));
        assertEquals("127.0.0.1", conf.get(RestOptions.ADDRESS));
        assertEquals(18081, conf.get(RestOptions.PORT));
        assertEquals(2, conf.get(TaskManagerOptions.NUM_TASK_SLOTS));
        assertEquals(tmp.toAbsolutePath().resolve("checkpoints/flink").toUri().toString(),
                conf.get(CheckpointingOptions.CHECKPOINTS_DIRECTORY));
        assertTrue(conf.get(CheckpointingOptions.CHECKPOINTS_DIRECTORY).startsWith("file:/"));
        assertEquals(tmp.toAbsolutePath().resolve("flink-tmp").toString(), conf.get(CoreOptions.TMP_DIRS));
        assertEquals(CheckpointingMode.AT_LEAST_ONCE, conf.get(CheckpointingOptions.CHECKPOINTING_CONSISTENCY_MODE));
        assertEquals("exponential-delay", conf.get(RestartStrategyOptions.RESTART_STRATEGY));
        assertEquals(Duration.ofSeconds(30),
                conf.get(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_MAX_BACKOFF));
    }

    @Test
    void restarts_a_failed_job_forever_with_a_delay_that_doubles_up_to_30_seconds() throws Exception {
        Configuration conf = FlinkJob.jobConfiguration(parse("--cluster", "true"));
        assertEquals("exponential-delay", conf.get(RestartStrategyOptions.RESTART_STRATEGY));
        assertEquals(Integer.MAX_VALUE, conf.get(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_ATTEMPTS));
        assertEquals(Duration.ofSeconds(1),
                conf.get(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_INITIAL_BACKOFF));
        assertEquals(2.0, conf.get(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_BACKOFF_MULTIPLIER));
        assertEquals(Duration.ofSeconds(30),
                conf.get(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_MAX_BACKOFF));
    }

    @Test
    void gives_a_cluster_only_the_jobs_own_settings_not_the_miniclusters_addresses() throws Exception {
        Configuration conf = FlinkJob.jobConfiguration(parse("--cluster", "true"));
        assertEquals(tmp.toAbsolutePath().resolve("checkpoints/flink").toUri().toString(),
                conf.get(CheckpointingOptions.CHECKPOINTS_DIRECTORY));
        assertEquals(CheckpointingMode.AT_LEAST_ONCE, conf.get(CheckpointingOptions.CHECKPOINTING_CONSISTENCY_MODE));
        assertEquals(ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION,
                conf.get(CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION));
        assertFalse(conf.contains(RestOptions.BIND_ADDRESS));
        assertFalse(conf.contains(TaskManagerOptions.NUM_TASK_SLOTS));
    }

    @Test
    void defaults_to_at_least_once_on_the_heap() throws Exception {
        FlinkArgs args = parse();
        assertEquals(Delivery.AT_LEAST_ONCE, args.common().delivery());
        assertEquals(StateBackend.HASHMAP, args.stateBackend());
        assertEquals("hashmap", FlinkJob.jobConfiguration(args).get(StateBackendOptions.STATE_BACKEND));
    }

    @Test
    void takes_exactly_once_checkpoints_and_rocksdb_when_asked() throws Exception {
        FlinkArgs args = parse("--delivery", "exactly-once", "--state-backend", "rocksdb",
                "--checkpoint-interval-ms", "60000");
        assertEquals(Delivery.EXACTLY_ONCE, args.common().delivery());
        Configuration conf = FlinkJob.jobConfiguration(args);
        assertEquals(CheckpointingMode.EXACTLY_ONCE, conf.get(CheckpointingOptions.CHECKPOINTING_CONSISTENCY_MODE));
        assertEquals("rocksdb", conf.get(StateBackendOptions.STATE_BACKEND));
        assertEquals(60_000, args.checkpointIntervalMs());
    }
}
