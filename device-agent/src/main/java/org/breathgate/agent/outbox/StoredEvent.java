package org.breathgate.agent.outbox;

import java.util.Objects;
import org.breathgate.protocol.MessageType;

/**
 * An evidence event as the outbox keeps it: signed, ready to be published, or — when the device key could not
 * sign at the moment it happened (a TPM that did not answer) — its exact payload, kept durable until the key
 * signs it ({@link Outbox#awaitingSignature}).
 *
 * @param seq     its sequence number
 * @param type    its wire type (which names its topic)
 * @param compact the exact signed JWS, the bytes that are published; for an unsigned event, its JSON payload
 * @param signed  whether {@code compact} is a signed JWS (false: the payload, waiting for the device key)
 */
public record StoredEvent(long seq, MessageType type, String compact, boolean signed) {
    public StoredEvent {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(compact, "compact");
    }

    /** A signed event. */
    public StoredEvent(long seq, MessageType type, String compact) {
        this(seq, type, compact, true);
    }

    /** An event the device key has not signed yet: {@code payload} is its JSON, exactly as it will be signed. */
    public static StoredEvent unsigned(long seq, MessageType type, String payload) {
        return new StoredEvent(seq, type, payload, false);
    }
}
