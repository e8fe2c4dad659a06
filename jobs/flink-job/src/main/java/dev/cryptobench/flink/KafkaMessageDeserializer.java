package dev.cryptobench.flink;

import dev.cryptobench.common.KafkaMessage;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** Keeps a Kafka record's raw value with its partition, offset and timestamp; parsing happens downstream. */
final class KafkaMessageDeserializer implements KafkaRecordDeserializationSchema<KafkaMessage> {

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<KafkaMessage> out) {
        out.collect(KafkaMessage.ofMillis(record.value(), record.partition(), record.offset(), record.timestamp()));
    }

    @Override
    public TypeInformation<KafkaMessage> getProducedType() {
        return TypeInformation.of(KafkaMessage.class);
    }
}
