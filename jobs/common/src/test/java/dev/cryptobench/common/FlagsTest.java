package dev.cryptobench.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class FlagsTest {

    private static final List<String> KNOWN = List.of("--a", "--n");

    private static String error(String... args) {
        return assertThrows(UsageException.class, () -> Flags.parse(args, KNOWN)).getMessage();
    }

    @Test
    void rejects_an_unknown_flag_by_name() {
        assertEquals("unknown flag: --nope", error("--a", "1", "--nope", "2"));
        assertEquals("unknown flag: --nope", error("--nope=2"));
    }

    @Test
    void rejects_a_flag_without_a_value() {
        assertEquals("--a needs a value", error("--a"));
        assertEquals("--a needs a value", error("--a", "--n", "1"));
    }

    @Test
    void rejects_a_repeated_flag() {
        assertEquals("--a is given more than once", error("--a", "1", "--a=2"));
    }

    @Test
    void rejects_a_stray_argument() {
        assertEquals("unexpected argument: x", error("x"));
        assertEquals("unexpected argument: -a", error("-a", "1"));
    }

    @Test
    void reads_integers_within_bounds() throws Exception {
        Flags flags = Flags.parse(new String[] {"--n", "7"}, KNOWN);
        assertEquals(7, flags.integer("--n", 1, 0, 10));
        assertEquals(3, flags.integer("--a", 3, 0, 10));
    }

    @Test
    void names_the_flag_of_a_bad_integer() throws Exception {
        Flags notANumber = Flags.parse(new String[] {"--n", "seven"}, KNOWN);
        assertEquals("--n must be an integer, got 'seven'",
                assertThrows(UsageException.class, () -> notANumber.integer("--n", 1, 0, 10)).getMessage());
        Flags tooBig = Flags.parse(new String[] {"--n", "11"}, KNOWN);
        assertEquals("--n must be between 0 and 10, got 11",
                assertThrows(UsageException.class, () -> tooBig.integer("--n", 1, 0, 10)).getMessage());
        Flags negative = Flags.parse(new String[] {"--n", "-1"}, KNOWN);
        assertEquals("--n must be between 0 and 10, got -1",
                assertThrows(UsageException.class, () -> negative.integer("--n", 1, 0, 10)).getMessage());
    }

    @Test
    void reads_an_optional_long() throws Exception {
        assertEquals(OptionalLong.empty(), Flags.parse(new String[0], KNOWN).optionalLong("--n", 1, 5));
        assertEquals(OptionalLong.of(5), Flags.parse(new String[] {"--n", "5"}, KNOWN).optionalLong("--n", 1, 5));
    }

    @Test
    void rejects_an_empty_value() throws Exception {
        Flags flags = Flags.parse(new String[] {"--a="}, KNOWN);
        assertEquals("--a must not be empty",
                assertThrows(UsageException.class, () -> flags.string("--a", "x")).getMessage());
    }
}
