package dev.cryptobench.common;

import java.util.Objects;

/** What {@link EventParser} made of one payload: either an {@link Event} or the reason it was rejected. */
public final class ParseResult {
    private final Event event;
    private final String reason;

    private ParseResult(Event event, String reason) {
        this.event = event;
        this.reason = reason;
    }

    /** A payload that satisfies the event contract. */
    public static ParseResult valid(Event event) {
        return new ParseResult(Objects.requireNonNull(event, "event"), null);
    }

    /** A payload that does not; {@code reason} goes to the dead-letter table as is. */
    public static ParseResult rejected(String reason) {
        return new ParseResult(null, Objects.requireNonNull(reason, "reason"));
    }

    public boolean isValid() {
        return event != null;
    }

    /** The event; only for a valid result. */
    public Event event() {
        if (event == null) {
            throw new IllegalStateException("rejected payload has no event: " + reason);
        }
        return event;
    }

    /** Why the payload was rejected; only for a rejected result. */
    public String reason() {
        if (reason == null) {
            throw new IllegalStateException("valid payload has no rejection reason");
        }
        return reason;
    }

    @Override
    public String toString() {
        return isValid() ? "valid(" + event + ")" : "rejected(" + reason + ")";
    }
}
