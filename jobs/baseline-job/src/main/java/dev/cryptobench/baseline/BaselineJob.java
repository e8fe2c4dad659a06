package dev.cryptobench.baseline;

import dev.cryptobench.common.Cli;
import dev.cryptobench.common.FatalSinkException;
import dev.cryptobench.common.WriteCounts;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The floor: a plain KafkaConsumer poll loop. Per poll it parses the records, writes them to PostgreSQL in
 * one transaction, and only then commits the offsets, so a crash replays at most one poll (and the inserts
 * skip the replayed rows). SIGTERM ends the loop cleanly.
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

    /** Consumer settings: this job's group, earliest offsets for a new group, offsets committed by hand. */
    static Properties consumerProperties(BaselineArgs options) {
        Properties props = new Properties();
        props.putAll(options.common().kafkaProperties());
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, options.common().bootstrap());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, options.common().group());
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, options.common().group());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Integer.toString(options.batchSize()));
        return props;
    }

    /** The poll loop; returns the exit code. */
    private int run() {
        Duration pollTimeout = Duration.ofMillis(options.pollTimeoutMs());
        WriteCounts sinceLastLog = WriteCounts.ZERO;
        long lastLogMs = System.currentTimeMillis();
        try (ReconnectingWriter writer = new ReconnectingWriter(options.common().sink(), options.batchSize(), stop)) {
            consumer.subscribe(List.of(options.common().topic()));
            LOG.info("crypto-bench: baseline job running (topic={} group={} table={})", options.common().topic(),
                    options.common().group(), options.common().sink().table());
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

    /** Commits the offsets after this poll's records; a lost group membership only means a replay. */
    private void commit(ConsumerRecords<byte[], byte[]> records) {
        try {
            consumer.commitSync(records.nextOffsets());
        } catch (CommitFailedException | RebalanceInProgressException e) {
            LOG.warn("offset commit failed ({}); these records will be delivered again", e.getMessage());
        }
    }
}
