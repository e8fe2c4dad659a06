package dev.cryptobench.flink;

import dev.cryptobench.common.CommonArgs;
import dev.cryptobench.common.Flags;
import dev.cryptobench.common.GoldArgs;
import dev.cryptobench.common.SinkStatements;
import dev.cryptobench.common.StateBackend;
import dev.cryptobench.common.UsageException;
import java.util.ArrayList;
import java.util.List;

/**
 * Options of the Flink job.
 *
 * @param common               Kafka, PostgreSQL and state directory
 * @param bufferTimeoutMs      network buffer timeout; 0 flushes after every record
 * @param batchSize            rows per JDBC batch
 * @param batchIntervalMs      longest a row waits in a JDBC batch that is not full; 0 waits until it is
 *                             full or a checkpoint flushes it
 * @param checkpointIntervalMs checkpoint interval; Kafka offsets are committed on each checkpoint
 * @param parallelism          job parallelism (and task slots of the MiniCluster)
 * @param uiPort               port of the Flink web UI and REST API
 * @param cluster              run on the cluster that runs {@code main()} (a session cluster's JobManager, on a
 *                             submission through its REST API) instead of a local MiniCluster
 * @param gold                 whether to compute the gold tables, and the watermark
 * @param stateBackend         state backend of the gold windows
 */
public record FlinkArgs(
        CommonArgs common,
        long bufferTimeoutMs,
        int batchSize,
        long batchIntervalMs,
        long checkpointIntervalMs,
        int parallelism,
        int uiPort,
        boolean cluster,
        GoldArgs gold,
        StateBackend stateBackend) {

    static final String ENGINE = "flink";

    /** Usage text printed with any argument error. */
    public static final String USAGE = String.join("\n",
            "usage: java ... dev.cryptobench.flink.FlinkJob [flags]",
            CommonArgs.usage(ENGINE),
            "  --buffer-timeout-ms MS        network buffer timeout, 0 = flush every record (default 100)",
            "  --batch-size N                rows per JDBC batch (default 1000)",
            "  --batch-interval-ms MS        flush a JDBC batch that is not full after MS, 0 = never (default 200)",
            "  --checkpoint-interval-ms MS   checkpoint interval, at least 10 (default 10000)",
            "  --parallelism N               job parallelism (default 1)",
            "  --ui-port PORT                Flink web UI / REST port (default 8081)",
            "  --cluster true|false          submit to the cluster running main(), e.g. through a JobManager's",
            "                                REST API, instead of starting a MiniCluster (default false)",
            GoldArgs.usage(ENGINE),
            StateBackend.usage(),
            "  exactly-once delivery: exactly-once checkpoints, and the raw rows through the JDBC connector's XA",
            "                                sink, committed when their checkpoint completes (PostgreSQL needs",
            "                                max_prepared_transactions > 0)");

    private static final List<String> FLAGS = flags();

    /** Parses the command line; throws a {@link UsageException} naming the bad flag. */
    public static FlinkArgs fromArgs(String[] args) throws UsageException {
        Flags flags = Flags.parse(args, FLAGS);
        return new FlinkArgs(
                CommonArgs.from(flags, ENGINE),
                flags.integer("--buffer-timeout-ms", 100, 0, Integer.MAX_VALUE),
                flags.integer("--batch-size", SinkStatements.DEFAULT_BATCH_SIZE, 1, 1_000_000),
                flags.integer("--batch-interval-ms", 200, 0, Integer.MAX_VALUE),
                flags.integer("--checkpoint-interval-ms", 10_000, 10, Integer.MAX_VALUE),
                flags.integer("--parallelism", 1, 1, 256),
                flags.integer("--ui-port", 8081, 1, 65535),
                flags.bool("--cluster", false),
                GoldArgs.from(flags, ENGINE, true),
                StateBackend.from(flags));
    }

    private static List<String> flags() {
        List<String> all = new ArrayList<>(CommonArgs.FLAGS);
        all.addAll(List.of("--buffer-timeout-ms", "--batch-size", "--batch-interval-ms", "--checkpoint-interval-ms",
                "--parallelism", "--ui-port", "--cluster"));
        all.addAll(GoldArgs.FLAGS);
        all.add(StateBackend.FLAG);
        return List.copyOf(all);
    }
}
