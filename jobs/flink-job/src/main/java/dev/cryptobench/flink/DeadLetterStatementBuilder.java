package dev.cryptobench.flink;

import dev.cryptobench.common.DeadLetter;
import dev.cryptobench.common.EngineClock;
import dev.cryptobench.common.SinkStatements;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import org.apache.flink.connector.jdbc.JdbcStatementBuilder;

/** Binds a dead letter to its insert, stamped like {@link PriceRowStatementBuilder}. */
final class DeadLetterStatementBuilder implements JdbcStatementBuilder<DeadLetter> {

    @Override
    public void accept(PreparedStatement statement, DeadLetter letter) throws SQLException {
        SinkStatements.bindDeadLetter(statement, letter, EngineClock.nowMicros());
    }
}
