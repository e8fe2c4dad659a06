package dev.cryptobench.baseline;

import dev.cryptobench.common.Cli;
import dev.cryptobench.common.Delivery;
import dev.cryptobench.common.FatalSinkException;
import dev.cryptobench.common.WriteCounts;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One consumer thread of the baseline: its own KafkaConsumer in the job's consumer group and its own JDBC
 * connection ({@link ReconnectingWriter}), so threads share nothing but the stop signal. Whatever a poll returns
 * is written at once and committed in PostgreSQL; only then are the offsets committed to Kafka, asynchronously
 * (at-least-once), or, under exactly-once, they were written in the rows' transaction ({@link OffsetStore}) and
 * the consumer seeks to them whenever it is assigned a partition. Kafka gives each partition to one consumer of
 * the group, so two threads never write offsets of the same partition at once: a partition moves to another
 * thread only after its previous owner's poll gave it up, which is after that owner's last write committed.
 */
final class ConsumerLoop implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(ConsumerLoop.class);

    private static final long PROGRESS_EVERY_MS = 10_000;

    private final BaselineArgs options;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final CountDownLatch stop;
    /** "consumer 2/4": which thread this is, in its log lines. */
    private final String name;

    ConsumerLoop(BaselineArgs options, KafkaConsumer<byte[], byte[]> consumer, CountDownLatch stop, int index) {
        this.options = options;
        this.consumer = consumer;
        this.stop = stop;
        this.name = threadName(index, options.threads());
    }

    /** How thread {@code index} (0-based) of {@code threads} calls itself in the log: "consumer 1/2". */
    static String threadName(int index, int threads) {
        return "consumer " + (index + 1) + "/" + threads;
    }

    /** Interrupts a poll in progress from another thread (the only consumer call that is thread-safe). */
    void wakeup() {
        consumer.wakeup();
    }

    /** The poll loop; returns the exit code (0 once stopped). */
    @Override
    public Integer call() {
        Duration pollTimeout = Duration.ofMillis(options.pollTimeoutMs());
        WriteCounts sinceLastLog = WriteCounts.ZERO;
        long lastLogMs = System.currentTimeMillis();
        OffsetStore offsets = options.common().delivery() == Delivery.EXACTLY_ONCE
                ? new OffsetStore(options.common().sink(), options.common().group()) : null;
        try (ReconnectingWriter writer = new ReconnectingWriter(options.common().sink(), options.batchSize(), stop,
                offsets)) {
            ConsumerRebalanceListener seek = offsets == null ? null : new SeekToStoredOffsets(consumer, offsets);
            consumer.subscribe(List.of(options.common().topic()), new LogAssignment(name, seek));
            while (stop.getCount() > 0) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(pollTimeout);
                if (!records.isEmpty()) {
                    Optional<WriteCounts> counts = writer.write(records);
                    if (counts.isEmpty()) {
                        break;
                    }
                    commit(records);
                    sinceLastLog = sinceLastLog.plus(counts.get());
                }
                long nowMs = System.currentTimeMillis();
                if (nowMs - lastLogMs >= PROGRESS_EVERY_MS) {
                    if (!sinceLastLog.equals(WriteCounts.ZERO)) {
                        LOG.info("{}: last {}s: rows={} dead={}", name, (nowMs - lastLogMs) / 1000,
                                sinceLastLog.rows(), sinceLastLog.deadLetters());
                    }
                    sinceLastLog = WriteCounts.ZERO;
                    lastLogMs = nowMs;
                }
            }
            return 0;
        } catch (WakeupException e) {
            return 0;
        } catch (FatalSinkException e) {
            LOG.error("crypto-bench: {}", e.getMessage());
            return Cli.EXIT_CONFIG;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        } catch (RuntimeException e) {
            LOG.error("crypto-bench: {} failed", name, e);
            return 1;
        } finally {
            LOG.info("{}: stopping: closing the consumer", name);
            consumer.close();
        }
    }

    /**
     * Commits the offsets after this poll's records without waiting for the broker (a later commit covers a
     * failed one; {@code close()} waits for those in flight); a failure only means a replay.
     */
    private void commit(ConsumerRecords<byte[], byte[]> records) {
        consumer.commitAsync(records.nextOffsets(), (committed, e) -> {
            if (e != null) {
                LOG.warn("{}: offset commit failed ({}); these records may be delivered again", name, e.getMessage());
            }
        });
    }

    /**
     * Logs each thread's partitions as Kafka assigns them (how many threads really consume shows here), then
     * hands the assignment on (under exactly-once, to {@link SeekToStoredOffsets}).
     */
    private record LogAssignment(String name, ConsumerRebalanceListener next) implements ConsumerRebalanceListener {

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            LOG.info("{}: assigned partitions {}", name, partitions.stream()
                    .map(TopicPartition::partition).sorted().toList());
            if (next != null) {
                next.onPartitionsAssigned(partitions);
            }
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            if (next != null) {
                next.onPartitionsRevoked(partitions);
            }
        }
    }
}
