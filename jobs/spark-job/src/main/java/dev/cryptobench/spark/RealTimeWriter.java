package dev.cryptobench.spark;

import dev.cryptobench.common.JdbcBatchWriter;
import dev.cryptobench.common.KafkaMessage;
import dev.cryptobench.common.SinkConfig;
import java.sql.SQLException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.ForeachWriter;
import org.apache.spark.sql.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The raw sink in Real-Time Mode, which hands a task's rows over one at a time (it does not support
 * foreachBatch). Each long-running task gets one writer and one connection. Rows go through a queue to a writer
 * thread that takes every row waiting, binds each (stamping {@code engine_ts_us}), writes them in one JDBC batch
 * and commits: a lone row is written at once, and under load rows group into batches of up to
 * {@code batchSize} instead of queueing behind one commit each. Same inserts as the micro-batch path.
 *
 * <p>Spark commits the Kafka offsets of a real-time batch after {@link #close} returns, which waits until every
 * row is committed; a database error fails the task, and the query restarts from the last checkpoint.
 */
final class RealTimeWriter extends ForeachWriter<Row> {

    private static final Logger LOG = LoggerFactory.getLogger(RealTimeWriter.class);

    /** Marks the end of a task's rows in the queue. */
    private static final KafkaMessage END = new KafkaMessage(null, -1, -1, -1);
    /** Rows a task may hand over before the database catches up; then {@link #process} waits. */
    private static final int QUEUE_CAPACITY = 10_000;
    /** How often a waiting {@link #process} checks whether the writer thread failed. */
    private static final long OFFER_WAIT_MS = 100;

    private final SinkConfig sink;
    private final int batchSize;
    private transient BlockingQueue<KafkaMessage> queue;
    private transient Thread writerThread;
    private transient volatile Throwable failure;
    private transient volatile long rows;

    RealTimeWriter(SinkConfig sink, int batchSize) {
        this.sink = sink;
        this.batchSize = batchSize;
    }

    @Override
    public boolean open(long partitionId, long epochId) {
        JdbcBatchWriter writer;
        try {
            writer = JdbcBatchWriter.open(sink, batchSize);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot connect to " + sink.jdbcUrl(), e);
        }
        queue = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
        failure = null;
        rows = 0;
        writerThread = new Thread(() -> drain(writer), "crypto-bench-realtime-writer-" + partitionId);
        writerThread.setDaemon(true);
        writerThread.start();
        return true;
    }

    @Override
    public void process(Row row) {
        KafkaMessage message = KafkaRows.toMessage(row);
        try {
            while (!queue.offer(message, OFFER_WAIT_MS, TimeUnit.MILLISECONDS)) {
                rethrowFailure();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while handing a row to the writer", e);
        }
        rethrowFailure();
    }

    @Override
    public void close(Throwable errorOrNull) {
        if (writerThread == null) {
            return;
        }
        try {
            if (errorOrNull != null) {
                writerThread.interrupt();
            } else {
                queue.put(END);
            }
            writerThread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            writerThread.interrupt();
        }
        LOG.info("realtime writer {} done: rows={}", writerThread.getName(), rows);
        if (errorOrNull == null) {
            rethrowFailure();
        }
    }

    /** The writer thread: writes whatever is waiting as one batch and commits, until {@link #END}. */
    private void drain(JdbcBatchWriter writer) {
        try (writer) {
            boolean ended = false;
            while (!ended) {
                KafkaMessage message = queue.take();
                int pending = 0;
                while (message != null) {
                    if (message == END) {
                        ended = true;
                        break;
                    }
                    writer.write(message);
                    if (++pending == batchSize) {
                        break;
                    }
                    message = queue.poll();
                }
                if (pending > 0) {
                    writer.commit();
                    rows += pending;
                }
            }
        } catch (Throwable t) {
            failure = t;
        }
    }

    private void rethrowFailure() {
        Throwable cause = failure;
        if (cause != null) {
            throw new IllegalStateException("writing to " + sink.table() + " failed", cause);
        }
    }
}
