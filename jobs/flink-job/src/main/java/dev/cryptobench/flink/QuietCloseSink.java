package dev.cryptobench.flink;

import java.io.IOException;
import java.util.Collection;
import java.util.List;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.connector.sink2.Committer;
import org.apache.flink.api.connector.sink2.CommitterInitContext;
import org.apache.flink.api.connector.sink2.CommittingSinkWriter;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.StatefulSinkWriter;
import org.apache.flink.api.connector.sink2.SupportsCommitter;
import org.apache.flink.api.connector.sink2.SupportsWriterState;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.connector.jdbc.core.datastream.sink.JdbcSink;
import org.apache.flink.connector.jdbc.core.datastream.sink.committer.JdbcCommitable;
import org.apache.flink.connector.jdbc.core.datastream.sink.writer.JdbcWriter;
import org.apache.flink.connector.jdbc.core.datastream.sink.writer.JdbcWriterState;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Flink's JDBC sink, whose writers never throw from {@code close()}: the one thing it changes, so that a
 * PostgreSQL outage is a failure Flink's restart strategy recovers from.
 *
 * <p>Why: when a batch cannot be written (PostgreSQL down), the JDBC connector's writer fails the task, and Flink
 * then closes it while cleaning up. That {@code close()} flushes again and rethrows the stored failure; an
 * exception thrown while a task cleans up after a failure is a fatal error to Flink ("FATAL - exception in
 * exception handler of task"), which stops the whole TaskManager. On a cluster its process would be restarted;
 * a MiniCluster never starts another TaskManager, so the restarted job waited for a slot forever while its JVM
 * stayed up (seen after {@code --fault postgres:kill}). Swallowing the exception loses nothing: rows not written
 * are after the last completed checkpoint (a checkpoint flushes every row before it completes, and fails when it
 * cannot), so the job replays them from there; an exactly-once writer's open transaction is rolled back by the
 * restore. The failure itself is still what fails the task, and it is logged here.
 */
final class QuietCloseSink<IN>
        implements Sink<IN>, SupportsWriterState<IN, JdbcWriterState>, SupportsCommitter<JdbcCommitable> {

    private static final long serialVersionUID = 1L;

    private final JdbcSink<IN> sink;

    QuietCloseSink(JdbcSink<IN> sink) {
        this.sink = sink;
    }

    @Override
    public Writer<IN, JdbcWriter<IN>> createWriter(WriterInitContext context) throws IOException {
        return new Writer<>(sink.createWriter(context));
    }

    @Override
    public Writer<IN, JdbcWriter<IN>> restoreWriter(WriterInitContext context, Collection<JdbcWriterState> state)
            throws IOException {
        return new Writer<>(sink.restoreWriter(context, state));
    }

    @Override
    public SimpleVersionedSerializer<JdbcWriterState> getWriterStateSerializer() {
        return sink.getWriterStateSerializer();
    }

    @Override
    public Committer<JdbcCommitable> createCommitter(CommitterInitContext context) throws IOException {
        return sink.createCommitter(context);
    }

    @Override
    public SimpleVersionedSerializer<JdbcCommitable> getCommittableSerializer() {
        return sink.getCommittableSerializer();
    }

    /** The JDBC connector's writer (or any like it), with a {@code close()} that logs instead of throwing. */
    static final class Writer<IN, W extends StatefulSinkWriter<IN, JdbcWriterState>
            & CommittingSinkWriter<IN, JdbcCommitable>>
            implements StatefulSinkWriter<IN, JdbcWriterState>, CommittingSinkWriter<IN, JdbcCommitable> {

        private static final Logger LOG = LoggerFactory.getLogger(QuietCloseSink.class);

        private final W writer;

        Writer(W writer) {
            this.writer = writer;
        }

        @Override
        public void write(IN element, Context context) throws IOException, InterruptedException {
            writer.write(element, context);
        }

        @Override
        public void writeWatermark(Watermark watermark) throws IOException, InterruptedException {
            writer.writeWatermark(watermark);
        }

        @Override
        public void flush(boolean endOfInput) throws IOException, InterruptedException {
            writer.flush(endOfInput);
        }

        @Override
        public List<JdbcWriterState> snapshotState(long checkpointId) throws IOException {
            return writer.snapshotState(checkpointId);
        }

        @Override
        public Collection<JdbcCommitable> prepareCommit() throws IOException, InterruptedException {
            return writer.prepareCommit();
        }

        /** Closes the writer; a failure to (flush and) close is logged, never thrown (see the class comment). */
        @Override
        public void close() {
            try {
                writer.close();
            } catch (Exception e) {
                LOG.warn("crypto-bench: the JDBC writer failed to close (its rows since the last checkpoint are"
                        + " replayed after the restart): {}", rootMessage(e));
            }
        }

        private static String rootMessage(Throwable failure) {
            Throwable root = failure;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            return root.toString();
        }
    }
}
