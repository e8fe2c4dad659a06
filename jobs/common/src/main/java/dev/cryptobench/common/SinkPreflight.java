package dev.cryptobench.common;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks, before a job consumes anything, that PostgreSQL accepts its two inserts: the credentials, the
 * database, both tables and their columns. The server parses each statement without running it. A database
 * that is not up yet is waited for; a configuration error fails at once, naming the table.
 */
public final class SinkPreflight {

    private static final Logger LOG = LoggerFactory.getLogger(SinkPreflight.class);

    private SinkPreflight() {}

    /** Returns when both statements are accepted; throws when they cannot be, now or after {@code waitMs}. */
    public static void check(SinkConfig sink, long waitMs) throws FatalSinkException {
        long deadline = System.currentTimeMillis() + waitMs;
        Backoff backoff = new Backoff();
        while (true) {
            try (Connection connection = sink.connect()) {
                describe(connection, sink, sink.table(), SinkStatements.insertPrice(sink.table()));
                describe(connection, sink, sink.deadLetterTable(),
                        SinkStatements.insertDeadLetter(sink.deadLetterTable()));
                connection.rollback();
                return;
            } catch (SQLException e) {
                if (DbErrors.isFatal(e)) {
                    throw new FatalSinkException("cannot use PostgreSQL at " + sink.jdbcUrl() + " as user "
                            + sink.user() + ": " + DbErrors.describe(e), e);
                }
                long delay = backoff.nextDelayMs();
                if (System.currentTimeMillis() + delay > deadline) {
                    throw new FatalSinkException("PostgreSQL at " + sink.jdbcUrl() + " is not reachable: "
                            + DbErrors.describe(e), e);
                }
                LOG.warn("PostgreSQL not ready ({}), retrying in {} ms", DbErrors.describe(e), delay);
                sleep(delay);
            }
        }
    }

    /** Has the server parse {@code sql} (without running it) so that a missing table or column shows now. */
    private static void describe(Connection connection, SinkConfig sink, String table, String sql)
            throws SQLException, FatalSinkException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.getParameterMetaData();
        } catch (SQLException e) {
            if (DbErrors.isFatal(e)) {
                throw new FatalSinkException("cannot insert into table " + table + " (" + sink.jdbcUrl() + "): "
                        + DbErrors.describe(e), e);
            }
            throw e;
        }
    }

    private static void sleep(long ms) throws FatalSinkException {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FatalSinkException("interrupted while waiting for PostgreSQL", e);
        }
    }
}
