package dev.cryptobench.common;

import java.util.Locale;

/** Where Spark and Flink keep the gold windows' state ({@code --state-backend}). */
public enum StateBackend {
    /** On the JVM heap: Flink's hashmap backend, Spark's default (HDFS-backed) state store. */
    HASHMAP("hashmap"),
    /** In RocksDB: Flink's RocksDB backend, Spark's RocksDB state store provider. */
    ROCKSDB("rocksdb");

    /** The flag. */
    public static final String FLAG = "--state-backend";

    private final String text;

    StateBackend(String text) {
        this.text = text;
    }

    /** Reads {@link #FLAG}; hashmap when it is not given. */
    public static StateBackend from(Flags flags) throws UsageException {
        String value = flags.string(FLAG, HASHMAP.text);
        for (StateBackend backend : values()) {
            if (backend.text.equals(value.toLowerCase(Locale.ROOT))) {
                return backend;
            }
        }
        throw new UsageException(FLAG + " must be hashmap or rocksdb, got '" + value + "'");
    }

    /** Usage line of {@link #FLAG}. */
    public static String usage() {
        return "  --state-backend hashmap|rocksdb  state of the gold windows (default hashmap)";
    }

    @Override
    public String toString() {
        return text;
    }
}
