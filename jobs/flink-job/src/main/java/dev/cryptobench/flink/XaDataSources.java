package dev.cryptobench.flink;

import dev.cryptobench.common.SinkConfig;
import javax.sql.XADataSource;
import org.apache.flink.util.function.SerializableSupplier;
import org.postgresql.xa.PGXADataSource;

/** PostgreSQL XA data sources for the exactly-once sink, made on each TaskManager from the sink's settings. */
final class XaDataSources implements SerializableSupplier<XADataSource> {

    private final SinkConfig sink;

    XaDataSources(SinkConfig sink) {
        this.sink = sink;
    }

    @Override
    public XADataSource get() {
        PGXADataSource source = new PGXADataSource();
        source.setUrl(sink.jdbcUrl());
        source.setUser(sink.user());
        source.setPassword(sink.password());
        source.setApplicationName("crypto-bench");
        return source;
    }
}
