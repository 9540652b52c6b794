package org.breathgate.protocol;

import java.util.Objects;

/**
 * The parent pressed "I need support". As important as a sober reading: a worker must see it soon.
 *
 * <p>Devices of this version say what the parent needs ({@code need}) and whether the parent chose it
 * ({@code needChosen}) or the device chose it for them because the spoken menu ended without a choice
 * (then it is always {@link SupportNeed#HELP_NOW}). Older devices send neither: {@code need} is null,
 * and the request means "support", as it always did.
 *
 * @param deviceId   the device
 * @param seq        its sequence number
 * @param clock      clock facts when the request was made
 * @param need       what the parent needs; null from devices older than this field
 * @param needChosen true when the parent chose {@code need}; false when the device chose it because no
 *                   choice was made (and always false without a {@code need})
 */
public record SupportRequest(String deviceId, long seq, ClockFacts clock, SupportNeed need, boolean needChosen)
        implements EvidenceEvent {

    public SupportRequest {
        DeviceIds.check(deviceId);
        EvidenceEvent.checkSeq(seq);
        Objects.requireNonNull(clock, "clock");
        if (need == null && needChosen) {
            throw new IllegalArgumentException("need_chosen is only said together with a need");
        }
    }

    /** A request that says nothing of the need, as devices before the {@code need} field sent it. */
    public SupportRequest(String deviceId, long seq, ClockFacts clock) {
        this(deviceId, seq, clock, null, false);
    }

    @Override
    public MessageType type() {
        return MessageType.SUPPORT_REQUEST;
    }
}
