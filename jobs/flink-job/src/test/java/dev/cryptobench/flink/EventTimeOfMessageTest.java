package dev.cryptobench.flink;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cryptobench.common.KafkaMessage;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class EventTimeOfMessageTest {

    private static long timestampOf(String json) {
        byte[] value = json == null ? null : json.getBytes(StandardCharsets.UTF_8);
        return new EventTimeOfMessage().extractTimestamp(new KafkaMessage(value, 0, 0, 0), 0);
    }

    private static String event(String runId, String symbol, long eventTimeUs) {
        return "{\"v\":1,\"run_id\":\"" + runId + "\",\"seq\":0,\"symbol\":\"" + symbol
                + "\",\"price\":\"1.5\",\"size\":\"2\",\"event_time\":" + eventTimeUs
                + ",\"intended_at\":2,\"produced_at\":3}";
    }

    @Test
    void gives_an_events_event_time_in_milliseconds_rounded_down() {
        assertEquals(1_700_000_000_123L, timestampOf(event("r", "ETH-USD", 1_700_000_000_123_999L)));
    }

    @Test
    void gives_probes_and_messages_that_are_no_event_a_timestamp_that_never_moves_a_watermark() {
        assertEquals(Long.MIN_VALUE, timestampOf(event("probe-1", "ETH-USD", 1_700_000_000_000_000L)));
        assertEquals(Long.MIN_VALUE, timestampOf(event("r", "PROBE", 1_700_000_000_000_000L)));
        assertEquals(Long.MIN_VALUE, timestampOf("{broken"));
        assertEquals(Long.MIN_VALUE, timestampOf(null));
    }
}
