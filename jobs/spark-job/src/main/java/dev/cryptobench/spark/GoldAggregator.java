package dev.cryptobench.spark;

import dev.cryptobench.common.GoldAccumulator;
import dev.cryptobench.common.GoldMetrics;
import java.math.BigDecimal;
import org.apache.spark.sql.Encoder;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.expressions.Aggregator;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The gold aggregate as a Spark aggregate function over {@link GoldTrades} rows: the same
 * {@link GoldAccumulator} the Flink job uses, kept in Spark's state store between micro-batches. The result
 * is a struct of {@link #METRICS} with decimals as exact strings (Spark decimals stop at 38 digits).
 */
final class GoldAggregator extends Aggregator<Row, GoldAccumulator, Row> {

    /** The result columns, named as in the gold tables. */
    static final StructType METRICS = new StructType()
            .add("open", DataTypes.StringType, false)
            .add("high", DataTypes.StringType, false)
            .add("low", DataTypes.StringType, false)
            .add("close", DataTypes.StringType, false)
            .add("avg_price", DataTypes.StringType, false)
            .add("vwap", DataTypes.StringType, true)
            .add("volume", DataTypes.StringType, false)
            .add("trade_count", DataTypes.LongType, false)
            .add("price_stddev", DataTypes.DoubleType, false);

    @Override
    public GoldAccumulator zero() {
        return GoldAccumulator.empty();
    }

    @Override
    public GoldAccumulator reduce(GoldAccumulator accumulator, Row trade) {
        return accumulator.add(decimal(trade, "price"), decimal(trade, "size"), trade.<Long>getAs("event_time_us"),
                trade.<Long>getAs("seq"));
    }

    @Override
    public GoldAccumulator merge(GoldAccumulator a, GoldAccumulator b) {
        return a.merge(b);
    }

    @Override
    public Row finish(GoldAccumulator accumulator) {
        GoldMetrics m = accumulator.result();
        return RowFactory.create(m.open().toString(), m.high().toString(), m.low().toString(), m.close().toString(),
                m.avgPrice().toString(), m.vwap() == null ? null : m.vwap().toString(), m.volume().toString(),
                m.tradeCount(), m.priceStddev());
    }

    /** A {@link #finish} struct back as metrics, for the writer. */
    static GoldMetrics metrics(Row struct) {
        String vwap = struct.getAs("vwap");
        return new GoldMetrics(decimal(struct, "open"), decimal(struct, "high"), decimal(struct, "low"),
                decimal(struct, "close"), decimal(struct, "avg_price"), vwap == null ? null : new BigDecimal(vwap),
                decimal(struct, "volume"), struct.<Long>getAs("trade_count"), struct.<Double>getAs("price_stddev"));
    }

    private static BigDecimal decimal(Row row, String field) {
        return new BigDecimal(row.<String>getAs(field));
    }

    @Override
    public Encoder<GoldAccumulator> bufferEncoder() {
        return Encoders.javaSerialization(GoldAccumulator.class);
    }

    @Override
    public Encoder<Row> outputEncoder() {
        return Encoders.row(METRICS);
    }
}
