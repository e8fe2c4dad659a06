package dev.cryptobench.flink;

import dev.cryptobench.common.EngineClock;
import dev.cryptobench.common.PriceRow;
import dev.cryptobench.common.SinkStatements;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import org.apache.flink.connector.jdbc.JdbcStatementBuilder;

/**
 * Binds a row to the raw insert. The JDBC sink calls this when it flushes a batch, so {@code engine_ts_us}
 * is stamped just before the write, as in the other jobs.
 */
final class PriceRowStatementBuilder implements JdbcStatementBuilder<PriceRow> {

    @Override
    public void accept(PreparedStatement statement, PriceRow row) throws SQLException {
        SinkStatements.bindPrice(statement, row, EngineClock.nowMicros());
    }
}
