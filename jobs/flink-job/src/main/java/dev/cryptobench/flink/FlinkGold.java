package dev.cryptobench.flink;

import dev.cryptobench.common.GoldRow;
import dev.cryptobench.common.GoldWindow;
import dev.cryptobench.common.PriceRow;
import java.time.Duration;
import java.util.Map;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.KeyedStream;
import org.apache.flink.streaming.api.windowing.assigners.TumblingEventTimeWindows;

/**
 * The gold branch of the Flink job: per run and symbol, event-time tumbling windows of 10 minutes and one hour over the
 * valid, non-probe events, each window written once, when the watermark passes its end.
 *
 * <p>In SQL, per window size: {@code SELECT run_id, window_start, window_end, symbol, open, high, low, close, avg_price,
 * vwap, volume, trade_count, price_stddev FROM TUMBLE(trades, event_time, size) GROUP BY run_id,
 * window_start, window_end, symbol}, with the aggregates of {@code GoldAccumulator}.
 */
final class FlinkGold {

    /**
     * A parse subtask that gets no Kafka partition (parallelism above the partition count) would hold the
     * watermark back for good; after this long without events it stops counting.
     */
    static final Duration IDLE_AFTER = Duration.ofSeconds(30);

    private FlinkGold() {}

    /**
     * Adds the gold branch to {@code rows}: event time is the event's {@code event_time}, the watermark trails
     * the latest event time by {@code watermarkDelay}; later events are dropped. Each window size writes to
     * its own sink in {@code sinks}.
     */
    static void build(DataStream<PriceRow> rows, Duration watermarkDelay, Map<GoldWindow, Sink<GoldRow>> sinks) {
        KeyedStream<PriceRow, GoldKey> trades = rows
                .filter(new ExcludeProbes())
                .name("gold-trades")
                .uid("gold-trades")
                .assignTimestampsAndWatermarks(WatermarkStrategy
                        .<PriceRow>forBoundedOutOfOrderness(watermarkDelay)
                        .withTimestampAssigner(new EventTimeOf())
                        .withIdleness(IDLE_AFTER))
                .name("event-time")
                .uid("gold-event-time")
                .keyBy(new RunAndSymbolOf());
        sinks.forEach((window, sink) -> trades
                .window(TumblingEventTimeWindows.of(window.size()))
                .aggregate(new GoldAggregate(), new WindowBounds())
                .name("gold-" + window.shortName())
                .uid("gold-window-" + window.shortName())
                .sinkTo(sink)
                .name("gold-" + window.shortName() + "-sink")
                .uid("sink-gold-" + window.shortName()));
    }
}
