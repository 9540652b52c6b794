package org.breathgate.protocol;

import java.util.Objects;

/**
 * The parent pressed "I need support". As important as a sober reading: a worker must see it soon.
 *
 * @param deviceId the device
 * @param seq      its sequence number
 * @param clock    clock facts when the button was pressed
 */
public record SupportRequest(String deviceId, long seq, ClockFacts clock) implements EvidenceEvent {

    public SupportRequest {
        DeviceIds.check(deviceId);
        EvidenceEvent.checkSeq(seq);
        Objects.requireNonNull(clock, "clock");
    }

    @Override
    public MessageType type() {
        return MessageType.SUPPORT_REQUEST;
    }
}
