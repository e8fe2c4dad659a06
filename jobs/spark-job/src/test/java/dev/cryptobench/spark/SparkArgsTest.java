package dev.cryptobench.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
        assertEquals(5_000, args.triggerMs());
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
        assertEquals(0, args.triggerMs());
        assertEquals(4040, args.uiPort());
        assertEquals("local[2]", args.master());
        assertEquals(2, args.shufflePartitions());
        assertEquals(OptionalLong.empty(), args.maxOffsetsPerTrigger());
    }

    @ParameterizedTest
    @CsvSource({"0, 0", "0ms, 0", "500ms, 500", "5s, 5000", "1m, 60000", "15S, 15000"})
    void reads_trigger_intervals(String value, long expectedMs) throws Exception {
        assertEquals(expectedMs, SparkArgs.parseTriggerMs(value));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "--trigger                 | 5      | --trigger must be 0 or a duration",
        "--trigger                 | 1h     | --trigger must be 0 or a duration",
        "--trigger                 | -5s    | --trigger must be 0 or a duration",
        "--trigger                 | 1.5s   | --trigger must be 0 or a duration",
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
    void usage_lists_every_flag() {
        for (String flag : List.of("--bootstrap", "--trigger", "--ui-port", "--master", "--shuffle-partitions",
                "--max-offsets-per-trigger", "--state-dir", "--jdbc-password-file")) {
            assertTrue(SparkArgs.USAGE.contains(flag), flag);
        }
    }

    @Test
    void checkpoints_under_the_state_dir() throws Exception {
        assertEquals(tmp.toAbsolutePath().resolve("checkpoints/spark"), SparkJob.checkpointDir(parse()));
    }
}
