package dev.cryptobench.spark;

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
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class SparkArgsTest {

    @TempDir
    Path tmp;

    private SparkArgs parse(String... extra) throws Exception {
        Path password = Files.writeString(tmp.resolve("pw"), "pw");
        List<String> args = new ArrayList<>(List.of(
                "--jdbc-password-file", password.toString(), "--state-dir", tmp.toString()));
        args.addAll(List.of(extra));
        return SparkArgs.fromArgs(args.toArray(String[]::new));
    }

    @Test
    void reads_every_spark_flag() throws Exception {
        SparkArgs args = parse("--trigger", "5s", "--ui-port", "14040", "--master", "local[1]",
                "--shuffle-partitions", "3", "--max-offsets-per-trigger", "10000");
        assertEquals(new SparkTrigger(false, 5_000), args.trigger());
        assertEquals(14040, args.uiPort());
        assertEquals("local[1]", args.master());
        assertEquals(3, args.shufflePartitions());
        assertEquals(OptionalLong.of(10_000), args.maxOffsetsPerTrigger());
        assertEquals("crypto_prices_spark", args.common().sink().table());
        assertEquals("crypto-bench-spark", args.common().group());
    }

    @Test
    void defaults_to_the_fastest_trigger_on_two_local_cores() throws Exception {
        SparkArgs args = parse();
        assertEquals(new SparkTrigger(false, 0), args.trigger());
        assertEquals(4040, args.uiPort());
        assertEquals("local[2]", args.master());
        assertEquals(2, args.shufflePartitions());
        assertEquals(OptionalLong.empty(), args.maxOffsetsPerTrigger());
        assertTrue(args.gold().enabled());
        assertEquals(10_000, args.gold().watermarkDelayMs());
        assertEquals("gold_10min_metrics_spark", args.gold().table(GoldWindow.TEN_MINUTES));
    }

    @ParameterizedTest
    @CsvSource({"0, 0", "0ms, 0", "500ms, 500", "5s, 5000", "1m, 60000", "15S, 15000"})
    void reads_trigger_intervals(String value, long expectedMs) throws Exception {
        assertEquals(new SparkTrigger(false, expectedMs), SparkTrigger.parse(value));
    }

    @ParameterizedTest
    @CsvSource({"realtime, 300000", "REALTIME, 300000", "realtime:5s, 5000", "realtime:30s, 30000",
        "realtime:10m, 600000"})
    void reads_real_time_triggers_with_their_checkpoint_interval(String value, long expectedMs) throws Exception {
        assertEquals(new SparkTrigger(true, expectedMs), SparkTrigger.parse(value));
    }

    @Test
    void turns_gold_off_in_real_time_mode() throws Exception {
        SparkArgs args = parse("--trigger", "realtime", "--watermark-delay-ms", "500");
        assertTrue(args.trigger().realTime());
        assertFalse(args.gold().enabled());
        assertFalse(parse("--trigger", "realtime:1m", "--gold", "false").gold().enabled());
        assertFalse(parse("--gold", "false").gold().enabled());
    }

    @Test
    void gives_a_local_master_a_thread_per_kafka_partition_for_real_time_mode() {
        assertEquals("local[3]", RealTimeSlots.master("local[2]", 3));
        assertEquals("local[3]", RealTimeSlots.master("local", 3));
        assertEquals("local[4]", RealTimeSlots.master("local[4]", 3));
        assertEquals("local[3]", RealTimeSlots.master("local[3]", 3));
        assertEquals("spark://host:7077", RealTimeSlots.master("spark://host:7077", 3));
        assertEquals("local[" + 64 + "]", RealTimeSlots.master("local[*]", 64));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "--trigger                 | 5      | --trigger must be 0, a duration",
        "--trigger                 | 1h     | --trigger must be 0, a duration",
        "--trigger                 | -5s    | --trigger must be 0, a duration",
        "--trigger                 | 1.5s   | --trigger must be 0, a duration",
        "--trigger                 | realtime:1 | --trigger must be 0, a duration",
        "--trigger                 | realtime:4s | --trigger realtime:DURATION needs at least 5s",
        "--trigger                 | rtm    | --trigger must be 0, a duration",
        "--gold                    | 1      | --gold must be true or false",
        "--ui-port                 | 0      | --ui-port must be between 1 and 65535",
        "--ui-port                 | http   | --ui-port must be an integer",
        "--shuffle-partitions      | 0      | --shuffle-partitions must be between 1",
        "--max-offsets-per-trigger | 0      | --max-offsets-per-trigger must be between 1",
        "--buffer-timeout-ms       | 100    | unknown flag: --buffer-timeout-ms",
    })
    void names_the_flag_with_a_bad_value(String flag, String value, String messageStart) {
        String message = assertThrows(UsageException.class, () -> parse(flag, value)).getMessage();
        assertTrue(message.startsWith(messageStart), message);
    }

    @Test
    void refuses_gold_in_real_time_mode() {
        String message = assertThrows(UsageException.class, () -> parse("--trigger", "realtime", "--gold", "true"))
                .getMessage();
        assertTrue(message.startsWith("--gold true cannot run with --trigger realtime"), message);
    }

    @Test
    void usage_lists_every_flag() {
        for (String flag : List.of("--bootstrap", "--trigger", "--ui-port", "--master", "--shuffle-partitions",
                "--max-offsets-per-trigger", "--state-dir", "--jdbc-password-file", "--gold", "--watermark-delay-ms")) {
            assertTrue(SparkArgs.USAGE.contains(flag), flag);
        }
    }

    @Test
    void checkpoints_under_the_state_dir() throws Exception {
        SparkArgs args = parse();
        assertEquals(tmp.toAbsolutePath().resolve("checkpoints/spark"), SparkJob.checkpointDir(args));
        assertEquals(tmp.toAbsolutePath().resolve("checkpoints/spark-gold-by-run-hourly"),
                SparkJob.goldCheckpointDir(args, GoldWindow.HOURLY));
    }

    @Test
    void writes_idempotent_micro_batches_under_exactly_once_and_keeps_rocksdb_state_apart() throws Exception {
        SparkArgs args = parse("--delivery", "exactly-once", "--state-backend", "rocksdb");
        assertEquals(Delivery.EXACTLY_ONCE, args.common().delivery());
        assertEquals(StateBackend.ROCKSDB, args.stateBackend());
        assertTrue(SparkJob.stateStoreProvider(args.stateBackend()).endsWith(".RocksDBStateStoreProvider"));
        assertEquals(tmp.toAbsolutePath().resolve("checkpoints/spark-gold-by-run-10min-rocksdb"),
                SparkJob.goldCheckpointDir(args, GoldWindow.TEN_MINUTES));
        SparkArgs heap = parse();
        assertEquals(Delivery.AT_LEAST_ONCE, heap.common().delivery());
        assertTrue(SparkJob.stateStoreProvider(heap.stateBackend()).endsWith(".HDFSBackedStateStoreProvider"));
        assertEquals(tmp.toAbsolutePath().resolve("checkpoints/spark-gold-by-run-10min"),
                SparkJob.goldCheckpointDir(heap, GoldWindow.TEN_MINUTES));
    }

    @Test
    void refuses_exactly_once_in_real_time_mode_naming_both_flags() {
        String message = assertThrows(UsageException.class,
                () -> parse("--delivery", "exactly-once", "--trigger", "realtime")).getMessage();
        assertTrue(message.startsWith("--delivery exactly-once cannot run with --trigger realtime"), message);
    }
}
