package dev.cryptobench.flink;

import dev.cryptobench.common.GoldRow;
import dev.cryptobench.common.GoldWindow;
import dev.cryptobench.common.KafkaMessage;
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
     * A Kafka partition (or a source subtask with none, at a parallelism above the partition count) without
     * events would hold the watermark back for good; after this long without events it stops counting.
     */
    static final Duration IDLE_AFTER = Duration.ofSeconds(30);

    private FlinkGold() {}

    /**
     * The watermarks of the gold branch, for the Kafka source itself ({@code fromSource}): event time is the
     * event's {@code event_time}, and each Kafka partition's watermark trails the latest event time seen in it by
     * {@code watermarkDelay}; the job's watermark is the least of them, and later events are dropped.
     *
     * <p>Per partition, not on the merged stream: after a restore (or any backlog) the source reads each
     * partition's backlog in large fetches, one partition after another, so on the merged stream one partition's
     * events can run tens of seconds ahead of another's. A watermark over the merged stream then passed a window's
     * end while other partitions' events of that window were still to come, and dropped them as late: after a
     * kill of the Flink job at 60 s, 4 of 5 recovered 10-minute windows had a wrong close or high.
     */
    static WatermarkStrategy<KafkaMessage> sourceWatermarks(Duration watermarkDelay) {
        return WatermarkStrategy.<KafkaMessage>forBoundedOutOfOrderness(watermarkDelay)
                .withTimestampAssigner(new EventTimeOfMessage())
                .withIdleness(IDLE_AFTER);
    }

    /**
     * Adds the gold branch to {@code rows}, whose timestamps and watermarks come from the source (see
     * {@link #sourceWatermarks}): tumbling event-time windows per run and symbol. Each window size writes to its
     * own sink in {@code sinks}.
     */
    static void build(DataStream<PriceRow> rows, Map<GoldWindow, Sink<GoldRow>> sinks) {
        KeyedStream<PriceRow, GoldKey> trades = rows
                .filter(new ExcludeProbes())
                .name("gold-trades")
                .uid("gold-trades")
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
