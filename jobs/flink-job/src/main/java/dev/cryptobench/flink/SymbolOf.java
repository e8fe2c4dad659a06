package dev.cryptobench.flink;

import dev.cryptobench.common.PriceRow;
import org.apache.flink.api.java.functions.KeySelector;

/** Keys a row by its trading pair: keeps each symbol's rows in order on one subtask. */
final class SymbolOf implements KeySelector<PriceRow, String> {

    @Override
    public String getKey(PriceRow row) {
        return row.event().symbol();
    }
}
