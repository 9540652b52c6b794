package org.breathgate.care.webhook;

/** What checking a webhook signature found. */
public enum WebhookVerification {
    VALID,
    /** The header is missing parts or is not of the form {@code t=<seconds>,v1=<hex>}. */
    MALFORMED_HEADER,
    /** The timestamp is too far from now: possibly a replay of an old delivery. */
    TIMESTAMP_OUT_OF_TOLERANCE,
    /** No signature matches: wrong secret, or the body was changed. */
    SIGNATURE_MISMATCH;

    public boolean valid() {
        return this == VALID;
    }
}
