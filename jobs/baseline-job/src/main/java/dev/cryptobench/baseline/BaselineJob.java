package dev.cryptobench.baseline;

import dev.cryptobench.common.Cli;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The floor: plain KafkaConsumer poll loops, as fast as a consumer and a JDBC writer can be. {@code --threads N}
 * runs N of them ({@link ConsumerLoop}), each its own KafkaConsumer in the one consumer group and its own JDBC
 * connection, so Kafka spreads the partitions over them; one thread (the default) is the floor of
 * docs/floor.md. Whatever a poll returns is written at once (no waiting to fill a batch) and committed in
 * PostgreSQL, and only then are the offsets committed to Kafka, asynchronously, so the next poll does not wait
 * for the broker's answer. At-least-once: a crash replays what was written but not yet committed in Kafka, and
 * the inserts skip the replayed rows. With {@code --delivery exactly-once} the offsets are written in the rows'
 * transaction instead and each consumer starts from them ({@link OffsetStore}), so nothing is written twice.
 * SIGTERM ends every loop cleanly; a thread that fails ends the others and the job, with its exit code.
 */
public final class BaselineJob {

    private static final Logger LOG = LoggerFactory.getLogger(BaselineJob.class);

    private static final long SHUTDOWN_WAIT_MS = 10_000;

    /** Longest the start-up check of the topic's partitions waits: a broker that is down must not hold the job. */
    private static final Duration PARTITIONS_TIMEOUT = Duration.ofSeconds(5);

    private BaselineJob() {}

    public static void main(String[] args) {
        BaselineArgs options = Cli.parseOrExit(args, BaselineArgs::fromArgs, BaselineArgs.USAGE);
        Cli.checkSinkOrExit(options.common().sink(), LOG);

        CountDownLatch stop = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(1);
        AtomicBoolean signalled = new AtomicBoolean();
        List<ConsumerLoop> loops = new ArrayList<>();
        for (int i = 0; i < options.threads(); i++) {
            loops.add(new ConsumerLoop(options, new KafkaConsumer<>(consumerProperties(options, i),
                    new ByteArrayDeserializer(), new ByteArrayDeserializer()), stop, i));
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            signalled.set(true);
            stopAll(stop, loops);
            try {
                done.await(SHUTDOWN_WAIT_MS, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "baseline-shutdown"));

        warnIfIdle(options, loops.size());
        LOG.info("crypto-bench: baseline job running (topic={} group={} table={} delivery={} threads={})",
                options.common().topic(), options.common().group(), options.common().sink().table(),
                options.common().delivery(), options.threads());
        int exitCode = runAll(loops, () -> stopAll(stop, loops));
        done.countDown();
        if (!signalled.get()) {
            // Not a signal: leave with the loops' exit code (during a shutdown the JVM is already exiting).
            System.exit(exitCode);
        }
    }

    /**
     * Runs every loop on its own thread until all have ended. A loop only ends by itself when it failed: the
     * others are then stopped too, and the job's exit code is the first non-zero one.
     */
    static int runAll(List<? extends Callable<Integer>> loops, Runnable stopOthers) {
        ExecutorService threads = Executors.newFixedThreadPool(loops.size(), new NamedThreads());
        ExecutorCompletionService<Integer> finished = new ExecutorCompletionService<>(threads);
        List<Future<Integer>> futures = loops.stream().map(finished::submit).toList();
        int exitCode = 0;
        try {
            for (int i = 0; i < futures.size(); i++) {
                int code = exitCodeOf(finished.take());
                if (exitCode == 0) {
                    exitCode = code;
                }
                // The first loop to end ends them all (after a signal they are ending anyway).
                stopOthers.run();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopOthers.run();
        } finally {
            threads.shutdown();
        }
        return exitCode;
    }

    private static void stopAll(CountDownLatch stop, List<ConsumerLoop> loops) {
        stop.countDown();
        loops.forEach(ConsumerLoop::wakeup);
    }

    private static int exitCodeOf(Future<Integer> future) throws InterruptedException {
        try {
            return future.get();
        } catch (ExecutionException e) {
            LOG.error("crypto-bench: a consumer thread failed", e.getCause());
            return 1;
        }
    }

    /**
     * Kafka gives each partition to one consumer of a group: threads beyond the topic's partitions get none.
     * The CLI refuses that before it starts the job; run by hand, the job says so and runs anyway.
     */
    private static void warnIfIdle(BaselineArgs options, int threads) {
        if (threads == 1) {
            return;
        }
        try (KafkaConsumer<byte[], byte[]> probe = new KafkaConsumer<>(consumerProperties(options, threads),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<PartitionInfo> partitions = probe.partitionsFor(options.common().topic(), PARTITIONS_TIMEOUT);
            int idle = idleThreads(threads, partitions == null ? 0 : partitions.size());
            if (idle > 0) {
                LOG.warn("crypto-bench: {} consumer threads for {} partitions of {}: {} will stay idle", threads,
                        partitions.size(), options.common().topic(), idle);
            }
        } catch (RuntimeException e) {
            LOG.warn("crypto-bench: could not read the partitions of {} ({})", options.common().topic(),
                    e.getMessage());
        }
    }

    /** Threads that get no partition when {@code threads} consumers of one group share {@code partitions}. */
    static int idleThreads(int threads, int partitions) {
        return Math.max(0, threads - partitions);
    }

    /**
     * The broker answers a fetch as soon as one byte is there (fetch.min.bytes=1); an empty fetch returns
     * after {@link #FETCH_MAX_WAIT_MS}, so a poll never sits on a partition that has nothing new.
     */
    static final int FETCH_MAX_WAIT_MS = 10;

    /**
     * Consumer settings of thread {@code index}: this job's group, earliest offsets for a new group, offsets
     * committed by hand, fetches answered as soon as anything arrives, and a client id per thread (the group's
     * id for the first, so a one-thread job looks as it always did).
     */
    static Properties consumerProperties(BaselineArgs options, int index) {
        Properties props = new Properties();
        props.putAll(options.common().kafkaProperties());
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, options.common().bootstrap());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, options.common().group());
        props.put(ConsumerConfig.CLIENT_ID_CONFIG,
                index == 0 ? options.common().group() : options.common().group() + "-" + index);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Integer.toString(options.batchSize()));
        props.put(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, "1");
        props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, Integer.toString(FETCH_MAX_WAIT_MS));
        return props;
    }

    /** Names the pool's threads "baseline-consumer-N", as thread dumps show them. */
    private static final class NamedThreads implements ThreadFactory {
        private int next = 1;

        @Override
        public synchronized Thread newThread(Runnable task) {
            return new Thread(task, "baseline-consumer-" + next++);
        }
    }
}
