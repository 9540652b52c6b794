package org.breathgate.care.alert;

import org.breathgate.care.Checks;
import org.breathgate.protocol.DeviceIds;
import org.breathgate.protocol.EvidenceEvent;

import java.time.Instant;
import java.util.Objects;

/**
 * A worker's excuse for a missed or late test (e.g. a hospital stay). The event itself stays as it
 * was; the excuse is stored beside it and audited.
 *
 * @param deviceId the device of the excused event
 * @param seq      the excused event's sequence number
 * @param by       the worker's user id
 * @param note     why it is excused
 * @param at       when the excuse was recorded
 */
public record Excuse(String deviceId, long seq, String by, String note, Instant at) {

    public Excuse {
        DeviceIds.check(deviceId);
        EvidenceEvent.checkSeq(seq);
        Checks.id("by", by);
        Checks.text("note", note, 2000);
        Objects.requireNonNull(at, "at");
    }
}
