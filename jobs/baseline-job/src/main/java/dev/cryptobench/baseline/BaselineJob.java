package dev.cryptobench.baseline;

import dev.cryptobench.common.Cli;
import dev.cryptobench.common.Delivery;
import dev.cryptobench.common.FatalSinkException;
import dev.cryptobench.common.WriteCounts;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The floor: a plain KafkaConsumer poll loop, as fast as a consumer and a JDBC writer can be. Whatever a
 * poll returns is written at once (no waiting to fill a batch) and committed in PostgreSQL, and only then
 * are the offsets committed to Kafka, asynchronously, so the next poll does not wait for the broker's
 * answer. At-least-once: a crash replays what was written but not yet committed in Kafka, and the inserts
 * skip the replayed rows. With {@code --delivery exactly-once} the offsets are written in the rows'
 * transaction instead and the consumer starts from them ({@link OffsetStore}), so nothing is written twice.
 * SIGTERM ends the loop cleanly. docs/floor.md compares it with Kafka's and PostgreSQL's own latencies.
 */
public final class BaselineJob {

    private static final Logger LOG = LoggerFactory.getLogger(BaselineJob.class);

    private static final long PROGRESS_EVERY_MS = 10_000;
    private static final long SHUTDOWN_WAIT_MS = 10_000;

    private final BaselineArgs options;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final CountDownLatch stop;

    private BaselineJob(BaselineArgs options, KafkaConsumer<byte[], byte[]> consumer, CountDownLatch stop) {
        this.options = options;
        this.consumer = consumer;
        this.stop = stop;
    }

    public static void main(String[] args) {
        BaselineArgs options = Cli.parseOrExit(args, BaselineArgs::fromArgs, BaselineArgs.USAGE);
        Cli.checkSinkOrExit(options.common().sink(), LOG);

        CountDownLatch stop = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(1);
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(
                consumerProperties(options), new ByteArrayDeserializer(), new ByteArrayDeserializer());
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stop.countDown();
            consumer.wakeup();
            try {
                done.await(SHUTDOWN_WAIT_MS, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "baseline-shutdown"));

        int exitCode = new BaselineJob(options, consumer, stop).run();
        done.countDown();
        if (stop.getCount() > 0) {
            // Not a signal: leave with the loop's exit code (during a shutdown the JVM is already exiting).
            System.exit(exitCode);
        }
    }

    /**
     * The broker answers a fetch as soon as one byte is there (fetch.min.bytes=1); an empty fetch returns
     * after {@link #FETCH_MAX_WAIT_MS}, so a poll never sits on a partition that has nothing new.
     */
    static final int FETCH_MAX_WAIT_MS = 10;

    /**
     * Consumer settings: this job's group, earliest offsets for a new group, offsets committed by hand, and
     * fetches answered as soon as anything arrives.
     */
    static Properties consumerProperties(BaselineArgs options) {
        Properties props = new Properties();
        props.putAll(options.common().kafkaProperties());
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, options.common().bootstrap());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, options.common().group());
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, options.common().group());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Integer.toString(options.batchSize()));
        props.put(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, "1");
        props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, Integer.toString(FETCH_MAX_WAIT_MS));
        return props;
    }

    /** The poll loop; returns the exit code. */
    private int run() {
        Duration pollTimeout = Duration.ofMillis(options.pollTimeoutMs());
        WriteCounts sinceLastLog = WriteCounts.ZERO;
        long lastLogMs = System.currentTimeMillis();
        OffsetStore offsets = options.common().delivery() == Delivery.EXACTLY_ONCE
                ? new OffsetStore(options.common().sink(), options.common().group()) : null;
        try (ReconnectingWriter writer = new ReconnectingWriter(options.common().sink(), options.batchSize(), stop,
                offsets)) {
            if (offsets == null) {
                consumer.subscribe(List.of(options.common().topic()));
            } else {
                consumer.subscribe(List.of(options.common().topic()), new SeekToStoredOffsets(consumer, offsets));
            }
            LOG.info("crypto-bench: baseline job running (topic={} group={} table={} delivery={})",
                    options.common().topic(), options.common().group(), options.common().sink().table(),
                    options.common().delivery());
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
                        LOG.info("last {}s: rows={} dead={}", (nowMs - lastLogMs) / 1000, sinceLastLog.rows(),
                                sinceLastLog.deadLetters());
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
        } finally {
            LOG.info("stopping: closing the consumer");
            consumer.close();
        }
    }

    /**
     * Commits the offsets after this poll's records without waiting for the broker (a later commit covers a
     * failed one; {@code close()} waits for those in flight); a failure only means a replay.
     */
    private void commit(ConsumerRecords<byte[], byte[]> records) {
        consumer.commitAsync(records.nextOffsets(), (offsets, e) -> {
            if (e != null) {
                LOG.warn("offset commit failed ({}); these records may be delivered again", e.getMessage());
            }
        });
    }
}
