package dev.cryptobench.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.cryptobench.common.GoldRow;
import dev.cryptobench.common.GoldWindow;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.Trigger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs both gold queries as streaming queries on a local session, from a text-file source standing in for
 * Kafka: two files, one micro-batch each, so the second batch sees the watermark the first one set.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class SparkGoldTest {

    private static final long MINUTE_US = 60_000_000L;
    /** 2023-11-14T22:10:00Z, the start of a 10-minute window (and 10 minutes into an hour). */
    private static final long T0 = 1_699_999_800_000_000L;

    /** Every row each query's sink received, in order, by window size. */
    private static final Map<GoldWindow, List<GoldRow>> WRITTEN = new ConcurrentHashMap<>();

    @TempDir
    static Path tmp;

    private static SparkSession spark;

    private static String event(String runId, long seq, String symbol, String price, String size, long eventTimeUs) {
        return "{\"v\":1,\"run_id\":\"" + runId + "\",\"seq\":" + seq + ",\"symbol\":\"" + symbol + "\",\"price\":\""
                + price + "\",\"size\":" + size + ",\"event_time\":" + eventTimeUs
                + ",\"intended_at\":2,\"produced_at\":3}";
    }

    @BeforeAll
    static void runGoldQueries() throws Exception {
        Path input = Files.createDirectories(tmp.resolve("input"));
        // Batch 1: ETH out of order within [T0, T0+10m), a probe, a malformed record, BTC at T0+12m; the watermark
        // becomes T0+12m-10s. Batch 2: one more BTC trade. Batch 3: an ETH trade at T0+1m, late for its closed
        // 10-minute window and dropped there, counted in the hour that is still open. (Spark drops late input by
        // the watermark of the batch before, so the late trade needs a batch of its own after batch 2.)
        write(input.resolve("1.json"), 1, List.of(
                event("r", 0, "ETH-USD", "3000.10", "0.5", T0 + 2 * MINUTE_US),
                "{broken",
                event("r", 1, "ETH-USD", "2990.00", "1.5", T0 + MINUTE_US),
                event("probe-x", 0, "PROBE", "0", "0", T0 + 3 * MINUTE_US),
                event("r", 2, "ETH-USD", "3010.00", "1", T0 + 9 * MINUTE_US),
                event("r", 3, "BTC-USD", "60000", "0", T0 + 12 * MINUTE_US)));
        write(input.resolve("2.json"), 2, List.of(event("r", 4, "BTC-USD", "60010", "0", T0 + 13 * MINUTE_US),
                // Another run's BTC trade in the same window: a row of its own.
                event("r2", 0, "BTC-USD", "1000", "2", T0 + 14 * MINUTE_US)));
        write(input.resolve("3.json"), 3, List.of(event("r", 5, "ETH-USD", "1", "1", T0 + MINUTE_US)));

        spark = SparkSession.builder()
                .master("local[1]")
                .config("spark.ui.enabled", false)
                .config("spark.sql.shuffle.partitions", 1)
                .config("spark.sql.adaptive.enabled", false)
                .config("spark.local.dir", tmp.resolve("spark-local").toString())
                .getOrCreate();
        for (GoldWindow window : GoldWindow.values()) {
            WRITTEN.put(window, new ArrayList<>());
            Dataset<Row> records = spark.readStream()
                    .option("maxFilesPerTrigger", 1)
                    .text(input.toString())
                    .selectExpr("CAST(value AS BINARY) AS value");
            StreamingQuery query = SparkGold.build(records, window, 10_000, Trigger.AvailableNow(),
                    tmp.resolve("checkpoint-" + window.shortName()), new Collect(window)).start();
            query.awaitTermination();
        }
    }

    private static void write(Path file, long modifiedSecond, List<String> lines) throws Exception {
        Files.write(file, lines);
        Files.setLastModifiedTime(file, FileTime.fromMillis(1_000_000 + modifiedSecond * 1000));
    }

    @AfterAll
    static void stop() {
        if (spark != null) {
            spark.stop();
        }
    }

    /** The last row of run "r" written per (window start, symbol): what the upserts leave in the table. */
    private static List<GoldRow> table(GoldWindow window) {
        Map<String, GoldRow> last = new ConcurrentHashMap<>();
        WRITTEN.get(window).stream().filter(row -> row.runId().equals("r"))
                .forEach(row -> last.put(row.windowStartUs() + row.symbol(), row));
        List<GoldRow> rows = new ArrayList<>(last.values());
        rows.sort(Comparator.comparingLong(GoldRow::windowStartUs).thenComparing(GoldRow::symbol));
        return rows;
    }

    @Test
    void aggregates_ten_minute_windows_and_drops_trades_of_closed_windows() {
        List<GoldRow> rows = table(GoldWindow.TEN_MINUTES);
        assertEquals(2, rows.size(), rows::toString);

        GoldRow eth = rows.get(0);
        assertEquals("ETH-USD", eth.symbol());
        assertEquals(T0, eth.windowStartUs());
        assertEquals(T0 + 10 * MINUTE_US, eth.windowEndUs());
        assertEquals(new BigDecimal("2990.00"), eth.metrics().open());
        assertEquals(new BigDecimal("3010.00"), eth.metrics().close());
        assertEquals(new BigDecimal("3010.00"), eth.metrics().high());
        assertEquals(new BigDecimal("2990.00"), eth.metrics().low());
        assertEquals(3, eth.metrics().tradeCount());
        assertEquals(0, new BigDecimal("2998.35").compareTo(eth.metrics().vwap()));
        assertEquals(0, new BigDecimal("3").compareTo(eth.metrics().volume()));

        GoldRow btc = rows.get(1);
        assertEquals(T0 + 10 * MINUTE_US, btc.windowStartUs());
        assertEquals(2, btc.metrics().tradeCount());
        assertEquals(new BigDecimal("60000"), btc.metrics().open());
        assertEquals(new BigDecimal("60010"), btc.metrics().close());
        assertNull(btc.metrics().vwap());
        assertEquals(5.0, btc.metrics().priceStddev(), 1e-12);
    }

    @Test
    void updates_an_open_hourly_window_with_a_trade_late_for_its_ten_minute_window() {
        List<GoldRow> rows = table(GoldWindow.HOURLY);
        assertEquals(List.of("BTC-USD", "ETH-USD"), rows.stream().map(GoldRow::symbol).sorted().toList());
        GoldRow eth = rows.stream().filter(row -> row.symbol().equals("ETH-USD")).findFirst().orElseThrow();
        assertEquals(T0 - 10 * MINUTE_US, eth.windowStartUs());
        assertEquals(T0 + 50 * MINUTE_US, eth.windowEndUs());
        assertEquals(4, eth.metrics().tradeCount());
        assertEquals(new BigDecimal("1"), eth.metrics().low());
        // Two trades at T0+1m: the tie goes to the lower sequence number.
        assertEquals(new BigDecimal("2990.00"), eth.metrics().open());
    }

    @Test
    void writes_each_changed_window_once_per_micro_batch() {
        // Batch 1 writes ETH and BTC, batch 2 BTC of both runs, batch 3 nothing (the late ETH trade changes no
        // open window).
        List<GoldRow> written = WRITTEN.get(GoldWindow.TEN_MINUTES);
        assertEquals(4, written.size(), written::toString);
    }

    @Test
    void keeps_the_trades_of_two_runs_in_one_window_apart() {
        List<GoldRow> other = WRITTEN.get(GoldWindow.TEN_MINUTES).stream()
                .filter(row -> row.runId().equals("r2")).toList();
        assertEquals(1, other.size(), other::toString);
        assertEquals(T0 + 10 * MINUTE_US, other.get(0).windowStartUs());
        assertEquals(1, other.get(0).metrics().tradeCount());
        assertEquals(new BigDecimal("1000"), other.get(0).metrics().open());
    }

    /** A gold sink that keeps the rows in memory instead of upserting them. */
    private static final class Collect implements VoidFunction2<Dataset<Row>, Long> {
        private final GoldWindow window;

        Collect(GoldWindow window) {
            this.window = window;
        }

        @Override
        public void call(Dataset<Row> batch, Long batchId) {
            batch.collectAsList().forEach(row -> WRITTEN.get(window).add(GoldBatchWriter.toGoldRow(row)));
        }
    }
}
