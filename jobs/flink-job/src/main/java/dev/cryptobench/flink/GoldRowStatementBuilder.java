package dev.cryptobench.flink;

import dev.cryptobench.common.GoldRow;
import dev.cryptobench.common.GoldStatements;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import org.apache.flink.connector.jdbc.JdbcStatementBuilder;

/** Binds a gold row to its table's upsert. */
final class GoldRowStatementBuilder implements JdbcStatementBuilder<GoldRow> {

    @Override
    public void accept(PreparedStatement statement, GoldRow row) throws SQLException {
        GoldStatements.bind(statement, row);
    }
}
