package dev.cryptobench.baseline;

import dev.cryptobench.common.Cli;
import dev.cryptobench.common.CommonArgs;
import dev.cryptobench.common.Flags;
import dev.cryptobench.common.JdbcBatchWriter;
import dev.cryptobench.common.KafkaMessage;
import dev.cryptobench.common.SinkConfig;
import dev.cryptobench.common.UsageException;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The PostgreSQL half of the floor (docs/floor.md): times {@code --count} single-row writes, each exactly what
 * the baseline does for a poll that returned one record (parse, bind with engine_ts, the sink's INSERT … ON
 * CONFLICT DO NOTHING, commit), one after the other on one connection, as Kafka's {@code EndToEndLatency} times
 * one record at a time. Prints one JSON line of percentiles in microseconds.
 */
public final class CommitLatency {

    static final String USAGE = String.join("\n",
            "usage: java ... dev.cryptobench.baseline.CommitLatency [flags]",
            CommonArgs.usage(BaselineArgs.ENGINE),
            "  --count N                     timed writes (default 5000)",
            "  --warmup N                    untimed writes first (default 500)",
            "  --explicit-transaction B      true: BEGIN … COMMIT as two round trips, false: autocommit as the",
            "                                baseline writes (default false)");

    private CommitLatency() {}

    /** Options: the sink, how many writes, and the transaction mode. */
    record Options(SinkConfig sink, String runId, int count, int warmup, boolean explicitTransaction) {

        static Options fromArgs(String[] args) throws UsageException {
            List<String> known = new ArrayList<>(CommonArgs.FLAGS);
            known.addAll(List.of("--count", "--warmup", "--explicit-transaction"));
            Flags flags = Flags.parse(args, known);
            return new Options(CommonArgs.from(flags, BaselineArgs.ENGINE).sink(),
                    "floor-" + System.currentTimeMillis(),
                    flags.integer("--count", 5000, 1, 10_000_000),
                    flags.integer("--warmup", 500, 0, 10_000_000),
                    flags.bool("--explicit-transaction", false));
        }
    }

    public static void main(String[] args) throws SQLException {
        Options options = Cli.parseOrExit(args, Options::fromArgs, USAGE);
        long[] latenciesUs = measure(options);
        System.out.println(summary(options, latenciesUs));
    }

    static long[] measure(Options options) throws SQLException {
        long[] latenciesUs = new long[options.count()];
        try (JdbcBatchWriter writer = options.explicitTransaction()
                ? JdbcBatchWriter.open(options.sink(), 1)
                : JdbcBatchWriter.openAutoCommit(options.sink(), 1)) {
            for (int i = 0; i < options.warmup() + options.count(); i++) {
                KafkaMessage message = message(options.runId(), i);
                long start = System.nanoTime();
                writer.write(message);
                writer.commit();
                long tookUs = (System.nanoTime() - start) / 1000;
                if (i >= options.warmup()) {
                    latenciesUs[i - options.warmup()] = tookUs;
                }
            }
        }
        return latenciesUs;
    }

    /** A valid event of the contract with sequence number {@code seq}, stamped now. */
    static KafkaMessage message(String runId, long seq) {
        long nowUs = System.currentTimeMillis() * 1000;
        String json = "{\"v\":1,\"run_id\":\"" + runId + "\",\"seq\":" + seq + ",\"symbol\":\"BTC-USD\","
                + "\"price\":\"60012.34\",\"size\":\"0.00345678\",\"event_time\":" + nowUs + ",\"intended_at\":"
                + nowUs + ",\"produced_at\":" + nowUs + "}";
        return KafkaMessage.ofMillis(json.getBytes(StandardCharsets.UTF_8), 0, seq, nowUs / 1000);
    }

    /** Nearest-rank percentiles, mean and max of {@code latenciesUs}, as one JSON object. */
    static String summary(Options options, long[] latenciesUs) {
        long[] sorted = latenciesUs.clone();
        Arrays.sort(sorted);
        double mean = Arrays.stream(sorted).average().orElse(0);
        return String.format(java.util.Locale.ROOT,
                "{\"count\":%d,\"explicitTransaction\":%b,\"p50Us\":%d,\"p99Us\":%d,\"p999Us\":%d,"
                        + "\"meanUs\":%.1f,\"maxUs\":%d}",
                sorted.length, options.explicitTransaction(), rank(sorted, 0.50), rank(sorted, 0.99),
                rank(sorted, 0.999), mean, sorted[sorted.length - 1]);
    }

    /** Nearest-rank percentile: the smallest value with at least {@code q} of the values at or below it. */
    static long rank(long[] sorted, double q) {
        int index = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }
}
