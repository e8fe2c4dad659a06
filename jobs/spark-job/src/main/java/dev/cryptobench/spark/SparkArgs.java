package dev.cryptobench.spark;

import dev.cryptobench.common.CommonArgs;
import dev.cryptobench.common.Flags;
import dev.cryptobench.common.UsageException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Options of the Spark job.
 *
 * @param common               Kafka, PostgreSQL and state directory
 * @param triggerMs            micro-batch interval; 0 starts the next batch as soon as the last one ends
 * @param uiPort               Spark UI port
 * @param master               Spark master, e.g. {@code local[2]}
 * @param shufflePartitions    {@code spark.sql.shuffle.partitions}
 * @param maxOffsetsPerTrigger cap on records per micro-batch, if any
 */
public record SparkArgs(
        CommonArgs common,
        long triggerMs,
        int uiPort,
        String master,
        int shufflePartitions,
        OptionalLong maxOffsetsPerTrigger) {

    static final String ENGINE = "spark";

    /** Usage text printed with any argument error. */
    public static final String USAGE = String.join("\n",
            "usage: java ... dev.cryptobench.spark.SparkJob [flags]",
            CommonArgs.usage(ENGINE),
            "  --trigger 0|500ms|5s|1m       micro-batch interval, 0 = as fast as possible (default 0)",
            "  --ui-port PORT                Spark UI port (default 4040)",
            "  --master MASTER               Spark master (default local[2])",
            "  --shuffle-partitions N        spark.sql.shuffle.partitions (default 2)",
            "  --max-offsets-per-trigger N   cap on records per micro-batch (default: no cap)");

    private static final List<String> FLAGS = flags();
    private static final Pattern DURATION = Pattern.compile("(\\d{1,9})(ms|s|m)");

    /** Parses the command line; throws a {@link UsageException} naming the bad flag. */
    public static SparkArgs fromArgs(String[] args) throws UsageException {
        Flags flags = Flags.parse(args, FLAGS);
        return new SparkArgs(
                CommonArgs.from(flags, ENGINE),
                parseTriggerMs(flags.string("--trigger", "0")),
                flags.integer("--ui-port", 4040, 1, 65535),
                flags.string("--master", "local[2]"),
                flags.integer("--shuffle-partitions", 2, 1, 10_000),
                flags.optionalLong("--max-offsets-per-trigger", 1, Long.MAX_VALUE));
    }

    /** {@code 0}, or a whole number of ms, s or m, in milliseconds. */
    static long parseTriggerMs(String value) throws UsageException {
        if (value.equals("0")) {
            return 0;
        }
        Matcher m = DURATION.matcher(value.toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new UsageException("--trigger must be 0 or a duration like 500ms, 5s or 1m, got '" + value + "'");
        }
        long amount = Long.parseLong(m.group(1));
        switch (m.group(2)) {
            case "ms":
                return amount;
            case "s":
                return amount * 1_000;
            default:
                return amount * 60_000;
        }
    }

    private static List<String> flags() {
        List<String> all = new ArrayList<>(CommonArgs.FLAGS);
        all.addAll(List.of("--trigger", "--ui-port", "--master", "--shuffle-partitions", "--max-offsets-per-trigger"));
        return List.copyOf(all);
    }
}
