package dev.cryptobench.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

/** The gold flags, tables, statement and probe filter. */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class GoldTest {

    private static GoldArgs parse(boolean defaultEnabled, String... args) throws UsageException {
        return GoldArgs.from(Flags.parse(args, GoldArgs.FLAGS), "flink", defaultEnabled);
    }

    @Test
    void computes_gold_with_a_ten_second_watermark_by_default() throws Exception {
        GoldArgs args = parse(true);
        assertTrue(args.enabled());
        assertEquals(Duration.ofSeconds(10), args.watermarkDelay());
        assertEquals("gold_10min_metrics_flink", args.table(GoldWindow.TEN_MINUTES));
        assertEquals("gold_hourly_metrics_flink", args.table(GoldWindow.HOURLY));
        assertEquals(List.of("gold_10min_metrics_flink", "gold_hourly_metrics_flink"),
                args.inserts().stream().map(SinkPreflight.Insert::table).toList());
    }

    @Test
    void reads_the_gold_flags() throws Exception {
        GoldArgs args = parse(true, "--gold", "FALSE", "--watermark-delay-ms", "0");
        assertFalse(args.enabled());
        assertEquals(0, args.watermarkDelayMs());
        assertEquals(List.of(), args.inserts());
        assertTrue(parse(false, "--gold=true").enabled());
        assertFalse(parse(false).enabled());
    }

    @Test
    void names_the_flag_with_a_bad_value() {
        assertEquals("--gold must be true or false, got 'yes'",
                assertThrows(UsageException.class, () -> parse(true, "--gold", "yes")).getMessage());
        assertTrue(assertThrows(UsageException.class, () -> parse(true, "--watermark-delay-ms", "-1"))
                .getMessage().startsWith("--watermark-delay-ms must be between 0"));
    }

    @Test
    void upserts_by_run_window_start_and_symbol_counting_the_writes() {
        assertEquals("INSERT INTO gold_hourly_metrics_spark AS g (run_id, window_start, window_end, symbol, open,"
                + " high, low, close, avg_price, vwap, volume, trade_count, price_stddev)"
                + " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)"
                + " ON CONFLICT (run_id, window_start, symbol) DO UPDATE SET window_end = EXCLUDED.window_end,"
                + " open = EXCLUDED.open, high = EXCLUDED.high, low = EXCLUDED.low, close = EXCLUDED.close,"
                + " avg_price = EXCLUDED.avg_price, vwap = EXCLUDED.vwap, volume = EXCLUDED.volume,"
                + " trade_count = EXCLUDED.trade_count, price_stddev = EXCLUDED.price_stddev,"
                + " write_count = g.write_count + 1",
                GoldStatements.upsert("gold_hourly_metrics_spark"));
    }

    @Test
    void sends_window_bounds_as_utc_timestamps_with_microseconds() {
        assertEquals(OffsetDateTime.parse("2023-11-14T22:13:20.000001Z"),
                GoldStatements.timestamp(1_700_000_000_000_001L));
        assertEquals(OffsetDateTime.parse("1969-12-31T23:59:59.999999Z"), GoldStatements.timestamp(-1));
    }

    @Test
    void recognises_health_probes_by_run_id_or_symbol() {
        assertTrue(Probes.isProbe(event("probe-2026-01-01T00:00:00Z", "BTC-USD")));
        assertTrue(Probes.isProbe(event("run-1", "PROBE")));
        assertFalse(Probes.isProbe(event("run-1", "BTC-USD")));
        assertFalse(Probes.isProbe(event("my-probe-run", "ETH-USD")));
    }

    private static Event event(String runId, String symbol) {
        return new Event(runId, 0, symbol, BigDecimal.ONE, BigDecimal.ONE, 0, 0, 0);
    }
}
