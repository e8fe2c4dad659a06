package dev.cryptobench.flink;

import dev.cryptobench.common.EventParser;
import dev.cryptobench.common.KafkaMessage;
import dev.cryptobench.common.ParseResult;
import dev.cryptobench.common.Probes;
import org.apache.flink.api.common.eventtime.SerializableTimestampAssigner;

/**
 * Flink's event timestamp of a Kafka message, assigned in the source so that each Kafka partition keeps a
 * watermark of its own: the event's {@code event_time} (µs) in milliseconds, rounded down. The message is parsed
 * here with the parser {@link ParseEvents} uses (about a microsecond per event, paid twice), so both agree on
 * every message.
 *
 * <p>A message that is no valid event (it goes to the dead letters) and a health probe (it carries the wall clock
 * and is kept out of the gold branch) get {@link Long#MIN_VALUE}: a timestamp that never moves a watermark.
 */
final class EventTimeOfMessage implements SerializableTimestampAssigner<KafkaMessage> {
    @Override
    public long extractTimestamp(KafkaMessage message, long recordTimestamp) {
        ParseResult parsed = EventParser.parse(message.value());
        if (!parsed.isValid() || Probes.isProbe(parsed.event())) {
            return Long.MIN_VALUE;
        }
        return Math.floorDiv(parsed.event().eventTimeUs(), 1_000L);
    }
}
