package dev.cryptobench.baseline;

import java.sql.SQLException;
import java.util.Collection;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Under exactly-once, moves each assigned partition to the offset stored with the rows ({@link OffsetStore}):
 * the database, not Kafka, says what was consumed. A partition without a stored offset starts where the group's
 * Kafka offsets say. A database that cannot be read fails the poll (and the job), rather than replaying.
 */
final class SeekToStoredOffsets implements ConsumerRebalanceListener {

    private static final Logger LOG = LoggerFactory.getLogger(SeekToStoredOffsets.class);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final OffsetStore offsets;

    SeekToStoredOffsets(KafkaConsumer<byte[], byte[]> consumer, OffsetStore offsets) {
        this.consumer = consumer;
        this.offsets = offsets;
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
        Map<TopicPartition, Long> stored;
        try {
            stored = offsets.read(partitions);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the stored offsets from " + OffsetStore.TABLE, e);
        }
        stored.forEach(consumer::seek);
        LOG.info("exactly-once: resuming {} partition(s) from the offsets stored with the rows: {}",
                stored.size(), stored);
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
        // Offsets are written with every poll's rows; nothing is pending when partitions go.
    }
}
