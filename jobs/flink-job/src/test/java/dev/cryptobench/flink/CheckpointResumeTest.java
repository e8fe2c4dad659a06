package dev.cryptobench.flink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class CheckpointResumeTest {

    @TempDir
    Path tmp;

    private Path checkpoints;
    private Path jar;
    private Instant clock = Instant.parse("2026-01-01T00:00:00Z");

    @BeforeEach
    void createJobJar() throws Exception {
        checkpoints = tmp.resolve("checkpoints/flink");
        jar = Files.write(tmp.resolve("flink-job.jar"), new byte[] {1, 2, 3});
    }

    private FlinkArgs args(String... extra) throws Exception {
        Path password = Files.writeString(tmp.resolve("pw"), "pw");
        List<String> args = new ArrayList<>(List.of(
                "--jdbc-password-file", password.toString(), "--state-dir", tmp.toString()));
        args.addAll(List.of(extra));
        return FlinkArgs.fromArgs(args.toArray(String[]::new));
    }

    private CheckpointResume resume(String... extra) throws Exception {
        return CheckpointResume.of(checkpoints, jar, args(extra));
    }

    /** A job directory of an earlier run, with its fingerprint (unless null) and these checkpoints, in order. */
    private Path job(String id, String fingerprint, String... checkpointDirs) throws Exception {
        Path job = Files.createDirectories(checkpoints.resolve(id));
        Files.createDirectories(job.resolve("shared"));
        if (fingerprint != null) {
            Files.writeString(job.resolve(CheckpointResume.FINGERPRINT_FILE), fingerprint);
        }
        for (String checkpoint : checkpointDirs) {
            Path dir = Files.createDirectories(job.resolve(checkpoint.replace("+metadata", "")));
            if (checkpoint.endsWith("+metadata")) {
                touch(Files.writeString(dir.resolve("_metadata"), "m"));
            }
        }
        return touch(job);
    }

    /** Marks {@code path} as changed a minute after the previous one. */
    private Path touch(Path path) throws Exception {
        clock = clock.plusSeconds(60);
        Files.setLastModifiedTime(path, FileTime.from(clock));
        return path;
    }

    @Test
    void resumes_from_the_newest_complete_checkpoint_of_the_same_job_code() throws Exception {
        String same = CheckpointResume.fingerprint(jar, args());
        job("a", same, "chk-3+metadata");
        Path newer = job("b", same, "chk-7+metadata", "chk-8");

        assertEquals(Optional.of(newer.resolve("chk-7")), resume().newestCheckpoint());
    }

    @Test
    void never_resumes_from_another_jar_another_gold_setting_or_a_run_without_fingerprint() throws Exception {
        job("other-jar", CheckpointResume.fingerprint(Files.write(tmp.resolve("old.jar"), new byte[] {9}), args()),
                "chk-9+metadata");
        job("gold-off", CheckpointResume.fingerprint(jar, args("--gold", "false")), "chk-9+metadata");
        job("no-fingerprint", null, "chk-9+metadata");

        assertEquals(Optional.empty(), resume().newestCheckpoint());
    }

    @Test
    void starts_without_state_when_nothing_was_checkpointed_or_the_code_is_not_a_jar() throws Exception {
        assertEquals(Optional.empty(), resume().newestCheckpoint());
        job("a", CheckpointResume.fingerprint(jar, args()), "chk-1");
        assertEquals(Optional.empty(), resume().newestCheckpoint());

        job("b", CheckpointResume.fingerprint(jar, args()), "chk-2+metadata");
        CheckpointResume fromClasses = CheckpointResume.of(checkpoints, tmp.resolve("classes"), args());
        assertEquals(Optional.empty(), fromClasses.newestCheckpoint());
        Configuration conf = new Configuration();
        assertEquals(Optional.empty(), fromClasses.restoreInto(conf));
        assertFalse(conf.contains(StateRecoveryOptions.SAVEPOINT_PATH));
    }

    @Test
    void keeps_its_fingerprint_across_settings_that_leave_operator_state_alone() throws Exception {
        String fingerprint = CheckpointResume.fingerprint(jar, args());
        assertEquals(fingerprint, CheckpointResume.fingerprint(jar, args("--buffer-timeout-ms", "0",
                "--batch-size", "10", "--batch-interval-ms", "0", "--checkpoint-interval-ms", "1000",
                "--watermark-delay-ms", "1", "--ui-port", "18081", "--cluster", "true")));
        assertNotEquals(fingerprint, CheckpointResume.fingerprint(jar, args("--parallelism", "2")));
        assertNotEquals(fingerprint, CheckpointResume.fingerprint(jar, args("--gold", "false")));
    }

    @Test
    void restores_through_the_configuration_ignoring_state_no_operator_claims() throws Exception {
        Path job = job("a", CheckpointResume.fingerprint(jar, args()), "chk-4+metadata");
        Configuration conf = new Configuration();

        assertEquals(Optional.of(job.resolve("chk-4")), resume().restoreInto(conf));
        assertEquals(job.resolve("chk-4").toUri().toString(), conf.get(StateRecoveryOptions.SAVEPOINT_PATH));
        assertTrue(conf.get(StateRecoveryOptions.SAVEPOINT_IGNORE_UNCLAIMED_STATE));
    }

    @Test
    void records_a_started_run_so_the_next_one_resumes_from_it() throws Exception {
        CheckpointResume resume = resume();
        resume.recordStart("new-job", Optional.empty());
        Files.createDirectories(checkpoints.resolve("new-job/chk-1"));
        Files.writeString(checkpoints.resolve("new-job/chk-1/_metadata"), "m");

        assertEquals(Optional.of(checkpoints.resolve("new-job/chk-1")), resume().newestCheckpoint());
        assertEquals(Optional.empty(), resume("--gold", "false").newestCheckpoint());
    }

    @Test
    void removes_all_but_the_newest_job_directories_and_never_the_one_restored_from() throws Exception {
        String same = CheckpointResume.fingerprint(jar, args());
        Path restoredFrom = job("oldest", same, "chk-1+metadata");
        Path old = job("old", "another jar", "chk-1+metadata");
        Path newer = job("newer", null);
        Path newest = job("newest", "another jar", "chk-1+metadata");
        Path current = job("current", same);

        List<Path> removed = resume().removeOldJobs(current, Optional.of(restoredFrom.resolve("chk-1")));

        assertEquals(List.of(newer.toAbsolutePath(), old.toAbsolutePath()), removed);
        assertTrue(Files.isDirectory(restoredFrom) && Files.isDirectory(newest) && Files.isDirectory(current));
        assertFalse(Files.exists(old) || Files.exists(newer));
    }

    @Test
    void keeps_the_newest_three_job_directories_after_a_run_that_restored_nothing() throws Exception {
        Path a = job("a", null);
        Path b = job("b", null);
        Path c = job("c", null);
        Path current = job("current", null);

        assertEquals(List.of(a.toAbsolutePath()), resume().removeOldJobs(current, Optional.empty()));
        assertTrue(Files.isDirectory(b) && Files.isDirectory(c));
    }
}
