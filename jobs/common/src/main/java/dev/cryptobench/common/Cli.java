package dev.cryptobench.common;

import java.util.Arrays;
import java.util.List;
import org.slf4j.Logger;

/** What every job's {@code main} does first: parse its arguments and check its sink, or exit with a clear message. */
public final class Cli {

    /** Exit code for a bad command line. */
    public static final int EXIT_USAGE = 2;
    /** Exit code for a configuration the job cannot run with (database credentials, missing table). */
    public static final int EXIT_CONFIG = 3;

    /** How long a starting job waits for PostgreSQL to accept connections. */
    private static final long DATABASE_WAIT_MS = 60_000;

    private Cli() {}

    /** Parses a job's arguments into its options object. */
    @FunctionalInterface
    public interface ArgsParser<T> {
        T parse(String[] args) throws UsageException;
    }

    /**
     * Parses {@code args}, or prints the error and {@code usage} to stderr and exits 2. {@code --help}
     * prints the usage to stdout and exits 0.
     */
    public static <T> T parseOrExit(String[] args, ArgsParser<T> parser, String usage) {
        if (Arrays.asList(args).contains("--help")) {
            System.out.println(usage);
            System.exit(0);
        }
        try {
            return parser.parse(args);
        } catch (UsageException e) {
            System.err.println("error: " + e.getMessage());
            System.err.println(usage);
            System.exit(EXIT_USAGE);
            throw new IllegalStateException("unreachable");
        }
    }

    /** Checks the sink with {@link SinkPreflight}, or logs why it cannot be used and exits 3. */
    public static void checkSinkOrExit(SinkConfig sink, Logger log) {
        checkSinkOrExit(sink, List.of(), log);
    }

    /** Like {@link #checkSinkOrExit(SinkConfig, Logger)}, checking {@code more} statements as well. */
    public static void checkSinkOrExit(SinkConfig sink, List<SinkPreflight.Insert> more, Logger log) {
        try {
            SinkPreflight.check(sink, more, DATABASE_WAIT_MS);
        } catch (FatalSinkException e) {
            log.error("crypto-bench: {}", e.getMessage());
            System.exit(EXIT_CONFIG);
        }
    }
}
