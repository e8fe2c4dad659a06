package dev.cryptobench.common;

import java.sql.SQLException;

/**
 * Sorts database errors into fatal ones, which retrying cannot fix (bad credentials, a missing database,
 * table or column, a rejected value), and transient ones (lost connection, server restarting, lack of
 * resources), which a job retries.
 */
public final class DbErrors {

    private static final int MAX_MESSAGE_CHARS = 240;

    private DbErrors() {}

    /**
     * True for SQLSTATE classes 28 (invalid authorization), 3D (invalid catalog, i.e. no such database),
     * 42 (undefined table or column, missing privilege), 22 (data exception) and 23 (integrity violation).
     */
    public static boolean isFatal(SQLException e) {
        String state = e.getSQLState();
        if (state == null || state.length() < 2) {
            return false;
        }
        switch (state.substring(0, 2)) {
            case "28":
            case "3D":
            case "42":
            case "22":
            case "23":
                return true;
            default:
                return false;
        }
    }

    /** The first {@link SQLException} in a cause chain, or {@code null}; engines wrap task failures. */
    public static SQLException findSqlException(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SQLException) {
                return (SQLException) t;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return null;
    }

    /**
     * One line for a log: SQLSTATE and message, plus the batch's underlying error if there is one. Messages
     * are cut short: a failed batch entry quotes its whole INSERT with every value.
     */
    public static String describe(SQLException e) {
        StringBuilder text = new StringBuilder();
        text.append("SQLSTATE ").append(e.getSQLState()).append(": ").append(shorten(e.getMessage()));
        SQLException next = e.getNextException();
        if (next != null && next != e) {
            text.append(" (").append(shorten(next.getMessage())).append(')');
        }
        return text.toString();
    }

    private static String shorten(String message) {
        if (message == null) {
            return "";
        }
        String oneLine = message.replaceAll("\\s+", " ").trim();
        return oneLine.length() <= MAX_MESSAGE_CHARS ? oneLine : oneLine.substring(0, MAX_MESSAGE_CHARS) + "...";
    }
}
