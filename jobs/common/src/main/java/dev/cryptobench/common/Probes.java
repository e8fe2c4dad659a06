package dev.cryptobench.common;

/** The CLI's health probes: events that prove a job writes end to end, and that no metric may count. */
public final class Probes {

    /** Run id prefix of every probe. */
    public static final String RUN_PREFIX = "probe-";
    /** Symbol of every probe. */
    public static final String SYMBOL = "PROBE";

    private Probes() {}

    /** True for a probe: its run id starts with {@code probe-} or its symbol is {@code PROBE}. */
    public static boolean isProbe(Event event) {
        return event.runId().startsWith(RUN_PREFIX) || event.symbol().equals(SYMBOL);
    }
}
