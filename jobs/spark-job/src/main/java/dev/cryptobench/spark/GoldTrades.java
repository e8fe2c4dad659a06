package dev.cryptobench.spark;

import dev.cryptobench.common.Event;
import dev.cryptobench.common.EventParser;
import dev.cryptobench.common.ParseResult;
import dev.cryptobench.common.Probes;
import java.util.Collections;
import java.util.Iterator;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The trades the gold queries aggregate: each Kafka value parsed by the one {@link EventParser}; malformed
 * records (the raw query dead-letters them) and health probes yield nothing. Prices and sizes stay exact, as
 * decimal strings.
 */
final class GoldTrades implements FlatMapFunction<Row, Row> {

    /** Columns of a trade. */
    static final StructType SCHEMA = new StructType()
            .add("run_id", DataTypes.StringType, false)
            .add("symbol", DataTypes.StringType, false)
            .add("price", DataTypes.StringType, false)
            .add("size", DataTypes.StringType, false)
            .add("event_time_us", DataTypes.LongType, false)
            .add("seq", DataTypes.LongType, false);

    @Override
    public Iterator<Row> call(Row record) {
        byte[] value = record.isNullAt(0) ? null : (byte[]) record.get(0);
        ParseResult result = EventParser.parse(value);
        if (!result.isValid() || Probes.isProbe(result.event())) {
            return Collections.emptyIterator();
        }
        Event event = result.event();
        return Collections.singletonList(RowFactory.create(event.runId(), event.symbol(), event.price().toString(),
                event.size().toString(), event.eventTimeUs(), event.seq())).iterator();
    }
}
