package org.breathgate.receiver.ingest.mqtt;

/**
 * Quarantine reasons the receiver adds to the protocol's {@link org.breathgate.protocol.Rejection}
 * codes (which are used as they are, e.g. {@code bad_signature}, {@code unknown_key}).
 */
public final class QuarantineReasons {

    /** The message is signed by a key of a revoked device. */
    public static final String REVOKED_DEVICE = "revoked_device";
    /** The message is signed by a revoked key version of an active device. */
    public static final String REVOKED_KEY = "revoked_key";
    /**
     * Not produced since issue 16 (kept for rows of older receivers): a topic that is no device's uplink is dropped unwritten,
     * and a verified message on another topic than its own type's is handled by its signed type.
     */
    public static final String WRONG_TOPIC = "wrong_topic";
    /** The sequence number was already stored with different content: a tamper alarm. */
    public static final String SEQ_REUSED = org.breathgate.receiver.evidence.store.EvidenceStore.SEQ_REUSED;
    /**
     * Evidence signed by a superseded key version under a sequence number above one a later version signed: a tamper alarm
     * (a copy of the old key), as the device never signs with an older key after a newer one.
     */
    public static final String KEY_SUPERSEDED = org.breathgate.receiver.evidence.store.EvidenceStore.KEY_SUPERSEDED;
    /** The message was valid but could not be stored even on its own (see the detail). */
    public static final String STORE_FAILED = "store_failed";
    /** The receiver failed on this message for a reason of its own (a bug; see the detail and log). */
    public static final String INTERNAL_ERROR = "internal_error";

    private QuarantineReasons() {
    }
}
