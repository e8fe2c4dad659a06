package dev.cryptobench.common;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.SQLException;
import java.time.Instant;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class SmallTypesTest {

    @Test
    void turns_a_tombstone_into_an_empty_payload() {
        assertArrayEquals(new byte[0], new KafkaMessage(null, 0, 0, 0).value());
    }

    @Test
    void converts_the_Kafka_timestamp_from_milliseconds_to_microseconds() {
        assertEquals(1_700_000_000_123_000L, KafkaMessage.ofMillis(new byte[0], 2, 9, 1_700_000_000_123L).kafkaTsUs());
    }

    @Test
    void engine_clock_reads_epoch_microseconds() {
        long before = Instant.now().toEpochMilli() * 1000;
        long now = EngineClock.nowMicros();
        long after = (Instant.now().toEpochMilli() + 1) * 1000;
        assertTrue(before <= now && now <= after, () -> before + " <= " + now + " <= " + after);
    }

    @Test
    void adds_up_write_counts() {
        assertEquals(new WriteCounts(5, 3), new WriteCounts(2, 1).plus(new WriteCounts(3, 2)));
        assertEquals(new WriteCounts(2, 1), WriteCounts.ZERO.plus(new WriteCounts(2, 1)));
    }

    @Test
    void backs_off_exponentially_up_to_thirty_seconds_and_resets() {
        Backoff backoff = new Backoff();
        long[] expected = {1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000};
        for (long delay : expected) {
            assertEquals(delay, backoff.nextDelayMs());
        }
        backoff.reset();
        assertEquals(1_000, backoff.nextDelayMs());
    }

    @Test
    void treats_configuration_and_data_errors_as_fatal() {
        assertTrue(DbErrors.isFatal(new SQLException("auth", "28P01")));
        assertTrue(DbErrors.isFatal(new SQLException("no db", "3D000")));
        assertTrue(DbErrors.isFatal(new SQLException("no table", "42P01")));
        assertTrue(DbErrors.isFatal(new SQLException("no column", "42703")));
        assertTrue(DbErrors.isFatal(new SQLException("overflow", "22003")));
    }

    @Test
    void treats_connection_and_server_errors_as_transient() {
        assertFalse(DbErrors.isFatal(new SQLException("refused", "08001")));
        assertFalse(DbErrors.isFatal(new SQLException("admin shutdown", "57P01")));
        assertFalse(DbErrors.isFatal(new SQLException("too many connections", "53300")));
        assertFalse(DbErrors.isFatal(new SQLException("io")));
    }

    @Test
    void finds_the_database_error_inside_an_engine_failure() {
        SQLException cause = new SQLException("no table", "42P01");
        RuntimeException failure = new RuntimeException("task failed", new IllegalStateException(cause));
        assertSame(cause, DbErrors.findSqlException(failure));
        assertNull(DbErrors.findSqlException(new RuntimeException("other")));
    }

    @Test
    void describes_a_batch_error_with_its_underlying_cause() {
        SQLException batch = new SQLException("Batch entry 0 was aborted", "22P02");
        batch.setNextException(new SQLException("invalid input syntax"));
        assertEquals("SQLSTATE 22P02: Batch entry 0 was aborted (invalid input syntax)", DbErrors.describe(batch));
    }
}
