package dev.cryptobench.common;

import java.util.Locale;

/**
 * The delivery guarantee a job runs with ({@code --delivery}). Either way every row is committed at most once to
 * the raw table (its primary key); what differs is whether a failure makes the job write rows again.
 */
public enum Delivery {
    /** A replay after a failure writes rows again; the raw table skips and counts them as duplicate deliveries. */
    AT_LEAST_ONCE("at-least-once"),
    /** Every row is written once: the writes commit together with the job's record of what it consumed. */
    EXACTLY_ONCE("exactly-once");

    /** The flag. */
    public static final String FLAG = "--delivery";

    private final String text;

    Delivery(String text) {
        this.text = text;
    }

    /** Reads {@link #FLAG}; at-least-once when it is not given. */
    public static Delivery from(Flags flags) throws UsageException {
        String value = flags.string(FLAG, AT_LEAST_ONCE.text);
        for (Delivery delivery : values()) {
            if (delivery.text.equals(value.toLowerCase(Locale.ROOT))) {
                return delivery;
            }
        }
        throw new UsageException(FLAG + " must be at-least-once or exactly-once, got '" + value + "'");
    }

    /** Usage line of {@link #FLAG}. */
    public static String usage() {
        return "  --delivery at-least-once|exactly-once  delivery guarantee (default at-least-once)";
    }

    @Override
    public String toString() {
        return text;
    }
}
