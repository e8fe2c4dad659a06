package dev.cryptobench.baseline;

import dev.cryptobench.common.Backoff;
import dev.cryptobench.common.DbErrors;
import dev.cryptobench.common.FatalSinkException;
import dev.cryptobench.common.JdbcBatchWriter;
import dev.cryptobench.common.KafkaMessage;
import dev.cryptobench.common.SinkConfig;
import dev.cryptobench.common.WriteCounts;
import java.sql.SQLException;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes each poll's records at once, as one batch on a long-lived autocommit connection: the driver sends
 * the batch (rewritten into multi-row INSERTs) and one Sync, so PostgreSQL commits it in one round trip,
 * with no separate COMMIT. Malformed records go to the dead letters in a second batch, committed apart
 * (rare; at-least-once either way). The statements are prepared once per connection. A transient database error
 * drops the connection and retries the whole poll after a backoff (the inserts skip rows already written);
 * a fatal one is thrown as a {@link FatalSinkException}.
 */
final class ReconnectingWriter implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ReconnectingWriter.class);

    private final SinkConfig sink;
    private final int batchSize;
    private final CountDownLatch stop;
    private final Backoff backoff = new Backoff();
    private final OffsetStore offsets;
    private JdbcBatchWriter writer;

    /**
     * {@code stop} cuts a backoff short when the job shuts down; {@code offsets}, under exactly-once, takes each
     * poll's offsets into the transaction of its rows (null: at-least-once).
     */
    ReconnectingWriter(SinkConfig sink, int batchSize, CountDownLatch stop, OffsetStore offsets) {
        this.sink = sink;
        this.batchSize = batchSize;
        this.stop = stop;
        this.offsets = offsets;
    }

    /**
     * Writes and commits {@code records}, stamping each row's engine_ts as it is bound, just before the
     * batch is sent; empty if the job was stopped before they could be written.
     */
    Optional<WriteCounts> write(ConsumerRecords<byte[], byte[]> records)
            throws FatalSinkException, InterruptedException {
        while (true) {
            try {
                if (writer == null) {
                    // At-least-once: one round trip and commit per write (the floor). Exactly-once: the rows and
                    // their offsets must commit in one transaction.
                    writer = offsets == null ? JdbcBatchWriter.openAutoCommit(sink, batchSize)
                            : JdbcBatchWriter.open(sink, batchSize);
                }
                for (ConsumerRecord<byte[], byte[]> record : records) {
                    writer.write(KafkaMessage.ofMillis(
                            record.value(), record.partition(), record.offset(), record.timestamp()));
                }
                if (offsets != null) {
                    offsets.writeWith(writer, records.nextOffsets());
                }
                WriteCounts counts = writer.commit();
                backoff.reset();
                return Optional.of(counts);
            } catch (SQLException e) {
                closeWriter();
                if (DbErrors.isFatal(e)) {
                    throw new FatalSinkException("cannot write to table " + sink.table() + " or "
                            + sink.deadLetterTable() + ": " + DbErrors.describe(e), e);
                }
                long delayMs = backoff.nextDelayMs();
                LOG.warn("write failed ({}); reconnecting in {} ms", DbErrors.describe(e), delayMs);
                if (stop.await(delayMs, TimeUnit.MILLISECONDS)) {
                    return Optional.empty();
                }
            }
        }
    }

    @Override
    public void close() {
        closeWriter();
    }

    private void closeWriter() {
        if (writer == null) {
            return;
        }
        try {
            writer.close();
        } catch (SQLException e) {
            LOG.debug("closing a failed connection: {}", e.getMessage());
        }
        writer = null;
    }
}
