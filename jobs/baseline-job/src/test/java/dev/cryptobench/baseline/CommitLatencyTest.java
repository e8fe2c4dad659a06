package dev.cryptobench.baseline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cryptobench.common.EventParser;
import dev.cryptobench.common.ParseResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.LongStream;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class CommitLatencyTest {

    @TempDir
    Path tmp;

    @Test
    void writes_events_the_parser_accepts_so_it_times_the_baselines_own_path() {
        ParseResult result = EventParser.parse(CommitLatency.message("floor-1", 42).value());
        assertTrue(result.isValid());
        assertEquals(42, result.event().seq());
    }

    @Test
    void takes_nearest_rank_percentiles() {
        long[] sorted = LongStream.rangeClosed(1, 1000).toArray();
        assertEquals(500, CommitLatency.rank(sorted, 0.50));
        assertEquals(990, CommitLatency.rank(sorted, 0.99));
        assertEquals(999, CommitLatency.rank(sorted, 0.999));
        assertEquals(7, CommitLatency.rank(new long[] {7}, 0.99));
    }

    @Test
    void reads_its_flags_with_autocommit_by_default() throws Exception {
        Path password = Files.writeString(tmp.resolve("pw"), "pw");
        CommitLatency.Options options = CommitLatency.Options.fromArgs(new String[] {
            "--jdbc-password-file", password.toString(), "--state-dir", tmp.toString(), "--count", "10",
            "--table", "floor_probe"});
        assertEquals(10, options.count());
        assertEquals(500, options.warmup());
        assertEquals("floor_probe", options.sink().table());
        assertTrue(!options.explicitTransaction());
    }
}
