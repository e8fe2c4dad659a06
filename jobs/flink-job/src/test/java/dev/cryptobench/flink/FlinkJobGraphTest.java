package dev.cryptobench.flink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cryptobench.common.DeadLetter;
import dev.cryptobench.common.GoldRow;
import dev.cryptobench.common.GoldWindow;
import dev.cryptobench.common.KafkaMessage;
import dev.cryptobench.common.PriceRow;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.runtime.jobgraph.JobVertex;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

/**
 * The job graph the pipeline compiles to, at parallelism 1: which operators are chained into one task and where
 * records cross a network exchange, the only place the buffer timeout applies.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class FlinkJobGraphTest {

    private static StreamExecutionEnvironment environment() {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        return env;
    }

    private static DataStream<PriceRow> raw(StreamExecutionEnvironment env) {
        return FlinkJob.build(env.fromData(List.of(new KafkaMessage(new byte[0], 0, 0, 0)),
                TypeInformation.of(KafkaMessage.class)), new DiscardingSink<>(), new DiscardingSink<DeadLetter>());
    }

    @Test
    void puts_a_hash_partitioned_network_exchange_before_the_price_sink() {
        StreamExecutionEnvironment env = environment();
        raw(env);
        List<JobVertex> tasks = env.getStreamGraph().getJobGraph().getVerticesSortedTopologicallyFromSources();

        assertEquals(2, tasks.size(), () -> names(tasks));
        JobVertex parse = tasks.get(0);
        JobVertex prices = tasks.get(1);
        assertTrue(parse.getName().contains("parse") && parse.getName().contains("dead-letters"), parse.getName());
        assertTrue(prices.getName().contains("prices"), prices.getName());
        assertEquals(1, prices.getInputs().size());
        assertEquals("HASH", prices.getInputs().get(0).getShipStrategyName());
    }

    @Test
    void runs_each_gold_window_in_a_task_of_its_own_behind_a_hash_exchange() {
        StreamExecutionEnvironment env = environment();
        Map<GoldWindow, Sink<GoldRow>> gold = new EnumMap<>(GoldWindow.class);
        for (GoldWindow window : GoldWindow.values()) {
            gold.put(window, new DiscardingSink<>());
        }
        FlinkGold.build(raw(env), gold);
        List<JobVertex> tasks = env.getStreamGraph().getJobGraph().getVerticesSortedTopologicallyFromSources();

        assertEquals(4, tasks.size(), () -> names(tasks));
        for (JobVertex task : tasks.subList(1, 4)) {
            assertEquals("HASH", task.getInputs().get(0).getShipStrategyName(), task.getName());
        }
        assertTrue(tasks.get(0).getName().contains("gold-trades"), tasks.get(0).getName());
    }

    private static String names(List<JobVertex> tasks) {
        return tasks.stream().map(JobVertex::getName).toList().toString();
    }
}
