package dev.cryptobench.common;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The flags every job takes: where to read (Kafka), where to write (PostgreSQL) and where to keep state.
 * Defaults follow the engine name, e.g. table {@code crypto_prices_spark}.
 *
 * @param bootstrap Kafka bootstrap servers, {@code host:port[,host:port...]}
 * @param topic     topic to consume
 * @param group     consumer group id
 * @param sink      PostgreSQL connection and tables
 * @param stateDir  directory for checkpoints and engine scratch files
 * @param delivery  delivery guarantee
 * @param kafkaProperties Kafka client properties (SASL, TLS, timeouts) every Kafka client of the job gets
 */
public record CommonArgs(String bootstrap, String topic, String group, SinkConfig sink, Path stateDir,
        Delivery delivery, Map<String, String> kafkaProperties) {

    /** Every common flag, for {@link Flags#parse}. */
    public static final List<String> FLAGS = List.of(
            "--bootstrap", "--topic", "--group", "--jdbc-url", "--jdbc-user", "--jdbc-password-file",
            "--jdbc-password", "--table", "--dead-letter-table", "--state-dir", Delivery.FLAG, "--kafka-properties");

    private static final Pattern TOPIC = Pattern.compile("[A-Za-z0-9._-]{1,249}");
    private static final String IDENTIFIER = "[A-Za-z_][A-Za-z0-9_]{0,62}";
    private static final Pattern TABLE = Pattern.compile("(" + IDENTIFIER + "\\.)?" + IDENTIFIER);

    /** Reads the common flags; {@code engine} (spark, flink, baseline) picks the defaults. */
    public static CommonArgs from(Flags flags, String engine) throws UsageException {
        String bootstrap = bootstrap(flags.string("--bootstrap", "127.0.0.1:9092"));
        String topic = flags.string("--topic", "crypto_prices");
        if (!TOPIC.matcher(topic).matches()) {
            throw new UsageException("--topic must be 1-249 characters of [A-Za-z0-9._-], got '" + topic + "'");
        }
        String group = flags.string("--group", "crypto-bench-" + engine);
        String jdbcUrl = flags.string("--jdbc-url", "jdbc:postgresql://127.0.0.1:5432/cryptobench");
        if (!jdbcUrl.startsWith("jdbc:postgresql:")) {
            throw new UsageException("--jdbc-url must start with jdbc:postgresql:, got '" + jdbcUrl + "'");
        }
        String user = flags.string("--jdbc-user", "cryptobench");
        String password = password(flags);
        String table = table(flags, "--table", "crypto_prices_" + engine);
        String deadLetterTable = table(flags, "--dead-letter-table", "dead_letters_" + engine);
        Path stateDir = Path.of(flags.required("--state-dir")).toAbsolutePath().normalize();
        if (Files.exists(stateDir) && !Files.isDirectory(stateDir)) {
            throw new UsageException("--state-dir is not a directory: " + stateDir);
        }
        SinkConfig sink = new SinkConfig(jdbcUrl, user, password, table, deadLetterTable);
        return new CommonArgs(bootstrap, topic, group, sink, stateDir, Delivery.from(flags),
                kafkaProperties(flags.string("--kafka-properties", "")));
    }

    /** Usage lines for the common flags. */
    public static String usage(String engine) {
        return String.join("\n",
                "  --bootstrap HOST:PORT[,...]   Kafka bootstrap servers (default 127.0.0.1:9092)",
                "  --topic NAME                  topic to consume (default crypto_prices)",
                "  --group ID                    consumer group (default crypto-bench-" + engine + ")",
                "  --jdbc-url URL                jdbc:postgresql://HOST:PORT/DB[?...]",
                "                                (default jdbc:postgresql://127.0.0.1:5432/cryptobench)",
                "  --jdbc-user NAME              database user (default cryptobench)",
                "  --jdbc-password-file FILE     file holding the database password",
                "  --jdbc-password VALUE         the password itself (one of the two is required; a job on",
                "                                a remote cluster cannot read the CLI's files)",
                "  --table NAME                  raw table (default crypto_prices_" + engine + ")",
                "  --dead-letter-table NAME      dead-letter table (default dead_letters_" + engine + ")",
                "  --state-dir DIR               checkpoints and scratch files go under DIR (required)",
                "  --kafka-properties BASE64     Kafka client properties (a Java properties text, base64)",
                Delivery.usage());
    }

    private static String bootstrap(String value) throws UsageException {
        for (String server : value.split(",", -1)) {
            int colon = server.lastIndexOf(':');
            boolean valid = colon > 0 && colon < server.length() - 1;
            if (valid) {
                try {
                    int port = Integer.parseInt(server.substring(colon + 1));
                    valid = port >= 1 && port <= 65535;
                } catch (NumberFormatException e) {
                    valid = false;
                }
            }
            if (!valid) {
                throw new UsageException("--bootstrap must be HOST:PORT[,HOST:PORT...], got '" + value + "'");
            }
        }
        return value;
    }

    private static String table(Flags flags, String flag, String defaultName) throws UsageException {
        String name = flags.string(flag, defaultName);
        if (!TABLE.matcher(name).matches()) {
            throw new UsageException(flag + " must be a plain SQL identifier, optionally schema-qualified, got '"
                    + name + "'");
        }
        return name;
    }

    /** The password: given itself, or read from a file; exactly one of the two. */
    private static String password(Flags flags) throws UsageException {
        String inline = flags.string("--jdbc-password", null);
        String file = flags.string("--jdbc-password-file", null);
        if ((inline == null) == (file == null)) {
            throw new UsageException("give exactly one of --jdbc-password-file and --jdbc-password");
        }
        return inline != null ? inline : password(Path.of(file));
    }

    /** Kafka client properties from a base64 Java properties text; {@code bootstrap.servers} belongs in --bootstrap. */
    static Map<String, String> kafkaProperties(String base64) throws UsageException {
        if (base64.isEmpty()) {
            return Map.of();
        }
        Properties properties = new Properties();
        try {
            properties.load(new StringReader(new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8)));
        } catch (IllegalArgumentException | IOException e) {
            throw new UsageException("--kafka-properties must be a base64 Java properties text: " + e.getMessage());
        }
        if (properties.containsKey("bootstrap.servers")) {
            throw new UsageException("--kafka-properties must not set bootstrap.servers: pass --bootstrap");
        }
        Map<String, String> map = new TreeMap<>();
        properties.stringPropertyNames().forEach(key -> map.put(key, properties.getProperty(key)));
        return Map.copyOf(map);
    }

    private static String password(Path file) throws UsageException {
        try {
            return Files.readString(file).trim();
        } catch (NoSuchFileException e) {
            throw new UsageException("--jdbc-password-file: no such file: " + file);
        } catch (IOException e) {
            throw new UsageException("--jdbc-password-file: cannot read " + file + ": " + e.getMessage());
        }
    }
}
