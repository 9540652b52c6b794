package org.breathgate.protocol;

import java.util.Objects;

/** A message was refused; {@link #rejection()} says why in a form a program can act on. */
public class InvalidMessageException extends Exception {

    private final Rejection rejection;

    public InvalidMessageException(Rejection rejection, String detail) {
        super(rejection.code() + ": " + detail);
        this.rejection = Objects.requireNonNull(rejection, "rejection");
    }

    public InvalidMessageException(Rejection rejection, String detail, Throwable cause) {
        super(rejection.code() + ": " + detail, cause);
        this.rejection = Objects.requireNonNull(rejection, "rejection");
    }

    /** The typed cause. */
    public Rejection rejection() {
        return rejection;
    }
}
