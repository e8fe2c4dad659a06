package dev.cryptobench.flink;

import dev.cryptobench.common.GoldAccumulator;
import dev.cryptobench.common.GoldRow;
import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;

/** Turns a window's final accumulator into its gold row: its run, the window's bounds in microseconds, its pair. */
final class WindowBounds extends ProcessWindowFunction<GoldAccumulator, GoldRow, GoldKey, TimeWindow> {

    @Override
    public void process(GoldKey key, Context context, Iterable<GoldAccumulator> accumulators,
            Collector<GoldRow> out) {
        TimeWindow window = context.window();
        for (GoldAccumulator accumulator : accumulators) {
            out.collect(new GoldRow(key.runId(), window.getStart() * 1_000L, window.getEnd() * 1_000L,
                    key.symbol(), accumulator.result()));
        }
    }
}
