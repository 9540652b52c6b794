package org.breathgate.care.access;

import java.util.Objects;

/** Thrown when someone asks the care core to do what {@link AccessPolicy} refuses. */
public class AccessDeniedException extends RuntimeException {

    private final transient Decision decision;

    public AccessDeniedException(String what, Decision decision) {
        super(what + " refused: " + decision.reason() + " [" + decision.code().code() + "]");
        if (decision.allowed()) {
            throw new IllegalArgumentException("an allowing decision is no refusal");
        }
        this.decision = Objects.requireNonNull(decision, "decision");
    }

    /** The refusal, with its stable code. */
    public Decision decision() {
        return decision;
    }
}
