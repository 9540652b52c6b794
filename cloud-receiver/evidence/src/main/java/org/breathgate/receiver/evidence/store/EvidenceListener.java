package org.breathgate.receiver.evidence.store;

import java.time.Instant;
import java.util.Objects;

/**
 * Told about evidence as ingest stores it: the hook for later layers (care workflow, alerts).
 * Called on the ingest thread after the transaction has committed and the broker has been told,
 * once per event (never for duplicates). Return quickly and hand slow work to your own thread: a
 * slow listener slows ingest. An exception is logged and does not undo the storing.
 */
public interface EvidenceListener {

    /** {@code event} was stored for the first time. */
    void onStored(StoredEvent event);

    /**
     * A message was quarantined (or would have been, had the quarantine not been full). A <em>verified</em> one is
     * something the device itself signed that could not be kept as evidence ({@code seq_reused}: another content under a
     * stored sequence number, a cloned device; {@code photo_hash_mismatch}: a photo that is not the one its reading names;
     * {@code store_failed}): worth a person's attention, unlike the noise an unverified one may be.
     */
    default void onQuarantined(Quarantined quarantined) {
    }

    /**
     * One quarantined message.
     *
     * @param reason     a code listed in {@code docs/receiver.md} (e.g. {@code seq_reused})
     * @param deviceId   the device the topic (and, when verified, the signature) names, or {@code null}
     * @param seq        the sequence number the signed payload names, or {@code null}
     * @param detail     a short explanation
     * @param verified   whether the message's signature verified with that device's key
     * @param kept       whether its row was kept ({@code false}: the quarantine's cap was reached; it was counted)
     * @param receivedAt when the receiver got it
     */
    record Quarantined(String reason, String deviceId, Long seq, String detail, boolean verified, boolean kept, Instant receivedAt) {
        public Quarantined {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(receivedAt, "receivedAt");
        }
    }
}
