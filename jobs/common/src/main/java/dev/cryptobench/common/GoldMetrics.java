package dev.cryptobench.common;

import java.io.Serializable;
import java.math.BigDecimal;

/**
 * The aggregate columns of one gold row, computed by {@link GoldAccumulator#result()}.
 *
 * @param open        price of the first trade by event time
 * @param high        highest price
 * @param low         lowest price
 * @param close       price of the last trade by event time
 * @param avgPrice    mean price
 * @param vwap        Σ(price·size) / Σ size; {@code null} when the volume is 0
 * @param volume      Σ size
 * @param tradeCount  number of trades
 * @param priceStddev population standard deviation of the price
 */
public record GoldMetrics(
        BigDecimal open,
        BigDecimal high,
        BigDecimal low,
        BigDecimal close,
        BigDecimal avgPrice,
        BigDecimal vwap,
        BigDecimal volume,
        long tradeCount,
        double priceStddev) implements Serializable {}
