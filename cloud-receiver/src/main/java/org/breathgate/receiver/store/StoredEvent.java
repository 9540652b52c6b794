package org.breathgate.receiver.store;

import org.breathgate.protocol.EvidenceEvent;
import org.breathgate.protocol.KeyId;

import java.time.Instant;
import java.util.Objects;

/**
 * An evidence event as stored: the exact signed bytes, and the event read back from them.
 *
 * @param deviceId   the device
 * @param seq        its sequence number
 * @param keyId      the key that signed it
 * @param compact    the exact JWS compact serialisation received: the evidence
 * @param event      the decoded event (from {@code compact})
 * @param receivedAt when the receiver stored it (receiver clock)
 */
public record StoredEvent(String deviceId, long seq, KeyId keyId, String compact, EvidenceEvent event, Instant receivedAt) {

    public StoredEvent {
        Objects.requireNonNull(deviceId, "deviceId");
        Objects.requireNonNull(keyId, "keyId");
        Objects.requireNonNull(compact, "compact");
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(receivedAt, "receivedAt");
    }
}
