package dev.cryptobench.spark;

import dev.cryptobench.common.CommonArgs;
import dev.cryptobench.common.Delivery;
import dev.cryptobench.common.Flags;
import dev.cryptobench.common.GoldArgs;
import dev.cryptobench.common.StateBackend;
import dev.cryptobench.common.UsageException;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * Options of the Spark job.
 *
 * @param common               Kafka, PostgreSQL and state directory
 * @param trigger              micro-batch interval, or Real-Time Mode
 * @param uiPort               Spark UI port
 * @param master               Spark master, e.g. {@code local[2]}
 * @param shufflePartitions    {@code spark.sql.shuffle.partitions}
 * @param maxOffsetsPerTrigger cap on records per micro-batch, if any
 * @param gold                 whether to run the gold queries, and their watermark
 * @param stateBackend         state store provider of the gold queries
 * @param driverHost           address the executors reach the driver at (127.0.0.1 unless on a cluster)
 */
public record SparkArgs(
        CommonArgs common,
        SparkTrigger trigger,
        int uiPort,
        String master,
        int shufflePartitions,
        OptionalLong maxOffsetsPerTrigger,
        GoldArgs gold,
        StateBackend stateBackend,
        String driverHost) {

    static final String ENGINE = "spark";

    /** Usage text printed with any argument error. */
    public static final String USAGE = String.join("\n",
            "usage: java ... dev.cryptobench.spark.SparkJob [flags]",
            CommonArgs.usage(ENGINE),
            "  --trigger 0|500ms|5s|1m       micro-batch interval, 0 = as fast as possible (default 0)",
            "  --trigger realtime[:DURATION] Real-Time Mode, checkpointing every DURATION (at least 5s, default 5m);",
            "                                gold is off in this mode",
            "  --ui-port PORT                Spark UI port (default 4040)",
            "  --master MASTER               Spark master (default local[2])",
            "  --shuffle-partitions N        spark.sql.shuffle.partitions (default 2)",
            "  --max-offsets-per-trigger N   cap on records per micro-batch (default: no cap)",
            "  --driver-host HOST            address executors reach the driver at (default 127.0.0.1)",
            GoldArgs.usage(ENGINE),
            StateBackend.usage() + " (Spark's state store provider)",
            "  exactly-once delivery: each micro-batch partition commits with a (query, batch, partition) marker;",
            "                                not with --trigger realtime");

    private static final List<String> FLAGS = flags();

    /** Parses the command line; throws a {@link UsageException} naming the bad flag. */
    public static SparkArgs fromArgs(String[] args) throws UsageException {
        Flags flags = Flags.parse(args, FLAGS);
        SparkTrigger trigger = SparkTrigger.parse(flags.string("--trigger", "0"));
        // Real-Time Mode in Spark 4.2 runs stateless queries only (4.3 adds state), and holds every task slot: no gold there.
        GoldArgs gold = GoldArgs.from(flags, ENGINE, !trigger.realTime());
        if (trigger.realTime() && gold.enabled()) {
            throw new UsageException("--gold true cannot run with --trigger realtime: Real-Time Mode in Spark 4.2"
                    + " supports no aggregations");
        }
        CommonArgs common = CommonArgs.from(flags, ENGINE);
        if (trigger.realTime() && common.delivery() == Delivery.EXACTLY_ONCE) {
            throw new UsageException("--delivery exactly-once cannot run with --trigger realtime: Real-Time Mode"
                    + " writes rows one at a time, with no batch id to make a replay idempotent");
        }
        return new SparkArgs(
                common,
                trigger,
                flags.integer("--ui-port", 4040, 1, 65535),
                flags.string("--master", "local[2]"),
                flags.integer("--shuffle-partitions", 2, 1, 10_000),
                flags.optionalLong("--max-offsets-per-trigger", 1, Long.MAX_VALUE),
                gold,
                StateBackend.from(flags),
                flags.string("--driver-host", "127.0.0.1"));
    }

    private static List<String> flags() {
        List<String> all = new ArrayList<>(CommonArgs.FLAGS);
        all.addAll(List.of("--trigger", "--ui-port", "--master", "--shuffle-partitions", "--max-offsets-per-trigger",
                "--driver-host"));
        all.addAll(GoldArgs.FLAGS);
        all.add(StateBackend.FLAG);
        return List.copyOf(all);
    }
}
