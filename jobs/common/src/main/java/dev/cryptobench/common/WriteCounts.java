package dev.cryptobench.common;

import java.io.Serializable;

/**
 * What one write committed.
 *
 * @param rows        valid events sent to the raw table (including replays skipped by ON CONFLICT)
 * @param deadLetters malformed records sent to the dead-letter table
 */
public record WriteCounts(long rows, long deadLetters) implements Serializable {

    /** Nothing written. */
    public static final WriteCounts ZERO = new WriteCounts(0, 0);

    /** The sum of two counts, for adding up partitions of one batch. */
    public WriteCounts plus(WriteCounts other) {
        return new WriteCounts(rows + other.rows, deadLetters + other.deadLetters);
    }
}
