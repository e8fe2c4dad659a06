package dev.cryptobench.common;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class SinkStatementsTest {

    @Test
    void inserts_a_price_row_and_skips_replays_by_primary_key() {
        assertEquals("INSERT INTO crypto_prices_flink (run_id, seq, symbol, price, size, event_time_us,"
                + " intended_at_us, produced_at_us, kafka_ts_us, engine_ts_us, kafka_partition, kafka_offset)"
                + " VALUES (?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT (run_id, seq) DO NOTHING",
                SinkStatements.insertPrice("crypto_prices_flink"));
    }

    @Test
    void inserts_a_dead_letter() {
        assertEquals("INSERT INTO dead_letters_flink (kafka_partition, kafka_offset, kafka_ts_us, engine_ts_us,"
                + " payload, reason) VALUES (?,?,?,?,?,?)", SinkStatements.insertDeadLetter("dead_letters_flink"));
    }
}
