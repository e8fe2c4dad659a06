package dev.cryptobench.flink;

import dev.cryptobench.common.PriceRow;
import org.apache.flink.api.java.functions.KeySelector;

/** Keys a trade for the gold windows by its run and trading pair. */
final class RunAndSymbolOf implements KeySelector<PriceRow, GoldKey> {

    @Override
    public GoldKey getKey(PriceRow row) {
        return new GoldKey(row.event().runId(), row.event().symbol());
    }
}
