package dev.cryptobench.baseline;

import dev.cryptobench.common.CommonArgs;
import dev.cryptobench.common.Flags;
import dev.cryptobench.common.SinkStatements;
import dev.cryptobench.common.UsageException;
import java.util.ArrayList;
import java.util.List;

/**
 * Options of the baseline job.
 *
 * @param common        Kafka, PostgreSQL and state directory
 * @param batchSize     rows per JDBC batch, also the most records one poll returns
 * @param pollTimeoutMs longest one poll waits for records
 */
public record BaselineArgs(CommonArgs common, int batchSize, int pollTimeoutMs) {

    static final String ENGINE = "baseline";

    /** Usage text printed with any argument error. */
    public static final String USAGE = String.join("\n",
            "usage: java ... dev.cryptobench.baseline.BaselineJob [flags]",
            CommonArgs.usage(ENGINE),
            "  --batch-size N                rows per JDBC batch and per poll (default 1000)",
            "  --poll-timeout-ms MS          longest one poll waits, at least 1 (default 100)");

    private static final List<String> FLAGS = flags();

    /** Parses the command line; throws a {@link UsageException} naming the bad flag. */
    public static BaselineArgs fromArgs(String[] args) throws UsageException {
        Flags flags = Flags.parse(args, FLAGS);
        return new BaselineArgs(
                CommonArgs.from(flags, ENGINE),
                flags.integer("--batch-size", SinkStatements.DEFAULT_BATCH_SIZE, 1, 1_000_000),
                flags.integer("--poll-timeout-ms", 100, 1, 600_000));
    }

    private static List<String> flags() {
        List<String> all = new ArrayList<>(CommonArgs.FLAGS);
        all.addAll(List.of("--batch-size", "--poll-timeout-ms"));
        return List.copyOf(all);
    }
}
