package dev.cryptobench.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigDecimal;
import java.util.List;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

/** Checks the gold math against values worked out by hand. */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class GoldAccumulatorTest {

    private static Event trade(long seq, String price, String size, long eventTimeUs) {
        return new Event("run", seq, "BTC-USD", new BigDecimal(price), new BigDecimal(size), eventTimeUs, 0, 0);
    }

    private static GoldAccumulator addAll(List<Event> events) {
        GoldAccumulator acc = GoldAccumulator.empty();
        for (Event event : events) {
            acc = acc.add(event);
        }
        return acc;
    }

    private static void assertDecimal(String expected, BigDecimal actual) {
        assertEquals(0, new BigDecimal(expected).compareTo(actual), () -> "expected " + expected + ", got " + actual);
    }

    // Prices 10, 12, 11 with sizes 1, 2, 1: mean 11, deviations -1, 1, 0, so variance 2/3;
    // VWAP (10·1 + 12·2 + 11·1) / 4 = 45 / 4 = 11.25.
    private static final List<Event> THREE_TRADES = List.of(
            trade(0, "10", "1", 1_000), trade(1, "12", "2", 2_000), trade(2, "11", "1", 3_000));

    @Test
    void computes_every_metric_of_a_window() {
        GoldMetrics metrics = addAll(THREE_TRADES).result();
        assertDecimal("10", metrics.open());
        assertDecimal("12", metrics.high());
        assertDecimal("10", metrics.low());
        assertDecimal("11", metrics.close());
        assertDecimal("11", metrics.avgPrice());
        assertDecimal("11.25", metrics.vwap());
        assertDecimal("4", metrics.volume());
        assertEquals(3, metrics.tradeCount());
        assertEquals(Math.sqrt(2.0 / 3.0), metrics.priceStddev(), 1e-15);
    }

    @Test
    void takes_open_and_close_by_event_time_not_by_arrival() {
        GoldAccumulator acc = addAll(List.of(THREE_TRADES.get(2), THREE_TRADES.get(0), THREE_TRADES.get(1)));
        assertEquals(addAll(THREE_TRADES), acc);
        assertDecimal("10", acc.result().open());
        assertDecimal("11", acc.result().close());
    }

    @Test
    void breaks_event_time_ties_by_sequence_number() {
        GoldMetrics metrics = addAll(List.of(
                trade(7, "3", "1", 500), trade(5, "1", "1", 500), trade(9, "4", "1", 500), trade(6, "2", "1", 500)))
                .result();
        assertDecimal("1", metrics.open());
        assertDecimal("4", metrics.close());
    }

    @Test
    void merges_partial_windows_in_any_order_to_the_same_result() {
        GoldAccumulator early = addAll(THREE_TRADES.subList(0, 1));
        GoldAccumulator late = addAll(THREE_TRADES.subList(1, 3));
        assertEquals(addAll(THREE_TRADES), early.merge(late));
        assertEquals(addAll(THREE_TRADES), late.merge(early));
        assertEquals(late, late.merge(GoldAccumulator.empty()));
        assertEquals(late, GoldAccumulator.empty().merge(late));
    }

    @Test
    void has_no_vwap_when_the_volume_is_zero() {
        GoldMetrics metrics = addAll(List.of(trade(0, "5", "0", 1), trade(1, "7", "0.000", 2))).result();
        assertNull(metrics.vwap());
        assertDecimal("0", metrics.volume());
        assertDecimal("6", metrics.avgPrice());
        assertEquals(1.0, metrics.priceStddev(), 1e-15);
    }

    @Test
    void gives_a_single_trade_a_standard_deviation_of_zero() {
        GoldMetrics metrics = addAll(List.of(trade(0, "42.5", "0.1", 1))).result();
        assertEquals(0.0, metrics.priceStddev());
        assertDecimal("42.5", metrics.open());
        assertDecimal("42.5", metrics.close());
        assertDecimal("42.5", metrics.vwap());
        assertEquals(1, metrics.tradeCount());
    }

    @Test
    void keeps_the_standard_deviation_exact_for_close_prices() {
        // Three prices 0.01 apart around 60,000: stddev = 0.01 · √(2/3). Σp² in doubles would lose it.
        GoldMetrics metrics = addAll(List.of(
                trade(0, "60000.01", "1", 1), trade(1, "60000.02", "1", 2), trade(2, "60000.03", "1", 3)))
                .result();
        assertEquals(0.01 * Math.sqrt(2.0 / 3.0), metrics.priceStddev(), 1e-15);
        assertDecimal("60000.02", metrics.avgPrice());
    }

    @Test
    void rounds_divisions_to_34_significant_digits() {
        GoldMetrics metrics = addAll(List.of(
                trade(0, "1", "1", 1), trade(1, "1", "1", 2), trade(2, "2", "1", 3))).result();
        assertEquals(new BigDecimal("1.333333333333333333333333333333333"), metrics.avgPrice());
    }

    @Test
    void refuses_metrics_for_an_empty_window() {
        assertThrows(IllegalStateException.class, () -> GoldAccumulator.empty().result());
    }
}
