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
 * @param clockCheck null when the device's clock agreed with the receiver's when it arrived; else why it was not believed
 *                   (the event is then filed by its receive time)
 */
public record StoredEvent(KeyId keyId, String compact, EvidenceEvent event, Instant receivedAt, String clockCheck) {

    public StoredEvent {
        Objects.requireNonNull(keyId, "keyId");
        Objects.requireNonNull(compact, "compact");
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(receivedAt, "receivedAt");
    }

    /** An event whose device clock was not questioned at the door. */
    public StoredEvent(KeyId keyId, String compact, EvidenceEvent event, Instant receivedAt) {
        this(keyId, compact, event, receivedAt, null);
    }

    /** Whether the device's clock was found wrong when the event arrived ({@link #clockCheck()}). */
    public boolean clockDoubted() {
        return clockCheck != null;
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
     * it was synchronised and not doubted at the door, else the time the receiver got it (an unsynchronised Pi clock lags
     * and may read a date long before the assignment; a clock set wrong must not move evidence out of its client's period).
     */
    public Instant attributionTime() {
        return event.clock().synced() && clockCheck == null ? event.clock().wall() : receivedAt;
    }
}
