package org.breathgate.receiver.evidence.store;

import org.breathgate.protocol.EvidenceEvent;
import org.breathgate.protocol.KeyId;

import java.time.Instant;
import java.util.Objects;

/**
 * An evidence event as stored: the exact signed bytes, and the event read back from them. The one wrapper of a stored
 * event, from ingest's listeners to the care workflow's timeline.
 *
 * @param keyId      the key that signed it
 * @param compact    the exact JWS compact serialisation received: the evidence
 * @param event      the decoded event (from {@code compact})
 * @param receivedAt when the receiver stored it (receiver clock)
 */
public record StoredEvent(KeyId keyId, String compact, EvidenceEvent event, Instant receivedAt) {

    public StoredEvent {
        Objects.requireNonNull(keyId, "keyId");
        Objects.requireNonNull(compact, "compact");
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(receivedAt, "receivedAt");
    }

    /** The device. */
    public String deviceId() {
        return event.deviceId();
    }

    /** Its sequence number. */
    public long seq() {
        return event.seq();
    }

    /** {@code device#seq}, as audit entries and reports name events. */
    public String ref() {
        return event.deviceId() + "#" + event.seq();
    }

    /**
     * The instant that decides which device assignment (and so which client) the event belongs to: the device's clock when
     * it was synchronised, else the time the receiver got it (an unsynchronised Pi clock lags and may read a date long before
     * the assignment).
     */
    public Instant attributionTime() {
        return event.clock().synced() ? event.clock().wall() : receivedAt;
    }
}
