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
 * @param threads       consumer threads, each with its own KafkaConsumer (one group) and its own connection
 */
public record BaselineArgs(CommonArgs common, int batchSize, int pollTimeoutMs, int threads) {

    /** Most consumer threads one job runs (the CLI's parallelism bound). */
    static final int MAX_THREADS = 256;

    static final String ENGINE = "baseline";

    /** Usage text printed with any argument error. */
    public static final String USAGE = String.join("\n",
            "usage: java ... dev.cryptobench.baseline.BaselineJob [flags]",
            CommonArgs.usage(ENGINE),
            "  --batch-size N                rows per JDBC batch and per poll (default 1000)",
            "  --poll-timeout-ms MS          longest one poll waits, at least 1 (default 100)",
            "  --threads N                   consumer threads in the one consumer group, each with its own",
            "                                connection; more than the topic's partitions leaves some idle (default 1)");

    private static final List<String> FLAGS = flags();

    /** Parses the command line; throws a {@link UsageException} naming the bad flag. */
    public static BaselineArgs fromArgs(String[] args) throws UsageException {
        Flags flags = Flags.parse(args, FLAGS);
        return new BaselineArgs(
                CommonArgs.from(flags, ENGINE),
                flags.integer("--batch-size", SinkStatements.DEFAULT_BATCH_SIZE, 1, 1_000_000),
                flags.integer("--poll-timeout-ms", 100, 1, 600_000),
                flags.integer("--threads", 1, 1, MAX_THREADS));
    }

    private static List<String> flags() {
        List<String> all = new ArrayList<>(CommonArgs.FLAGS);
        all.addAll(List.of("--batch-size", "--poll-timeout-ms", "--threads"));
        return List.copyOf(all);
    }
}
