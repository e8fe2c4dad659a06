package dev.cryptobench.flink;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.apache.flink.api.connector.sink2.CommittingSinkWriter;
import org.apache.flink.api.connector.sink2.StatefulSinkWriter;
import org.apache.flink.connector.jdbc.core.datastream.sink.committer.JdbcCommitable;
import org.apache.flink.connector.jdbc.core.datastream.sink.writer.JdbcWriterState;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class QuietCloseSinkTest {

    /** A writer like the JDBC connector's once PostgreSQL went away: writing and closing rethrow the failure. */
    private static final class BrokenWriter implements StatefulSinkWriter<String, JdbcWriterState>,
            CommittingSinkWriter<String, JdbcCommitable> {
        final List<String> calls = new ArrayList<>();

        @Override
        public void write(String element, Context context) throws IOException {
            calls.add("write " + element);
            throw new IOException("Writing records to JDBC failed.");
        }

        @Override
        public void flush(boolean endOfInput) {
            calls.add("flush " + endOfInput);
        }

        @Override
        public List<JdbcWriterState> snapshotState(long checkpointId) {
            calls.add("snapshot " + checkpointId);
            return List.of();
        }

        @Override
        public Collection<JdbcCommitable> prepareCommit() {
            calls.add("prepareCommit");
            return List.of();
        }

        @Override
        public void close() {
            calls.add("close");
            throw new RuntimeException("Writing records to JDBC failed.",
                    new IOException("FATAL: the database system is not yet accepting connections"));
        }
    }

    @Test
    void fails_the_task_with_the_write_failure_but_never_throws_while_closing_after_it() {
        BrokenWriter broken = new BrokenWriter();
        QuietCloseSink.Writer<String, BrokenWriter> writer = new QuietCloseSink.Writer<>(broken);

        assertThrows(IOException.class, () -> writer.write("row", null));
        assertDoesNotThrow(writer::close);
        assertEquals(List.of("write row", "close"), broken.calls);
    }

    @Test
    void passes_flushes_checkpoints_and_commits_through_unchanged() throws Exception {
        BrokenWriter broken = new BrokenWriter();
        QuietCloseSink.Writer<String, BrokenWriter> writer = new QuietCloseSink.Writer<>(broken);

        writer.flush(false);
        writer.snapshotState(7);
        writer.prepareCommit();
        assertEquals(List.of("flush false", "snapshot 7", "prepareCommit"), broken.calls);
    }
}
