package org.breathgate.receiver.evidence.store;

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
     * A message was quarantined. {@code deviceId} and {@code seq} are those the topic and signed
     * payload name, or {@code null} when not known; {@code reason} is a code listed in
     * {@code docs/receiver.md} (e.g. {@code seq_reused}, a tamper alarm).
     */
    default void onQuarantined(String reason, String deviceId, Long seq, String detail) {
    }
}
