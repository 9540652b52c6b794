package org.breathgate.receiver.evidence.store;

import java.time.Instant;
import java.util.Objects;

/**
 * A message the receiver refused, kept with why.
 *
 * @param id         the record's number
 * @param receivedAt when it arrived (receiver clock)
 * @param reason     the cause: a {@link org.breathgate.protocol.Rejection#code()} or a receiver code (see {@code docs/receiver.md})
 * @param topic      the MQTT topic it came on
 * @param deviceId   the device the topic names, or {@code null} if the topic named none
 * @param seq        the sequence number, when the message was signed and had one; else {@code null}
 * @param detail     a short explanation
 * @param raw        the bytes received, cut at {@link EvidenceStore#MAX_QUARANTINE_BYTES}
 * @param rawLength  how many bytes were received
 */
public record QuarantineRecord(long id, Instant receivedAt, String reason, String topic, String deviceId, Long seq,
                               String detail, byte[] raw, int rawLength) {

    public QuarantineRecord {
        Objects.requireNonNull(receivedAt, "receivedAt");
        Objects.requireNonNull(reason, "reason");
        raw = raw.clone();
    }

    @Override
    public byte[] raw() {
        return raw.clone();
    }
}
