package org.breathgate.agent.outbox;

import java.util.Objects;
import org.breathgate.protocol.MessageType;

/**
 * A signed evidence event as the outbox keeps it.
 *
 * @param seq     its sequence number
 * @param type    its wire type (which names its topic)
 * @param compact the exact signed JWS, the bytes that are published
 */
public record StoredEvent(long seq, MessageType type, String compact) {
    public StoredEvent {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(compact, "compact");
    }
}
