package dev.cryptobench.common;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;

/**
 * A command line of {@code --name value} (or {@code --name=value}) pairs, checked against the flags a job
 * declares: an unknown flag, a repeated flag, a flag without a value or a stray argument is a
 * {@link UsageException} naming it. Typed getters check values the same way.
 */
public final class Flags {

    private final Map<String, String> values;

    private Flags(Map<String, String> values) {
        this.values = values;
    }

    /** Splits {@code args} into flags; {@code known} lists every flag the job accepts, with the dashes. */
    public static Flags parse(String[] args, Collection<String> known) throws UsageException {
        Set<String> accepted = Set.copyOf(known);
        Map<String, String> values = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--")) {
                throw new UsageException("unexpected argument: " + arg);
            }
            String name = arg;
            String value;
            int equals = arg.indexOf('=');
            if (equals > 0) {
                name = arg.substring(0, equals);
                value = arg.substring(equals + 1);
            } else if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
                value = args[++i];
            } else {
                value = null;
            }
            if (!accepted.contains(name)) {
                throw new UsageException("unknown flag: " + name);
            }
            if (value == null) {
                throw new UsageException(name + " needs a value");
            }
            if (values.putIfAbsent(name, value) != null) {
                throw new UsageException(name + " is given more than once");
            }
        }
        return new Flags(values);
    }

    /** The value of a flag that must be given. */
    public String required(String name) throws UsageException {
        String value = values.get(name);
        if (value == null) {
            throw new UsageException(name + " is required");
        }
        return nonBlank(name, value);
    }

    /** The value of a flag, or {@code defaultValue} when it is not given; never blank. */
    public String string(String name, String defaultValue) throws UsageException {
        String value = values.get(name);
        return value == null ? defaultValue : nonBlank(name, value);
    }

    /** An integer flag within {@code [min, max]}. */
    public int integer(String name, int defaultValue, int min, int max) throws UsageException {
        String value = values.get(name);
        return value == null ? defaultValue : (int) parseLong(name, value, min, max);
    }

    /** A {@code true|false} flag. */
    public boolean bool(String name, boolean defaultValue) throws UsageException {
        String value = values.get(name);
        if (value == null) {
            return defaultValue;
        }
        switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "true":
                return true;
            case "false":
                return false;
            default:
                throw new UsageException(name + " must be true or false, got '" + value + "'");
        }
    }

    /** An optional long flag within {@code [min, max]}. */
    public OptionalLong optionalLong(String name, long min, long max) throws UsageException {
        String value = values.get(name);
        return value == null ? OptionalLong.empty() : OptionalLong.of(parseLong(name, value, min, max));
    }

    private static long parseLong(String name, String value, long min, long max) throws UsageException {
        long parsed;
        try {
            parsed = Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new UsageException(name + " must be an integer, got '" + value + "'");
        }
        if (parsed < min || parsed > max) {
            throw new UsageException(name + " must be between " + min + " and " + max + ", got " + parsed);
        }
        return parsed;
    }

    private static String nonBlank(String name, String value) throws UsageException {
        if (value.isBlank()) {
            throw new UsageException(name + " must not be empty");
        }
        return value.trim();
    }
}
