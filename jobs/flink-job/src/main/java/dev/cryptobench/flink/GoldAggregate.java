package dev.cryptobench.flink;

import dev.cryptobench.common.GoldAccumulator;
import dev.cryptobench.common.PriceRow;
import org.apache.flink.api.common.functions.AggregateFunction;

/** Folds each trade of a window into its {@link GoldAccumulator}, the math both engines share. */
final class GoldAggregate implements AggregateFunction<PriceRow, GoldAccumulator, GoldAccumulator> {

    @Override
    public GoldAccumulator createAccumulator() {
        return GoldAccumulator.empty();
    }

    @Override
    public GoldAccumulator add(PriceRow row, GoldAccumulator accumulator) {
        return accumulator.add(row.event());
    }

    @Override
    public GoldAccumulator getResult(GoldAccumulator accumulator) {
        return accumulator;
    }

    @Override
    public GoldAccumulator merge(GoldAccumulator a, GoldAccumulator b) {
        return a.merge(b);
    }
}
