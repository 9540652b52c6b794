package org.breathgate.protocol;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

/**
 * A scheduled test or a retest whose window closed with no valid sample.
 *
 * @param deviceId        the device
 * @param seq             its sequence number
 * @param clock           clock facts when the window closed
 * @param reason          the slot, the retest, the random test or the requested test that was missed; never on-demand
 * @param windowOpened    when the window opened (device wall clock)
 * @param windowClosed    when it closed (device wall clock)
 * @param abortedAttempts how many tests were started in the window but aborted
 */
public record MissedTest(
        String deviceId,
        long seq,
        ClockFacts clock,
        TestReason reason,
        Instant windowOpened,
        Instant windowClosed,
        int abortedAttempts) implements EvidenceEvent {

    public MissedTest {
        DeviceIds.check(deviceId);
        EvidenceEvent.checkSeq(seq);
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(reason, "reason");
        if (reason instanceof TestReason.OnDemand) {
            throw new IllegalArgumentException("an on-demand test cannot be missed");
        }
        if (reason instanceof TestReason.Retest retest && retest.of() >= seq) {
            throw new IllegalArgumentException("a missed retest must follow the reading it answers");
        }
        windowOpened = Objects.requireNonNull(windowOpened, "windowOpened").truncatedTo(ChronoUnit.SECONDS);
        windowClosed = Objects.requireNonNull(windowClosed, "windowClosed").truncatedTo(ChronoUnit.SECONDS);
        if (windowClosed.isBefore(windowOpened)) {
            throw new IllegalArgumentException("windowClosed must not be before windowOpened");
        }
        if (abortedAttempts < 0) {
            throw new IllegalArgumentException("abortedAttempts must not be negative");
        }
    }

    @Override
    public MessageType type() {
        return MessageType.MISSED_TEST;
    }
}
