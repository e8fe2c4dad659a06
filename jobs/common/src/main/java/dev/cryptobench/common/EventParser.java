package dev.cryptobench.common;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.Locale;

/**
 * Parses a Kafka record value (UTF-8 JSON) into an {@link Event}, the one parser every job uses.
 *
 * <p>Never throws on bad input: anything that breaks the contract becomes a {@link ParseResult#rejected}
 * with a short reason such as {@code missing field: price}. The schema version is checked first, so a
 * payload of a newer version is reported as such rather than as a missing field. Unknown fields are
 * ignored. Decimals stay exact ({@link BigDecimal}, trailing zeros kept).
 */
public final class EventParser {

    /** The only schema version this parser accepts. */
    public static final int SCHEMA_VERSION = 1;

    /**
     * Bound on the digits before and after the decimal point. PostgreSQL's numeric rejects values far
     * beyond it, and one such row would fail its whole JDBC batch on every retry.
     */
    static final int MAX_DECIMAL_DIGITS = 1000;

    private static final int MAX_DETAIL_CHARS = 200;

    private static final ObjectReader READER = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
            .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
            .build()
            .reader();

    private EventParser() {}

    /** Parses one payload; {@code null} or empty (a Kafka tombstone) is rejected. */
    public static ParseResult parse(byte[] payload) {
        if (payload == null || payload.length == 0) {
            return ParseResult.rejected("empty payload");
        }
        JsonNode root;
        try {
            root = READER.readTree(payload);
        } catch (JacksonException e) {
            return ParseResult.rejected("invalid JSON: " + shorten(e.getOriginalMessage()));
        } catch (IOException e) {
            return ParseResult.rejected("invalid JSON: " + shorten(e.getMessage()));
        }
        if (root == null || root.isMissingNode()) {
            return ParseResult.rejected("invalid JSON: no content");
        }
        if (!root.isObject()) {
            return ParseResult.rejected("invalid JSON: expected an object, got " + nodeKind(root));
        }
        try {
            return ParseResult.valid(toEvent(root));
        } catch (Rejection r) {
            return ParseResult.rejected(r.getMessage());
        }
    }

    private static Event toEvent(JsonNode root) throws Rejection {
        JsonNode version = field(root, "v");
        if (!version.isIntegralNumber()) {
            throw new Rejection("wrong type: v must be an integer");
        }
        if (!version.canConvertToInt() || version.intValue() != SCHEMA_VERSION) {
            throw new Rejection("unsupported schema version: " + version.asText());
        }
        String runId = text(root, "run_id");
        long seq = integer(root, "seq");
        if (seq < 0) {
            throw new Rejection("invalid value: seq must be >= 0");
        }
        String symbol = text(root, "symbol");
        BigDecimal price = decimal(root, "price");
        BigDecimal size = decimal(root, "size");
        long eventTime = integer(root, "event_time");
        long intendedAt = integer(root, "intended_at");
        long producedAt = integer(root, "produced_at");
        return new Event(runId, seq, symbol, price, size, eventTime, intendedAt, producedAt);
    }

    private static JsonNode field(JsonNode root, String name) throws Rejection {
        JsonNode node = root.get(name);
        if (node == null) {
            throw new Rejection("missing field: " + name);
        }
        return node;
    }

    private static String text(JsonNode root, String name) throws Rejection {
        JsonNode node = field(root, name);
        if (!node.isTextual()) {
            throw new Rejection("wrong type: " + name + " must be a string");
        }
        String value = node.textValue();
        if (value.isEmpty()) {
            throw new Rejection("invalid value: " + name + " must not be empty");
        }
        if (value.indexOf('\u0000') >= 0) {
            // PostgreSQL text cannot hold NUL: the insert would fail on every retry.
            throw new Rejection("invalid value: " + name + " must not contain a NUL character");
        }
        return value;
    }

    private static long integer(JsonNode root, String name) throws Rejection {
        JsonNode node = field(root, name);
        if (!node.isIntegralNumber()) {
            throw new Rejection("wrong type: " + name + " must be an integer");
        }
        if (!node.canConvertToLong()) {
            throw new Rejection("invalid value: " + name + " is out of range");
        }
        return node.longValue();
    }

    private static BigDecimal decimal(JsonNode root, String name) throws Rejection {
        JsonNode node = field(root, name);
        BigDecimal value;
        if (node.isNumber()) {
            value = node.decimalValue();
        } else if (node.isTextual()) {
            try {
                value = new BigDecimal(node.textValue());
            } catch (NumberFormatException e) {
                throw new Rejection("invalid value: " + name + " is not a decimal number");
            }
        } else {
            throw new Rejection("wrong type: " + name + " must be a decimal string or number");
        }
        int integerDigits = value.precision() - value.scale();
        if (integerDigits > MAX_DECIMAL_DIGITS || value.scale() > MAX_DECIMAL_DIGITS) {
            throw new Rejection("invalid value: " + name + " is out of range");
        }
        return value;
    }

    private static String nodeKind(JsonNode node) {
        return node.getNodeType().name().toLowerCase(Locale.ROOT);
    }

    private static String shorten(String detail) {
        if (detail == null) {
            return "unreadable input";
        }
        // Jackson quotes the offending character; a NUL or control character must not reach a text column.
        StringBuilder clean = new StringBuilder(Math.min(detail.length(), MAX_DETAIL_CHARS + 3));
        for (int i = 0; i < detail.length() && clean.length() < MAX_DETAIL_CHARS; i++) {
            char c = detail.charAt(i);
            if (Character.isWhitespace(c)) {
                clean.append(' ');
            } else if (Character.isISOControl(c)) {
                clean.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
            } else {
                clean.append(c);
            }
        }
        return clean.length() < detail.length() ? clean.append("...").toString() : clean.toString();
    }

    /** Control flow for a broken contract inside this parser; never escapes it. */
    private static final class Rejection extends Exception {
        Rejection(String reason) {
            super(reason, null, false, false);
        }
    }
}
