package dev.cryptobench.flink;

import dev.cryptobench.common.PriceRow;
import org.apache.flink.api.common.eventtime.SerializableTimestampAssigner;

/** Flink's event timestamp of a row: the event's {@code event_time} (µs) in milliseconds, rounded down. */
final class EventTimeOf implements SerializableTimestampAssigner<PriceRow> {

    @Override
    public long extractTimestamp(PriceRow row, long recordTimestamp) {
        return Math.floorDiv(row.event().eventTimeUs(), 1_000L);
    }
}
