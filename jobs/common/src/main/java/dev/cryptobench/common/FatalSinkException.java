package dev.cryptobench.common;

/** The sink cannot be used and retrying will not help: wrong credentials, no such database or table. */
public final class FatalSinkException extends Exception {

    public FatalSinkException(String message, Throwable cause) {
        super(message, cause);
    }
}
