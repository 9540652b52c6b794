package org.breathgate.attestation;

import java.util.Objects;

/** An attestation was refused; {@link #refusal()} says why, the message says it for a person. */
public final class AttestationException extends Exception {

    private final Refusal refusal;

    public AttestationException(Refusal refusal, String detail) {
        super(refusal.code() + ": " + detail);
        this.refusal = Objects.requireNonNull(refusal, "refusal");
    }

    public AttestationException(Refusal refusal, String detail, Throwable cause) {
        super(refusal.code() + ": " + detail, cause);
        this.refusal = Objects.requireNonNull(refusal, "refusal");
    }

    public Refusal refusal() {
        return refusal;
    }
}
