package dev.cryptobench.baseline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cryptobench.common.Delivery;
import dev.cryptobench.common.UsageException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class BaselineArgsTest {

    @TempDir
    Path tmp;

    private BaselineArgs parse(String... extra) throws Exception {
        Path password = Files.writeString(tmp.resolve("pw"), "pw");
        List<String> args = new ArrayList<>(List.of(
                "--jdbc-password-file", password.toString(), "--state-dir", tmp.toString()));
        args.addAll(List.of(extra));
        return BaselineArgs.fromArgs(args.toArray(String[]::new));
    }

    @Test
    void reads_every_baseline_flag() throws Exception {
        BaselineArgs args = parse("--batch-size", "500", "--poll-timeout-ms", "50", "--group", "g");
        assertEquals(500, args.batchSize());
        assertEquals(50, args.pollTimeoutMs());
        assertEquals("g", args.common().group());
    }

    @Test
    void has_defaults_named_after_the_engine() throws Exception {
        BaselineArgs args = parse();
        assertEquals(1000, args.batchSize());
        assertEquals(100, args.pollTimeoutMs());
        assertEquals(1, args.threads());
        assertEquals("crypto_prices_baseline", args.common().sink().table());
        assertEquals("dead_letters_baseline", args.common().sink().deadLetterTable());
        assertEquals("crypto-bench-baseline", args.common().group());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "--batch-size      | 0    | --batch-size must be between 1",
        "--batch-size      | many | --batch-size must be an integer",
        "--poll-timeout-ms | 0    | --poll-timeout-ms must be between 1",
        "--threads         | 0    | --threads must be between 1",
        "--threads         | 257  | --threads must be between 1",
        "--threads         | two  | --threads must be an integer",
        "--trigger         | 5s   | unknown flag: --trigger",
        "--delivery        | once | --delivery must be at-least-once or exactly-once",
        "--state-backend   | rocksdb | unknown flag: --state-backend",
    })
    void names_the_flag_with_a_bad_value(String flag, String value, String messageStart) {
        String message = assertThrows(UsageException.class, () -> parse(flag, value)).getMessage();
        assertTrue(message.startsWith(messageStart), message);
    }

    @Test
    void consumes_as_its_group_from_the_earliest_offset_and_commits_by_hand() throws Exception {
        Properties props =
                BaselineJob.consumerProperties(parse("--bootstrap", "127.0.0.1:19092", "--batch-size", "250"), 0);
        assertEquals("127.0.0.1:19092", props.get(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG));
        assertEquals("crypto-bench-baseline", props.get(ConsumerConfig.GROUP_ID_CONFIG));
        assertEquals("earliest", props.get(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG));
        assertEquals("false", props.get(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG));
        assertEquals("250", props.get(ConsumerConfig.MAX_POLL_RECORDS_CONFIG));
    }

    @Test
    void stores_its_offsets_with_its_rows_only_under_exactly_once() throws Exception {
        assertEquals(Delivery.AT_LEAST_ONCE, parse().common().delivery());
        assertEquals(Delivery.EXACTLY_ONCE, parse("--delivery", "exactly-once").common().delivery());
    }

    @Test
    void asks_the_broker_to_answer_a_fetch_as_soon_as_one_record_is_there() throws Exception {
        Properties props = BaselineJob.consumerProperties(parse(), 0);
        assertEquals("1", props.get(ConsumerConfig.FETCH_MIN_BYTES_CONFIG));
        assertEquals(String.valueOf(BaselineJob.FETCH_MAX_WAIT_MS), props.get(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG));
    }

    @Test
    void reads_the_number_of_consumer_threads() throws Exception {
        assertEquals(4, parse("--threads", "4").threads());
    }

    @Test
    void gives_every_consumer_thread_the_one_group_and_its_own_client_id() throws Exception {
        BaselineArgs args = parse("--threads", "3");
        List<Object> groups = new ArrayList<>();
        List<Object> clients = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Properties props = BaselineJob.consumerProperties(args, i);
            groups.add(props.get(ConsumerConfig.GROUP_ID_CONFIG));
            clients.add(props.get(ConsumerConfig.CLIENT_ID_CONFIG));
        }
        assertEquals(List.of("crypto-bench-baseline", "crypto-bench-baseline", "crypto-bench-baseline"), groups);
        assertEquals(List.of("crypto-bench-baseline", "crypto-bench-baseline-1", "crypto-bench-baseline-2"), clients);
    }
}
