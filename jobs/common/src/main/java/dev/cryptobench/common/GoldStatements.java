package dev.cryptobench.common;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * The upsert both engines write gold rows with, keyed by run, window and symbol. A window written again (an update of a window still open, or
 * a replay after a failure) overwrites its row, so rewriting is idempotent. A single JDBC batch must not hold
 * the same (window, symbol) twice: PostgreSQL refuses to update one row twice in one statement, and the
 * driver may rewrite a batch into one multi-row INSERT.
 */
public final class GoldStatements {

    private GoldStatements() {}

    /**
     * Inserts or overwrites the row of {@code (run_id, window_start, symbol)}; {@code write_count} counts the
     * writes of the row, so a window rewritten after it was first written shows.
     */
    public static String upsert(String table) {
        return "INSERT INTO " + table + " AS g (run_id, window_start, window_end, symbol, open, high, low, close,"
                + " avg_price, vwap, volume, trade_count, price_stddev) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)"
                + " ON CONFLICT (run_id, window_start, symbol) DO UPDATE SET window_end = EXCLUDED.window_end,"
                + " open = EXCLUDED.open, high = EXCLUDED.high, low = EXCLUDED.low, close = EXCLUDED.close,"
                + " avg_price = EXCLUDED.avg_price, vwap = EXCLUDED.vwap, volume = EXCLUDED.volume,"
                + " trade_count = EXCLUDED.trade_count, price_stddev = EXCLUDED.price_stddev,"
                + " write_count = g.write_count + 1";
    }

    /** Binds a row to {@link #upsert}; window bounds become {@code timestamptz} values. */
    public static void bind(PreparedStatement statement, GoldRow row) throws SQLException {
        GoldMetrics metrics = row.metrics();
        statement.setString(1, row.runId());
        statement.setObject(2, timestamp(row.windowStartUs()));
        statement.setObject(3, timestamp(row.windowEndUs()));
        statement.setString(4, row.symbol());
        statement.setBigDecimal(5, metrics.open());
        statement.setBigDecimal(6, metrics.high());
        statement.setBigDecimal(7, metrics.low());
        statement.setBigDecimal(8, metrics.close());
        statement.setBigDecimal(9, metrics.avgPrice());
        if (metrics.vwap() == null) {
            statement.setNull(10, Types.NUMERIC);
        } else {
            statement.setBigDecimal(10, metrics.vwap());
        }
        statement.setBigDecimal(11, metrics.volume());
        statement.setLong(12, metrics.tradeCount());
        statement.setDouble(13, metrics.priceStddev());
    }

    /** Epoch microseconds as a UTC timestamp, which the driver sends as {@code timestamptz}. */
    static OffsetDateTime timestamp(long epochMicros) {
        Instant instant = Instant.ofEpochSecond(
                Math.floorDiv(epochMicros, 1_000_000L), Math.floorMod(epochMicros, 1_000_000L) * 1_000L);
        return instant.atOffset(ZoneOffset.UTC);
    }
}
