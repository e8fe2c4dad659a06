package dev.cryptobench.common;

/** A bad command line. The message names the flag; {@link Cli} prints it with the usage text and exits 2. */
public final class UsageException extends Exception {

    public UsageException(String message) {
        super(message);
    }
}
