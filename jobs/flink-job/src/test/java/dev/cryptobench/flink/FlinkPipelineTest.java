package dev.cryptobench.flink;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cryptobench.common.DeadLetter;
import dev.cryptobench.common.KafkaMessage;
import dev.cryptobench.common.PriceRow;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
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
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

/** Runs {@link FlinkJob#build} on a MiniCluster with a bounded test source and collecting sinks. */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class FlinkPipelineTest {

    private static KafkaMessage message(String json, long offset) {
        return new KafkaMessage(json == null ? null : json.getBytes(StandardCharsets.UTF_8), 1, offset,
                1_700_000_000_000_000L + offset);
    }

    private static String event(long seq) {
        return "{\"v\":1,\"run_id\":\"r\",\"seq\":" + seq + ",\"symbol\":\"ETH-USD\",\"price\":\"3000.10\","
                + "\"size\":0.5,\"event_time\":1,\"intended_at\":2,\"produced_at\":3}";
    }

    @Test
    void sends_valid_events_to_the_price_sink_and_malformed_ones_to_the_dead_letter_sink() throws Exception {
        Configuration conf = new Configuration();
        // Every record type must have a Flink serializer of its own, not the Kryo fallback.
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1, conf);

        List<KafkaMessage> input = List.of(
                message(event(0), 10), message("{broken", 11), message(event(1), 12), message(null, 13),
                message("{\"v\":2}", 14));
        CollectingSink<PriceRow> prices = new CollectingSink<>("prices");
        CollectingSink<DeadLetter> deadLetters = new CollectingSink<>("dead");
        FlinkJob.build(env.fromData(input, TypeInformation.of(KafkaMessage.class)), prices, deadLetters);
        env.execute("pipeline-test");

        List<PriceRow> rows = prices.results();
        rows.sort(Comparator.comparingLong(PriceRow::kafkaOffset));
        assertEquals(2, rows.size());
        assertEquals(0, rows.get(0).event().seq());
        assertEquals(new BigDecimal("3000.10"), rows.get(0).event().price());
        assertEquals(new BigDecimal("0.5"), rows.get(0).event().size());
        assertEquals(1, rows.get(0).kafkaPartition());
        assertEquals(10, rows.get(0).kafkaOffset());
        assertEquals(1_700_000_000_000_010L, rows.get(0).kafkaTsUs());
        assertEquals(12, rows.get(1).kafkaOffset());

        List<DeadLetter> dead = deadLetters.results();
        dead.sort(Comparator.comparingLong(DeadLetter::kafkaOffset));
        assertEquals(3, dead.size());
        assertEquals(11, dead.get(0).kafkaOffset());
        assertArrayEquals("{broken".getBytes(StandardCharsets.UTF_8), dead.get(0).payload());
        assertEquals("empty payload", dead.get(1).reason());
        assertEquals("unsupported schema version: 2", dead.get(2).reason());
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
