package dev.cryptobench.common;

import java.io.Serializable;
import java.math.BigDecimal;
import java.math.MathContext;

/**
 * The running state of one gold window for one symbol: what both engines keep per (window, symbol) and turn
 * into {@link GoldMetrics}. Immutable: {@link #add} and {@link #merge} return a new accumulator, so engines can
 * keep it as window state (Flink) or aggregation buffer (Spark) as is.
 *
 * <p>Sums are exact decimals, so the result does not depend on the order events arrive or partial results are
 * merged. Open and close are chosen by event time, not arrival: open is the price of the event with the earliest
 * {@code event_time} (ties: the lowest {@code seq}), close of the latest (ties: the highest {@code seq}).
 *
 * @param count           trades in the window
 * @param sumPrice        Σ price
 * @param sumPriceSquared Σ price², for the standard deviation
 * @param sumNotional     Σ price·size, for the VWAP
 * @param sumSize         Σ size, the volume
 * @param open            price of the first trade by event time; {@code null} while empty
 * @param openTimeUs      its event time
 * @param openSeq         its sequence number
 * @param close           price of the last trade by event time; {@code null} while empty
 * @param closeTimeUs     its event time
 * @param closeSeq        its sequence number
 * @param high            highest price; {@code null} while empty
 * @param low             lowest price; {@code null} while empty
 */
public record GoldAccumulator(
        long count,
        BigDecimal sumPrice,
        BigDecimal sumPriceSquared,
        BigDecimal sumNotional,
        BigDecimal sumSize,
        BigDecimal open,
        long openTimeUs,
        long openSeq,
        BigDecimal close,
        long closeTimeUs,
        long closeSeq,
        BigDecimal high,
        BigDecimal low) implements Serializable {

    /** Precision of the two divisions (average and VWAP): 34 significant digits, IEEE 754 decimal128. */
    static final MathContext DIVISION = MathContext.DECIMAL128;

    private static final GoldAccumulator EMPTY = new GoldAccumulator(0, BigDecimal.ZERO, BigDecimal.ZERO,
            BigDecimal.ZERO, BigDecimal.ZERO, null, 0, 0, null, 0, 0, null, null);

    /** The accumulator of a window without trades. */
    public static GoldAccumulator empty() {
        return EMPTY;
    }

    /** This window with one more trade. */
    public GoldAccumulator add(Event event) {
        return add(event.price(), event.size(), event.eventTimeUs(), event.seq());
    }

    /** This window with one more trade of {@code size} at {@code price}, at {@code eventTimeUs}. */
    public GoldAccumulator add(BigDecimal price, BigDecimal size, long eventTimeUs, long seq) {
        return merge(new GoldAccumulator(1, price, price.multiply(price), price.multiply(size), size,
                price, eventTimeUs, seq, price, eventTimeUs, seq, price, price));
    }

    /** The accumulator of both windows' trades together; the order of the two does not matter. */
    public GoldAccumulator merge(GoldAccumulator other) {
        if (other.count == 0) {
            return this;
        }
        if (count == 0) {
            return other;
        }
        boolean otherOpensFirst = other.openTimeUs < openTimeUs
                || (other.openTimeUs == openTimeUs && other.openSeq < openSeq);
        boolean otherClosesLast = other.closeTimeUs > closeTimeUs
                || (other.closeTimeUs == closeTimeUs && other.closeSeq > closeSeq);
        GoldAccumulator first = otherOpensFirst ? other : this;
        GoldAccumulator last = otherClosesLast ? other : this;
        return new GoldAccumulator(
                count + other.count,
                sumPrice.add(other.sumPrice),
                sumPriceSquared.add(other.sumPriceSquared),
                sumNotional.add(other.sumNotional),
                sumSize.add(other.sumSize),
                first.open, first.openTimeUs, first.openSeq,
                last.close, last.closeTimeUs, last.closeSeq,
                high.max(other.high),
                low.min(other.low));
    }

    /**
     * The gold columns of this window. {@code avg_price} and {@code vwap} are rounded to 34 significant digits;
     * {@code vwap} is {@code null} when the volume is 0. {@code price_stddev} is the population standard
     * deviation, 0 for a single trade (as in Spark's {@code stddev_pop} and PostgreSQL's).
     */
    public GoldMetrics result() {
        if (count == 0) {
            throw new IllegalStateException("a gold window without trades has no metrics");
        }
        BigDecimal n = BigDecimal.valueOf(count);
        BigDecimal vwap = sumSize.signum() == 0 ? null : sumNotional.divide(sumSize, DIVISION);
        return new GoldMetrics(open, high, low, close, sumPrice.divide(n, DIVISION), vwap, sumSize, count,
                populationStddev(n));
    }

    /**
     * √((n·Σp² − (Σp)²) / n²). The numerator is exact and never negative, so there is no cancellation
     * error however close the prices are.
     */
    private double populationStddev(BigDecimal n) {
        BigDecimal numerator = n.multiply(sumPriceSquared).subtract(sumPrice.multiply(sumPrice));
        return Math.sqrt(numerator.divide(n.multiply(n), DIVISION).doubleValue());
    }
}
