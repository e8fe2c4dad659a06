package dev.cryptobench.common;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks, before a job consumes anything, that PostgreSQL accepts its inserts: the credentials, the
 * database, every table and its columns. The server parses each statement without running it. A database
 * that is not up yet is waited for; a configuration error fails at once, naming the table.
 */
public final class SinkPreflight {

    private static final Logger LOG = LoggerFactory.getLogger(SinkPreflight.class);

    private SinkPreflight() {}

    /**
     * A statement a job will run besides the raw and dead-letter inserts, such as a gold upsert.
     *
     * @param table the table it writes, named in the error
     * @param sql   the statement
     */
    public record Insert(String table, String sql) {}

    /**
     * Returns when the raw and dead-letter inserts and {@code more} are accepted; throws when they cannot be,
     * now or after {@code waitMs}.
     */
    public static void check(SinkConfig sink, List<Insert> more, long waitMs) throws FatalSinkException {
        long deadline = System.currentTimeMillis() + waitMs;
        Backoff backoff = new Backoff();
        while (true) {
            try (Connection connection = sink.connect()) {
                describe(connection, sink, sink.table(), SinkStatements.insertPrice(sink.table()));
                describe(connection, sink, sink.deadLetterTable(),
                        SinkStatements.insertDeadLetter(sink.deadLetterTable()));
                for (Insert insert : more) {
                    describe(connection, sink, insert.table(), insert.sql());
                }
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
