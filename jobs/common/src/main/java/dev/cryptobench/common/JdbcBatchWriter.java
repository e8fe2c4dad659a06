package dev.cryptobench.common;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;

/**
 * Writes Kafka messages to the raw and dead-letter tables in JDBC batches, one transaction per
 * {@link #commit()} ({@link #open}), or one implicit transaction per batch sent ({@link #openAutoCommit}).
 * Used by the Spark and baseline jobs; Flink's JDBC sink uses {@link SinkStatements} directly. Not
 * thread-safe.
 */
public final class JdbcBatchWriter implements AutoCloseable {

    private final Connection connection;
    private final PreparedStatement prices;
    private final PreparedStatement deadLetters;
    private final int batchSize;
    private final boolean autoCommit;
    private int pendingPrices;
    private int pendingDeadLetters;
    private long rows;
    private long dead;

    private JdbcBatchWriter(Connection connection, SinkConfig sink, int batchSize, boolean autoCommit)
            throws SQLException {
        this.connection = connection;
        this.autoCommit = autoCommit;
        this.prices = connection.prepareStatement(SinkStatements.insertPrice(sink.table()));
        this.deadLetters = connection.prepareStatement(SinkStatements.insertDeadLetter(sink.deadLetterTable()));
        this.batchSize = batchSize;
    }

    /** Connects to the sink; rows are sent every {@code batchSize} events and on {@link #commit()}. */
    public static JdbcBatchWriter open(SinkConfig sink, int batchSize) throws SQLException {
        return open(sink, batchSize, false);
    }

    /**
     * Like {@link #open}, but on an autocommit connection: each batch sent is its own implicit transaction
     * (the driver sends the whole batch before one Sync, so it commits once), which saves the separate
     * COMMIT round trip per write. Rows and dead letters then commit separately: fine for at-least-once
     * writers, not for one that must commit something else in the same transaction.
     */
    public static JdbcBatchWriter openAutoCommit(SinkConfig sink, int batchSize) throws SQLException {
        return open(sink, batchSize, true);
    }

    private static JdbcBatchWriter open(SinkConfig sink, int batchSize, boolean autoCommit) throws SQLException {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be >= 1, got " + batchSize);
        }
        Connection connection = sink.connect();
        try {
            connection.setAutoCommit(autoCommit);
            return new JdbcBatchWriter(connection, sink, batchSize, autoCommit);
        } catch (SQLException e) {
            connection.close();
            throw e;
        }
    }

    /** Parses one message and adds it to the raw batch, or to the dead letters if it breaks the contract. */
    public void write(KafkaMessage message) throws SQLException {
        ParseResult result = EventParser.parse(message.value());
        if (result.isValid()) {
            SinkStatements.bindPrice(prices, PriceRow.of(result.event(), message), EngineClock.nowMicros());
            prices.addBatch();
            rows++;
            if (++pendingPrices >= batchSize) {
                flushPrices();
            }
        } else {
            DeadLetter letter = DeadLetter.of(message, result.reason());
            SinkStatements.bindDeadLetter(deadLetters, letter, EngineClock.nowMicros());
            deadLetters.addBatch();
            dead++;
            pendingDeadLetters++;
        }
    }

    /**
     * Runs {@code sql} once per parameter row in this writer's open transaction, so that it commits or rolls back
     * with the rows: a commit marker, the consumed offsets. Returns each statement's update count.
     */
    public int[] executeWithRows(String sql, List<Object[]> parameterRows) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            for (Object[] parameters : parameterRows) {
                for (int i = 0; i < parameters.length; i++) {
                    statement.setObject(i + 1, parameters[i]);
                }
                statement.addBatch();
            }
            return statement.executeBatch();
        }
    }

    /** Sends what is pending, commits the transaction (autocommit: already done) and returns what it held. */
    public WriteCounts commit() throws SQLException {
        flushPrices();
        if (pendingDeadLetters > 0) {
            deadLetters.executeBatch();
            pendingDeadLetters = 0;
        }
        if (!autoCommit) {
            connection.commit();
        }
        WriteCounts counts = new WriteCounts(rows, dead);
        rows = 0;
        dead = 0;
        return counts;
    }

    private void flushPrices() throws SQLException {
        if (pendingPrices > 0) {
            prices.executeBatch();
            pendingPrices = 0;
        }
    }

    /** Rolls back anything not committed and closes the connection. */
    @Override
    public void close() throws SQLException {
        try {
            if (!autoCommit && !connection.isClosed() && (rows > 0 || dead > 0)) {
                connection.rollback();
            }
        } finally {
            connection.close();
        }
    }
}
