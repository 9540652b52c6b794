package org.breathgate.receiver.evidence.store;

import org.breathgate.protocol.DeviceStatus;
import org.breathgate.protocol.EvidenceEvent;
import org.breathgate.protocol.SignedMessage;

import java.time.Instant;
import java.util.Objects;

/** One thing ingest asks the store to write; a batch of them is written in one transaction. */
public sealed interface Write permits Write.Evidence, Write.Status, Write.Quarantine {

    /** A verified evidence event. */
    record Evidence(SignedMessage signed, Instant receivedAt) implements Write {
        public Evidence {
            Objects.requireNonNull(receivedAt, "receivedAt");
            if (!(signed.message() instanceof EvidenceEvent)) {
                throw new IllegalArgumentException("not evidence: " + signed.message().type());
            }
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
     */
    record Quarantine(String reason, String topic, String deviceId, Long seq, String detail, byte[] raw, Instant receivedAt)
            implements Write {
        public Quarantine {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(raw, "raw");
            Objects.requireNonNull(receivedAt, "receivedAt");
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
        /** Status saved as the device's latest. */
        STATUS_SAVED,
        /** Quarantined as asked. */
        QUARANTINED
    }
}
