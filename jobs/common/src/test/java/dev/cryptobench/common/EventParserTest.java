package dev.cryptobench.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.StringJoiner;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class EventParserTest {

    /** Field name to raw JSON text of a valid event, in order. */
    private static final Map<String, String> VALID_FIELDS = validFields();

    private static final String VALID = with("v", "1");

    private static Map<String, String> validFields() {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("v", "1");
        fields.put("run_id", "\"run-1\"");
        fields.put("seq", "42");
        fields.put("symbol", "\"BTC-USD\"");
        fields.put("price", "\"67012.50\"");
        fields.put("size", "\"0.00150000\"");
        fields.put("event_time", "1700000000000000");
        fields.put("intended_at", "1700000000000100");
        fields.put("produced_at", "1700000000000250");
        return fields;
    }

    private static ParseResult parse(String json) {
        return EventParser.parse(json.getBytes(StandardCharsets.UTF_8));
    }

    /** The valid event with one field set to raw JSON text, or removed when {@code rawValue} is null. */
    private static String with(String field, String rawValue) {
        Map<String, String> fields = new LinkedHashMap<>(VALID_FIELDS);
        if (rawValue == null) {
            fields.remove(field);
        } else {
            fields.put(field, rawValue);
        }
        StringJoiner json = new StringJoiner(",", "{", "}");
        fields.forEach((name, value) -> json.add("\"" + name + "\":" + value));
        return json.toString();
    }

    private static void assertRejected(String json, String reason) {
        ParseResult result = parse(json);
        assertFalse(result.isValid(), () -> "expected a rejection, got " + result);
        assertEquals(reason, result.reason());
    }

    @Test
    void parses_every_field_of_a_valid_event() {
        Event event = parse(VALID).event();
        assertEquals("run-1", event.runId());
        assertEquals(42, event.seq());
        assertEquals("BTC-USD", event.symbol());
        assertEquals(new BigDecimal("67012.50"), event.price());
        assertEquals(new BigDecimal("0.00150000"), event.size());
        assertEquals(1700000000000000L, event.eventTimeUs());
        assertEquals(1700000000000100L, event.intendedAtUs());
        assertEquals(1700000000000250L, event.producedAtUs());
    }

    @Test
    void keeps_decimal_strings_exact_including_trailing_zeros() {
        assertEquals("67012.50", parse(VALID).event().price().toPlainString());
    }

    @Test
    void reads_JSON_numbers_as_exact_decimals_not_doubles() {
        Event event = parse(with("price", "0.1000000000000000055511151231257827")).event();
        assertEquals(new BigDecimal("0.1000000000000000055511151231257827"), event.price());
        assertEquals("2.50", parse(with("size", "2.50")).event().size().toPlainString());
        assertEquals(new BigDecimal("3"), parse(with("size", "3")).event().size());
    }

    @Test
    void accepts_exponent_notation_for_decimals() {
        assertEquals(0, new BigDecimal("1500").compareTo(parse(with("price", "1.5e3")).event().price()));
        assertEquals(0, new BigDecimal("1500").compareTo(parse(with("price", "\"1.5E3\"")).event().price()));
    }

    @Test
    void ignores_unknown_fields() {
        assertTrue(parse(with("exchange", "\"coinbase\"")).isValid());
    }

    @Test
    void accepts_sequence_number_zero() {
        assertEquals(0, parse(with("seq", "0")).event().seq());
    }

    @Test
    void rejects_a_payload_that_is_not_JSON() {
        ParseResult result = parse("not json at all");
        assertFalse(result.isValid());
        assertTrue(result.reason().startsWith("invalid JSON: "), result.reason());
    }

    @Test
    void rejects_truncated_JSON() {
        ParseResult result = parse(VALID.substring(0, VALID.length() - 10));
        assertTrue(result.reason().startsWith("invalid JSON: "), result.reason());
    }

    @Test
    void rejects_content_after_the_object() {
        assertTrue(parse(VALID + " {}").reason().startsWith("invalid JSON: "));
    }

    @Test
    void rejects_an_empty_or_missing_payload() {
        assertEquals("empty payload", EventParser.parse(new byte[0]).reason());
        assertEquals("empty payload", EventParser.parse(null).reason());
    }

    @Test
    void rejects_whitespace_only_payloads() {
        assertEquals("invalid JSON: no content", parse("   ").reason());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "[1,2,3]      | invalid JSON: expected an object, got array",
        "\"a string\" | invalid JSON: expected an object, got string",
        "42           | invalid JSON: expected an object, got number",
        "null         | invalid JSON: expected an object, got null",
    })
    void rejects_JSON_that_is_not_an_object(String json, String reason) {
        assertRejected(json, reason);
    }

    @Test
    void rejects_duplicate_keys() {
        ParseResult result = parse(VALID.replace("{\"v\":1,", "{\"v\":1,\"seq\":1,"));
        assertTrue(result.reason().startsWith("invalid JSON: "), result.reason());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "v", "run_id", "seq", "symbol", "price", "size", "event_time", "intended_at", "produced_at"})
    void names_a_missing_field(String field) {
        assertRejected(with(field, null), "missing field: " + field);
    }

    @Test
    void checks_the_schema_version_before_anything_else() {
        assertRejected("{\"v\":2}", "unsupported schema version: 2");
    }

    @Test
    void rejects_an_unsupported_schema_version() {
        assertRejected(with("v", "2"), "unsupported schema version: 2");
        assertRejected(with("v", "0"), "unsupported schema version: 0");
        assertRejected(with("v", "99999999999"), "unsupported schema version: 99999999999");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "v           | \"1\"   | wrong type: v must be an integer",
        "v           | 1.0     | wrong type: v must be an integer",
        "seq         | \"42\"  | wrong type: seq must be an integer",
        "seq         | 4.2     | wrong type: seq must be an integer",
        "seq         | true    | wrong type: seq must be an integer",
        "seq         | null    | wrong type: seq must be an integer",
        "event_time  | 1.5e15  | wrong type: event_time must be an integer",
        "intended_at | \"now\" | wrong type: intended_at must be an integer",
        "produced_at | {}      | wrong type: produced_at must be an integer",
        "run_id      | 7       | wrong type: run_id must be a string",
        "symbol      | null    | wrong type: symbol must be a string",
        "symbol      | [\"BTC-USD\"] | wrong type: symbol must be a string",
        "price       | true    | wrong type: price must be a decimal string or number",
        "size        | null    | wrong type: size must be a decimal string or number",
        "price       | {}      | wrong type: price must be a decimal string or number",
    })
    void names_a_field_of_the_wrong_type(String field, String rawValue, String reason) {
        assertRejected(with(field, rawValue), reason);
    }

    @Test
    void rejects_a_negative_sequence_number() {
        assertRejected(with("seq", "-1"), "invalid value: seq must be >= 0");
    }

    @Test
    void rejects_integers_beyond_64_bits() {
        assertRejected(with("seq", "9223372036854775808"), "invalid value: seq is out of range");
        assertRejected(with("produced_at", "-9223372036854775809"), "invalid value: produced_at is out of range");
    }

    @Test
    void rejects_empty_strings() {
        assertRejected(with("run_id", "\"\""), "invalid value: run_id must not be empty");
        assertRejected(with("symbol", "\"\""), "invalid value: symbol must not be empty");
    }

    @Test
    void rejects_strings_holding_a_NUL_character_which_PostgreSQL_cannot_store() {
        assertRejected(with("symbol", "\"BTC\\u0000USD\""), "invalid value: symbol must not contain a NUL character");
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"abc\"", "\"NaN\"", "\"Infinity\"", "\"\"", "\" 1.5\"", "\"1,5\""})
    void rejects_decimal_strings_that_are_not_numbers(String rawValue) {
        assertRejected(with("price", rawValue), "invalid value: price is not a decimal number");
    }

    @Test
    void rejects_decimals_too_large_for_a_PostgreSQL_numeric() {
        assertRejected(with("price", "\"1e100000\""), "invalid value: price is out of range");
        assertRejected(with("size", "\"1e-100000\""), "invalid value: size is out of range");
    }

    @Test
    void rejects_NaN_as_a_bare_JSON_token() {
        ParseResult result = parse(VALID.replace("\"67012.50\"", "NaN"));
        assertTrue(result.reason().startsWith("invalid JSON: "), result.reason());
    }

    @Test
    void keeps_control_characters_out_of_the_reason() {
        ParseResult result = parse("{\"v\":\u0000}");
        assertTrue(result.reason().startsWith("invalid JSON: "), result.reason());
        assertFalse(result.reason().chars().anyMatch(Character::isISOControl), result.reason());
    }

    @Test
    void rejects_bytes_that_are_not_UTF_8() {
        byte[] payload = VALID.replace("BTC-USD", "BTC\u00ff").getBytes(StandardCharsets.ISO_8859_1);
        ParseResult result = EventParser.parse(payload);
        assertTrue(result.reason().startsWith("invalid JSON: "), result.reason());
    }

    @Test
    void keeps_the_reason_short_for_huge_garbage() {
        ParseResult result = parse("{\"v\":1," + "x".repeat(100_000));
        assertTrue(result.reason().length() < 300, () -> "reason has " + result.reason().length() + " chars");
    }

    @Test
    void never_throws_on_arbitrary_bytes() {
        Random random = new Random(7);
        for (int i = 0; i < 2000; i++) {
            byte[] payload = new byte[random.nextInt(64)];
            random.nextBytes(payload);
            EventParser.parse(payload);
            byte[] mutated = VALID.getBytes(StandardCharsets.UTF_8);
            mutated[random.nextInt(mutated.length)] = (byte) random.nextInt(256);
            EventParser.parse(mutated);
        }
    }
}
