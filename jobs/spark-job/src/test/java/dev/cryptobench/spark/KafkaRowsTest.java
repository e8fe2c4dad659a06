package dev.cryptobench.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cryptobench.common.KafkaMessage;
import java.nio.charset.StandardCharsets;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class KafkaRowsTest {

    @Test
    void turns_a_row_of_the_selected_columns_into_a_message() {
        byte[] value = "{}".getBytes(StandardCharsets.UTF_8);
        KafkaMessage message = KafkaRows.toMessage(RowFactory.create(value, 2, 41L, 1_700_000_000_123_000L));
        assertArrayEquals(value, message.value());
        assertEquals(2, message.partition());
        assertEquals(41L, message.offset());
        assertEquals(1_700_000_000_123_000L, message.kafkaTsUs());
    }

    @Test
    void turns_a_tombstone_into_an_empty_payload() {
        KafkaMessage message = KafkaRows.toMessage(RowFactory.create(null, 0, 0L, 0L));
        assertArrayEquals(new byte[0], message.value());
    }

    @Test
    void selects_the_broker_timestamp_in_microseconds() {
        assertEquals("unix_micros(timestamp) AS kafka_ts_us", KafkaRows.COLUMNS[3]);
    }
}
