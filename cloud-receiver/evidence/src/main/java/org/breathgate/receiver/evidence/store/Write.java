package org.breathgate.receiver.evidence.store;

import org.breathgate.protocol.DeviceStatus;
import org.breathgate.protocol.EvidenceEvent;
import org.breathgate.protocol.SignedMessage;

import java.time.Instant;
import java.util.Objects;

/** One thing ingest asks the store to write; a batch of them is written in one transaction. */
public sealed interface Write permits Write.Evidence, Write.Status, Write.Quarantine {

    /**
     * A verified evidence event.
     *
     * @param misroutedTopic the topic it arrived on when that was not its own type's topic (stored all the same: its signed
     *                       type decides; the mismatch is recorded), or null
     * @param clockCheck     null when the device's clock agreed with the receiver's at arrival; else why it was not believed
     * @param supersededKey  whether the device had a later key version than the one that signed it when it arrived: the store
     *                       then checks it against the evidence of the later versions ({@link Result#KEY_SUPERSEDED})
     */
    record Evidence(SignedMessage signed, Instant receivedAt, String misroutedTopic, String clockCheck, boolean supersededKey)
            implements Write {
        public Evidence {
            Objects.requireNonNull(receivedAt, "receivedAt");
            if (!(signed.message() instanceof EvidenceEvent)) {
                throw new IllegalArgumentException("not evidence: " + signed.message().type());
            }
        }

        /** Signed by the device's latest key version. */
        public Evidence(SignedMessage signed, Instant receivedAt, String misroutedTopic, String clockCheck) {
            this(signed, receivedAt, misroutedTopic, clockCheck, false);
        }

        /** Arrived on its own topic, its clock not questioned. */
        public Evidence(SignedMessage signed, Instant receivedAt) {
            this(signed, receivedAt, null, null);
        }

        public EvidenceEvent event() {
            return (EvidenceEvent) signed.message();
        }
    }

    /** A verified status heartbeat. */
    record Status(SignedMessage signed, Instant receivedAt) implements Write {
        public Status {
            Objects.requireNonNull(receivedAt, "receivedAt");
            if (!(signed.message() instanceof DeviceStatus)) {
                throw new IllegalArgumentException("not a status: " + signed.message().type());
            }
        }

        public DeviceStatus status() {
            return (DeviceStatus) signed.message();
        }
    }

    /**
     * A refused message.
     *
     * @param reason   the cause code
     * @param topic    the topic it came on
     * @param deviceId the device the topic names, or {@code null}
     * @param seq      its sequence number if it was signed and had one, or {@code null}
     * @param detail   a short explanation
     * @param raw      the bytes received (cut to {@link EvidenceStore#MAX_QUARANTINE_BYTES} when written)
     * @param verified   whether its signature verified with the device's key: the device itself made it (e.g. {@code seq_reused})
     */
    record Quarantine(String reason, String topic, String deviceId, Long seq, String detail, byte[] raw, Instant receivedAt,
                      boolean verified) implements Write {
        public Quarantine {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(raw, "raw");
            Objects.requireNonNull(receivedAt, "receivedAt");
        }

        /** A refused message whose signature did not verify (or was never checked). */
        public Quarantine(String reason, String topic, String deviceId, Long seq, String detail, byte[] raw, Instant receivedAt) {
            this(reason, topic, deviceId, seq, detail, raw, receivedAt, false);
        }
    }

    /** What the store did with one write. */
    enum Result {
        /** Evidence stored now. */
        STORED,
        /** The same bytes were already stored. */
        DUPLICATE,
        /** The sequence number was already stored with different bytes: quarantined as {@code seq_reused}. */
        SEQ_REUSED,
        /**
         * Signed by a superseded key version under a sequence number above one a later version already signed: quarantined as
         * {@code key_superseded}, since the device itself never does that (after a rotation it signs only with the new key).
         */
        KEY_SUPERSEDED,
        /** Status saved as the device's latest. */
        STATUS_SAVED,
        /** Quarantined as asked. */
        QUARANTINED,
        /**
         * To be quarantined, but the quarantine's cap for its device and class (or overall) is reached: counted in
         * {@code quarantine_tally}, not kept.
         */
        QUARANTINE_FULL
    }
}
