package dev.cryptobench.flink;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.cryptobench.common.DeadLetter;
import dev.cryptobench.common.GoldRow;
import dev.cryptobench.common.GoldWindow;
import dev.cryptobench.common.KafkaMessage;
import dev.cryptobench.common.PriceRow;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

/**
 * Runs {@link FlinkJob#build} and {@link FlinkGold#build} once on a MiniCluster with a bounded test source and
 * collecting sinks; the end of the input moves the watermark to the end of time, so every window fires.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class FlinkPipelineTest {

    private static final long MINUTE_US = 60_000_000L;
    /** 2023-11-14T22:10:00Z, the start of a 10-minute window (and 10 minutes into an hour). */
    private static final long T0 = 1_699_999_800_000_000L;

    private static final CollectingSink<PriceRow> PRICES = new CollectingSink<>("prices");
    private static final CollectingSink<DeadLetter> DEAD_LETTERS = new CollectingSink<>("dead");
    private static final CollectingSink<GoldRow> GOLD_10MIN = new CollectingSink<>("gold-10min");
    private static final CollectingSink<GoldRow> GOLD_HOURLY = new CollectingSink<>("gold-hourly");

    private static KafkaMessage message(String json, long offset) {
        return new KafkaMessage(json == null ? null : json.getBytes(StandardCharsets.UTF_8), 1, offset,
                1_700_000_000_000_000L + offset);
    }

    private static String event(String runId, long seq, String symbol, String price, String size, long eventTimeUs) {
        return "{\"v\":1,\"run_id\":\"" + runId + "\",\"seq\":" + seq + ",\"symbol\":\"" + symbol + "\",\"price\":\""
                + price + "\",\"size\":" + size + ",\"event_time\":" + eventTimeUs
                + ",\"intended_at\":2,\"produced_at\":3}";
    }

    @BeforeAll
    static void runPipeline() throws Exception {
        Configuration conf = new Configuration();
        // Every record type must have a Flink serializer of its own, not the Kryo fallback.
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1, conf);
        // ETH trades in window [T0, T0+10m) arrive out of order (within the watermark delay); one BTC trade at
        // T0+12m opens the next 10-minute window; a probe and malformed records must not count.
        List<KafkaMessage> input = List.of(
                message(event("r", 0, "ETH-USD", "3000.10", "0.5", T0 + 2 * MINUTE_US), 10),
                message("{broken", 11),
                message(event("r", 1, "ETH-USD", "2990.00", "1.5", T0 + MINUTE_US), 12),
                message(null, 13),
                message("{\"v\":2}", 14),
                message(event("probe-x", 0, "PROBE", "0", "0", T0 + 3 * MINUTE_US), 15),
                message(event("r", 2, "ETH-USD", "3010.00", "1", T0 + 9 * MINUTE_US), 16),
                message(event("r", 3, "BTC-USD", "60000", "0", T0 + 12 * MINUTE_US), 17),
                // Another run's ETH trade in the same window: a window of its own.
                message(event("r2", 0, "ETH-USD", "1000", "2", T0 + 5 * MINUTE_US), 18));
        // Timestamps and watermarks as the Kafka source assigns them (per partition; here one).
        DataStream<PriceRow> parsed = FlinkJob.build(
                env.fromData(input, TypeInformation.of(KafkaMessage.class))
                        .assignTimestampsAndWatermarks(FlinkGold.sourceWatermarks(Duration.ofSeconds(10))),
                PRICES, DEAD_LETTERS);
        Map<GoldWindow, Sink<GoldRow>> gold = new EnumMap<>(GoldWindow.class);
        gold.put(GoldWindow.TEN_MINUTES, GOLD_10MIN);
        gold.put(GoldWindow.HOURLY, GOLD_HOURLY);
        FlinkGold.build(parsed, gold);
        env.execute("pipeline-test");
    }

    @Test
    void sends_valid_events_to_the_price_sink() {
        List<PriceRow> rows = PRICES.results();
        rows.sort(Comparator.comparingLong(PriceRow::kafkaOffset));
        assertEquals(List.of(10L, 12L, 15L, 16L, 17L, 18L), rows.stream().map(PriceRow::kafkaOffset).toList());
        PriceRow first = rows.get(0);
        assertEquals(0, first.event().seq());
        assertEquals(new BigDecimal("3000.10"), first.event().price());
        assertEquals(new BigDecimal("0.5"), first.event().size());
        assertEquals(1, first.kafkaPartition());
        assertEquals(1_700_000_000_000_010L, first.kafkaTsUs());
    }

    @Test
    void sends_malformed_records_to_the_dead_letter_sink() {
        List<DeadLetter> dead = DEAD_LETTERS.results();
        dead.sort(Comparator.comparingLong(DeadLetter::kafkaOffset));
        assertEquals(3, dead.size());
        assertEquals(11, dead.get(0).kafkaOffset());
        assertArrayEquals("{broken".getBytes(StandardCharsets.UTF_8), dead.get(0).payload());
        assertEquals("empty payload", dead.get(1).reason());
        assertEquals("unsupported schema version: 2", dead.get(2).reason());
    }

    @Test
    void aggregates_ten_minute_windows_per_symbol_by_event_time() {
        List<GoldRow> rows = new ArrayList<>(GOLD_10MIN.results().stream()
                .filter(row -> row.runId().equals("r")).toList());
        rows.sort(Comparator.comparingLong(GoldRow::windowStartUs));
        assertEquals(2, rows.size());

        GoldRow eth = rows.get(0);
        assertEquals("ETH-USD", eth.symbol());
        assertEquals(T0, eth.windowStartUs());
        assertEquals(T0 + 10 * MINUTE_US, eth.windowEndUs());
        // Prices 2990.00 (1.5), 3000.10 (0.5), 3010.00 (1) by event time.
        assertEquals(new BigDecimal("2990.00"), eth.metrics().open());
        assertEquals(new BigDecimal("3010.00"), eth.metrics().close());
        assertEquals(new BigDecimal("3010.00"), eth.metrics().high());
        assertEquals(new BigDecimal("2990.00"), eth.metrics().low());
        assertEquals(3, eth.metrics().tradeCount());
        assertEquals(0, new BigDecimal("3").compareTo(eth.metrics().volume()));
        // (2990·1.5 + 3000.10·0.5 + 3010·1) / 3 = 8995.05 / 3
        assertEquals(0, new BigDecimal("2998.35").compareTo(eth.metrics().vwap()));

        GoldRow btc = rows.get(1);
        assertEquals("BTC-USD", btc.symbol());
        assertEquals(T0 + 10 * MINUTE_US, btc.windowStartUs());
        assertNull(btc.metrics().vwap());
        assertEquals(0.0, btc.metrics().priceStddev());
    }

    @Test
    void keeps_the_trades_of_two_runs_in_one_window_apart() {
        List<GoldRow> other = GOLD_10MIN.results().stream().filter(row -> row.runId().equals("r2")).toList();
        assertEquals(1, other.size(), other::toString);
        assertEquals(T0, other.get(0).windowStartUs());
        assertEquals(1, other.get(0).metrics().tradeCount());
        assertEquals(new BigDecimal("1000"), other.get(0).metrics().open());
    }

    @Test
    void aggregates_hourly_windows_aligned_to_the_hour() {
        List<GoldRow> rows = new ArrayList<>(GOLD_HOURLY.results().stream()
                .filter(row -> row.runId().equals("r")).toList());
        rows.sort(Comparator.comparing(GoldRow::symbol));
        assertEquals(List.of("BTC-USD", "ETH-USD"), rows.stream().map(GoldRow::symbol).toList());
        long hourStart = T0 - 10 * MINUTE_US;
        for (GoldRow row : rows) {
            assertEquals(hourStart, row.windowStartUs());
            assertEquals(hourStart + 60 * MINUTE_US, row.windowEndUs());
        }
        assertEquals(3, rows.get(1).metrics().tradeCount());
    }

    /** A sink that keeps what it receives in memory, shared by name because Flink copies sink objects. */
    private static final class CollectingSink<T> implements Sink<T> {
        private static final Map<String, Queue<Object>> RECEIVED = new ConcurrentHashMap<>();
        private final String name;

        CollectingSink(String name) {
            this.name = name;
            RECEIVED.put(name, new ConcurrentLinkedQueue<>());
        }

        @SuppressWarnings("unchecked")
        List<T> results() {
            List<T> copy = new ArrayList<>();
            RECEIVED.get(name).forEach(element -> copy.add((T) element));
            return copy;
        }

        @Override
        public SinkWriter<T> createWriter(WriterInitContext context) {
            Queue<Object> queue = RECEIVED.get(name);
            return new SinkWriter<>() {
                @Override
                public void write(T element, Context ctx) {
                    queue.add(element);
                }

                @Override
                public void flush(boolean endOfInput) {}

                @Override
                public void close() {}
            };
        }
    }
}
