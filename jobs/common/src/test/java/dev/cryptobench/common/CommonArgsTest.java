package dev.cryptobench.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class CommonArgsTest {

    @TempDir
    Path tmp;

    private Path passwordFile;

    @BeforeEach
    void writePassword() throws IOException {
        passwordFile = tmp.resolve("pw");
        Files.writeString(passwordFile, "  s3cret\n");
    }

    private CommonArgs parse(String... extra) throws UsageException {
        List<String> args = new ArrayList<>(List.of(extra));
        if (!args.contains("--jdbc-password-file")) {
            args.addAll(List.of("--jdbc-password-file", passwordFile.toString()));
        }
        if (!args.contains("--state-dir")) {
            args.addAll(List.of("--state-dir", tmp.resolve("state").toString()));
        }
        return CommonArgs.from(Flags.parse(args.toArray(String[]::new), CommonArgs.FLAGS), "spark");
    }

    private String error(String... extra) {
        return assertThrows(UsageException.class, () -> parse(extra)).getMessage();
    }

    @Test
    void reads_every_flag() throws Exception {
        CommonArgs args = parse(
                "--bootstrap", "127.0.0.1:19092,localhost:19093",
                "--topic", "ticks.v1",
                "--group", "g1",
                "--jdbc-url", "jdbc:postgresql://127.0.0.1:15432/db?reWriteBatchedInserts=true",
                "--jdbc-user", "bench",
                "--table", "public.prices_x",
                "--dead-letter-table", "dead_x");
        assertEquals("127.0.0.1:19092,localhost:19093", args.bootstrap());
        assertEquals("ticks.v1", args.topic());
        assertEquals("g1", args.group());
        assertEquals("jdbc:postgresql://127.0.0.1:15432/db?reWriteBatchedInserts=true", args.sink().jdbcUrl());
        assertEquals("bench", args.sink().user());
        assertEquals("s3cret", args.sink().password());
        assertEquals("public.prices_x", args.sink().table());
        assertEquals("dead_x", args.sink().deadLetterTable());
        assertEquals(tmp.resolve("state").toAbsolutePath(), args.stateDir());
    }

    @Test
    void defaults_follow_the_engine_name() throws Exception {
        CommonArgs args = parse();
        assertEquals("127.0.0.1:9092", args.bootstrap());
        assertEquals("crypto_prices", args.topic());
        assertEquals("crypto-bench-spark", args.group());
        assertEquals("cryptobench", args.sink().user());
        assertEquals("crypto_prices_spark", args.sink().table());
        assertEquals("dead_letters_spark", args.sink().deadLetterTable());
    }

    @Test
    void accepts_the_equals_form() throws Exception {
        assertEquals("t", parse("--topic=t").topic());
    }

    @Test
    void never_shows_the_password_in_toString() throws Exception {
        String text = parse().sink().toString();
        assertTrue(!text.contains("s3cret"), text);
    }

    @Test
    void takes_the_password_itself_for_a_job_on_a_cluster_and_kafka_properties_as_base64() throws Exception {
        String properties = java.util.Base64.getEncoder().encodeToString(
                "security.protocol=SASL_PLAINTEXT\nsasl.jaas.config=x required username\\=\"u\";".getBytes());
        String[] args = {"--state-dir", tmp.toString(), "--jdbc-password", "p", "--kafka-properties", properties};
        CommonArgs parsed = CommonArgs.from(Flags.parse(args, CommonArgs.FLAGS), "flink");
        assertEquals("SASL_PLAINTEXT", parsed.kafkaProperties().get("security.protocol"));
        assertEquals("x required username=\"u\";", parsed.kafkaProperties().get("sasl.jaas.config"));
        String[] bootstrap = {"--state-dir", tmp.toString(), "--jdbc-password", "p", "--kafka-properties",
                java.util.Base64.getEncoder().encodeToString("bootstrap.servers=h:1".getBytes())};
        assertThrows(UsageException.class, () -> CommonArgs.from(Flags.parse(bootstrap, CommonArgs.FLAGS), "flink"));
    }

    @Test
    void requires_one_password_and_the_state_dir() {
        String[] noPassword = {"--state-dir", tmp.toString()};
        assertEquals("give exactly one of --jdbc-password-file and --jdbc-password", assertThrows(UsageException.class,
                () -> CommonArgs.from(Flags.parse(noPassword, CommonArgs.FLAGS), "spark")).getMessage());
        String[] noState = {"--jdbc-password-file", passwordFile.toString()};
        assertEquals("--state-dir is required", assertThrows(UsageException.class,
                () -> CommonArgs.from(Flags.parse(noState, CommonArgs.FLAGS), "spark")).getMessage());
    }

    @Test
    void names_a_password_file_that_does_not_exist() {
        String missing = tmp.resolve("nope").toString();
        assertEquals("--jdbc-password-file: no such file: " + missing, error("--jdbc-password-file", missing));
    }

    @Test
    void rejects_a_state_dir_that_is_a_file() {
        assertTrue(error("--state-dir", passwordFile.toString()).startsWith("--state-dir is not a directory"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "--bootstrap         | 127.0.0.1      | --bootstrap must be HOST:PORT",
        "--bootstrap         | host:0         | --bootstrap must be HOST:PORT",
        "--bootstrap         | host:99999     | --bootstrap must be HOST:PORT",
        "--bootstrap         | a:1,           | --bootstrap must be HOST:PORT",
        "--topic             | bad topic      | --topic must be",
        "--jdbc-url          | jdbc:mysql://x | --jdbc-url must start with jdbc:postgresql:",
        "--table             | prices;drop    | --table must be a plain SQL identifier",
        "--table             | 1prices        | --table must be a plain SQL identifier",
        "--dead-letter-table | a.b.c          | --dead-letter-table must be a plain SQL identifier",
        "--jdbc-user         | '   '          | --jdbc-user must not be empty",
    })
    void names_the_flag_with_a_bad_value(String flag, String value, String messageStart) {
        String message = error(flag, value);
        assertTrue(message.startsWith(messageStart), message);
    }
}
