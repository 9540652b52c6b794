package org.breathgate.protocol;

import java.util.Objects;

/**
 * A tamper or fault signal: the device noticed something that may make its evidence less
 * trustworthy. Sent as evidence, never silently dropped.
 *
 * @param deviceId the device
 * @param seq      its sequence number
 * @param clock    clock facts when it was noticed
 * @param kind     what was noticed
 * @param detail   a short description for the worker and technician (at most 500 characters)
 */
public record TamperEvent(String deviceId, long seq, ClockFacts clock, TamperKind kind, String detail)
        implements EvidenceEvent {

    public TamperEvent {
        DeviceIds.check(deviceId);
        EvidenceEvent.checkSeq(seq);
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(kind, "kind");
        detail = Texts.check("detail", detail, 500);
    }

    @Override
    public MessageType type() {
        return MessageType.TAMPER;
    }
}
