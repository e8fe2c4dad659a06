package dev.cryptobench.flink;

import dev.cryptobench.common.PriceRow;
import dev.cryptobench.common.Probes;
import org.apache.flink.api.common.functions.FilterFunction;

/**
 * Drops the CLI's health probes from the gold branch. They carry the wall clock as event time, so they must not
 * reach the watermark either: a probe during a replay of old events would make all of them late.
 */
final class ExcludeProbes implements FilterFunction<PriceRow> {

    @Override
    public boolean filter(PriceRow row) {
        return !Probes.isProbe(row.event());
    }
}
