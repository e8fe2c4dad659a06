package dev.cryptobench.flink;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a starting Flink job resumes: the newest complete checkpoint that an earlier run of the same job code
 * retained, so the gold windows open at a restart keep the events they already had.
 *
 * <p>Flink keeps each run's checkpoints in {@code <checkpoints>/<job-id>/chk-N}; a checkpoint is complete once
 * its {@code _metadata} file exists. Each run writes a fingerprint file into its job directory: what makes its
 * operator state compatible (the job jar's SHA-256 — the build is reproducible —, gold on or off, parallelism).
 * A checkpoint is only restored into a job with the same fingerprint, so an upgrade starts without state instead
 * of failing to restore; settings that leave operator state alone (buffer timeout, batch size, checkpoint
 * interval, watermark delay) are not part of it.
 */
final class CheckpointResume {

    private static final Logger LOG = LoggerFactory.getLogger(CheckpointResume.class);

    /** The fingerprint file in a job directory. */
    static final String FINGERPRINT_FILE = "crypto-bench-fingerprint";

    /**
     * Job directories kept when older ones are removed: the new run's, the one it restores from, and one more,
     * so a run that dies before its first checkpoint never takes the last good checkpoint with it.
     */
    static final int KEEP_JOB_DIRECTORIES = 3;

    private static final Pattern CHECKPOINT = Pattern.compile("chk-(\\d+)");

    private final Path checkpoints;
    private final String fingerprint;
    private final String noFingerprint;

    private CheckpointResume(Path checkpoints, String fingerprint, String noFingerprint) {
        this.checkpoints = checkpoints;
        this.fingerprint = fingerprint;
        this.noFingerprint = noFingerprint;
    }

    /**
     * The resume of a job whose checkpoints go to {@code checkpoints} and whose code is {@code jar}; a job
     * whose code is not a jar (run from class directories) has no fingerprint and never resumes.
     */
    static CheckpointResume of(Path checkpoints, Path jar, FlinkArgs options) throws IOException {
        if (!Files.isRegularFile(jar)) {
            return new CheckpointResume(checkpoints, null, "job code is not a jar: " + jar);
        }
        return new CheckpointResume(checkpoints, fingerprint(jar, options), null);
    }

    /** What makes the operator state of one run compatible with another's: equal text, compatible state. */
    static String fingerprint(Path jar, FlinkArgs options) throws IOException {
        return "jar-sha256=" + sha256(jar) + "\n"
                + "gold=" + options.gold().enabled() + "\n"
                + "parallelism=" + options.parallelism() + "\n"
                + "delivery=" + options.common().delivery() + "\n"
                + "state-backend=" + options.stateBackend() + "\n";
    }

    /**
     * Sets {@code conf} to restore the newest checkpoint, if there is one, and logs what the job starts from.
     * Never fails: a job that cannot read its checkpoint directory starts without state.
     */
    Optional<Path> restoreInto(Configuration conf) {
        Optional<Path> checkpoint;
        try {
            checkpoint = newestCheckpoint();
        } catch (IOException | UncheckedIOException e) {
            LOG.warn("crypto-bench: flink job starts without state (cannot read {}: {})", checkpoints, e.toString());
            return Optional.empty();
        }
        if (checkpoint.isEmpty()) {
            LOG.info("crypto-bench: flink job starts without state ({})", fingerprint == null ? noFingerprint
                    : "no complete checkpoint of this job code in " + checkpoints);
            return checkpoint;
        }
        conf.set(StateRecoveryOptions.SAVEPOINT_PATH, checkpoint.get().toUri().toString());
        conf.set(StateRecoveryOptions.SAVEPOINT_IGNORE_UNCLAIMED_STATE, true);
        LOG.info("crypto-bench: flink job restores {}", checkpoint.get());
        return checkpoint;
    }

    /**
     * The checkpoint to restore: of the {@code chk-N} directories with a {@code _metadata} file, in job
     * directories whose fingerprint is this job's, the one completed last. Empty when there is none.
     */
    Optional<Path> newestCheckpoint() throws IOException {
        if (fingerprint == null || !Files.isDirectory(checkpoints)) {
            return Optional.empty();
        }
        List<Path> complete = new ArrayList<>();
        for (Path job : list(checkpoints)) {
            if (fingerprint.equals(readFingerprint(job))) {
                for (Path checkpoint : list(job)) {
                    if (checkpointId(checkpoint) >= 0 && Files.isRegularFile(checkpoint.resolve("_metadata"))) {
                        complete.add(checkpoint);
                    }
                }
            }
        }
        return complete.stream().max(Comparator
                .comparing((Path checkpoint) -> modified(checkpoint.resolve("_metadata")))
                .thenComparingLong(CheckpointResume::checkpointId));
    }

    /**
     * Records the started run {@code jobId}: writes the fingerprint into its job directory, then removes old
     * job directories (see {@link #removeOldJobs}). Never fails: without the file the run is only never
     * resumed from.
     */
    void recordStart(String jobId, Optional<Path> restoredFrom) {
        if (fingerprint == null) {
            return;
        }
        try {
            Path job = Files.createDirectories(checkpoints.resolve(jobId));
            Files.writeString(job.resolve(FINGERPRINT_FILE), fingerprint, StandardCharsets.UTF_8);
            List<Path> removed = removeOldJobs(job, restoredFrom);
            if (!removed.isEmpty()) {
                LOG.info("crypto-bench: removed {} older flink checkpoint directories", removed.size());
            }
        } catch (IOException | UncheckedIOException e) {
            LOG.warn("crypto-bench: could not record the flink job's checkpoint fingerprint in {}: {}",
                    checkpoints, e.toString());
        }
    }

    /**
     * Deletes the job directories other than {@code current}, the one {@code restoredFrom} is in, and the
     * newest others up to {@link #KEEP_JOB_DIRECTORIES} in all (by last change); returns the deleted ones. A
     * resumed run does not need the older runs' files: restoring does not claim them (Flink's default
     * {@code NO_CLAIM}), so the run's first checkpoint is a full one, and until then it restores from
     * {@code restoredFrom}, which stays.
     */
    List<Path> removeOldJobs(Path current, Optional<Path> restoredFrom) throws IOException {
        List<Path> kept = new ArrayList<>(List.of(current.toAbsolutePath()));
        restoredFrom.map(checkpoint -> checkpoint.toAbsolutePath().getParent()).ifPresent(kept::add);
        List<Path> others = list(checkpoints).stream()
                .map(Path::toAbsolutePath)
                .filter(job -> Files.isDirectory(job) && !kept.contains(job))
                .sorted(Comparator.comparing(CheckpointResume::modified).reversed())
                .toList();
        int keepOthers = Math.max(0, KEEP_JOB_DIRECTORIES - kept.size());
        List<Path> removed = others.subList(Math.min(keepOthers, others.size()), others.size());
        for (Path job : removed) {
            deleteTree(job);
        }
        return removed;
    }

    private static String readFingerprint(Path job) throws IOException {
        Path file = job.resolve(FINGERPRINT_FILE);
        return Files.isRegularFile(file) ? Files.readString(file, StandardCharsets.UTF_8) : null;
    }

    /** N of a {@code chk-N} directory; -1 for anything else (Flink's {@code shared} and {@code taskowned}). */
    private static long checkpointId(Path checkpoint) {
        Matcher matcher = CHECKPOINT.matcher(checkpoint.getFileName().toString());
        return matcher.matches() && Files.isDirectory(checkpoint) ? Long.parseLong(matcher.group(1)) : -1;
    }

    private static List<Path> list(Path directory) throws IOException {
        try (Stream<Path> entries = Files.list(directory)) {
            return entries.toList();
        }
    }

    private static FileTime modified(Path path) {
        try {
            return Files.getLastModifiedTime(path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }

    private static String sha256(Path file) throws IOException {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
