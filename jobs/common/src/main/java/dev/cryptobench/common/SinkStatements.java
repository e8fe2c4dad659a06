package dev.cryptobench.common;

import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * The two statements every engine runs, defined once so that all engines write exactly the same way.
 * Tables are created by the CLI, never by the jobs.
 */
public final class SinkStatements {

    /** Rows per JDBC batch when a job has no flag for it. */
    public static final int DEFAULT_BATCH_SIZE = 1000;

    private SinkStatements() {}

    /**
     * Inserts one event; a replay after a failure hits the primary key {@code (run_id, seq)} and is skipped,
     * so an engine never duplicates rows.
     */
    public static String insertPrice(String table) {
        return "INSERT INTO " + table + " (run_id, seq, symbol, price, size, event_time_us, intended_at_us,"
                + " produced_at_us, kafka_ts_us, engine_ts_us, kafka_partition, kafka_offset)"
                + " VALUES (?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT (run_id, seq) DO NOTHING";
    }

    /** Inserts one malformed record with its raw payload and the parser's reason. */
    public static String insertDeadLetter(String table) {
        return "INSERT INTO " + table + " (kafka_partition, kafka_offset, kafka_ts_us, engine_ts_us, payload, reason)"
                + " VALUES (?,?,?,?,?,?)";
    }

    /**
     * Binds a row to {@link #insertPrice}. {@code engineTsUs} is {@link EngineClock#nowMicros()} taken by the
     * caller at this moment, just before the row joins the batch.
     */
    public static void bindPrice(PreparedStatement statement, PriceRow row, long engineTsUs) throws SQLException {
        Event event = row.event();
        statement.setString(1, event.runId());
        statement.setLong(2, event.seq());
        statement.setString(3, event.symbol());
        statement.setBigDecimal(4, event.price());
        statement.setBigDecimal(5, event.size());
        statement.setLong(6, event.eventTimeUs());
        statement.setLong(7, event.intendedAtUs());
        statement.setLong(8, event.producedAtUs());
        statement.setLong(9, row.kafkaTsUs());
        statement.setLong(10, engineTsUs);
        statement.setInt(11, row.kafkaPartition());
        statement.setLong(12, row.kafkaOffset());
    }

    /** Binds a dead letter to {@link #insertDeadLetter}, stamped like {@link #bindPrice}. */
    public static void bindDeadLetter(PreparedStatement statement, DeadLetter letter, long engineTsUs)
            throws SQLException {
        statement.setInt(1, letter.kafkaPartition());
        statement.setLong(2, letter.kafkaOffset());
        statement.setLong(3, letter.kafkaTsUs());
        statement.setLong(4, engineTsUs);
        statement.setBytes(5, letter.payload());
        statement.setString(6, letter.reason());
    }
}
