package dev.cryptobench.common;

import java.io.Serializable;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

/**
 * Where a job writes: the PostgreSQL connection and its two tables. Serializable so Spark can ship it to
 * its tasks; {@link #toString()} never shows the password.
 *
 * @param jdbcUrl         e.g. {@code jdbc:postgresql://127.0.0.1:5432/cryptobench?reWriteBatchedInserts=true}
 * @param user            database user
 * @param password        database password, read from the password file
 * @param table           raw table, {@code crypto_prices_<engine>}
 * @param deadLetterTable dead-letter table, {@code dead_letters_<engine>}
 */
public record SinkConfig(String jdbcUrl, String user, String password, String table, String deadLetterTable)
        implements Serializable {

    /** Seconds to wait for the database to accept a connection before the attempt counts as failed. */
    private static final int CONNECT_TIMEOUT_SECONDS = 10;

    /** Opens a connection with autocommit off: every write is committed explicitly. */
    public Connection connect() throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", user);
        props.setProperty("password", password);
        props.setProperty("connectTimeout", Integer.toString(CONNECT_TIMEOUT_SECONDS));
        props.setProperty("ApplicationName", "crypto-bench");
        Connection connection = DriverManager.getConnection(jdbcUrl, props);
        connection.setAutoCommit(false);
        return connection;
    }

    @Override
    public String toString() {
        return "SinkConfig[jdbcUrl=" + jdbcUrl + ", user=" + user + ", table=" + table
                + ", deadLetterTable=" + deadLetterTable + "]";
    }
}
