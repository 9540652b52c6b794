package org.breathgate.care.alert;

import org.breathgate.protocol.AbortReason;
import org.breathgate.protocol.BreathAlcohol;
import org.breathgate.protocol.ClockFacts;
import org.breathgate.protocol.MissedTest;
import org.breathgate.protocol.Outcome;
import org.breathgate.protocol.Reading;
import org.breathgate.protocol.SensorFacts;
import org.breathgate.protocol.SupportRequest;
import org.breathgate.protocol.TamperEvent;
import org.breathgate.protocol.TamperKind;
import org.breathgate.protocol.TestReason;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;

/** Evidence events of one device, with a synchronised clock unless said otherwise. */
final class Events {

    static final String DEVICE = "home-0001";
    static final Instant T0 = Instant.parse("2026-03-09T06:02:00Z");
    static final BreathAlcohol DEVICE_THRESHOLD = new BreathAlcohol(100);
    private static final SensorFacts SENSOR = new SensorFacts("BG-FC1", "SIM-000123", LocalDate.parse("2027-05-01"));

    private Events() {
    }

    static ClockFacts clock(Instant wall) {
        return new ClockFacts(wall, "5b1e8f0c-3c1a-4f7e", 3_600_000, true);
    }

    static Instant minutes(long m) {
        return T0.plus(Duration.ofMinutes(m));
    }

    static Reading test(long seq, Instant at, int ugPerL) {
        Outcome outcome = ugPerL >= DEVICE_THRESHOLD.microgramsPerLitre() ? Outcome.FAIL : Outcome.PASS;
        return new Reading(DEVICE, seq, clock(at), new TestReason.Scheduled(Instant.parse("2026-03-09T06:00:00Z"), false),
                outcome, new BreathAlcohol(ugPerL), DEVICE_THRESHOLD, null, 4500, 300, SENSOR);
    }

    static Reading retest(long seq, long chainStart, int attempt, Instant at, int ugPerL) {
        Outcome outcome = ugPerL >= DEVICE_THRESHOLD.microgramsPerLitre() ? Outcome.FAIL : Outcome.PASS;
        return new Reading(DEVICE, seq, clock(at), new TestReason.Retest(seq - 1, chainStart, attempt), outcome,
                new BreathAlcohol(ugPerL), DEVICE_THRESHOLD, null, 4500, 300, SENSOR);
    }

    static Reading abortedRetest(long seq, long chainStart, Instant at) {
        return new Reading(DEVICE, seq, clock(at), new TestReason.Retest(seq - 1, chainStart, 1), Outcome.ABORTED, null,
                DEVICE_THRESHOLD, AbortReason.BLOW_TOO_SHORT, 700, 300, SENSOR);
    }

    static MissedTest missedRetest(long seq, long chainStart, Instant closedAt) {
        return new MissedTest(DEVICE, seq, clock(closedAt), new TestReason.Retest(seq - 1, chainStart, 1),
                closedAt.minus(Duration.ofMinutes(30)), closedAt, 0);
    }

    static MissedTest missedScheduled(long seq, Instant closedAt) {
        return new MissedTest(DEVICE, seq, clock(closedAt), new TestReason.Scheduled(closedAt.minus(Duration.ofMinutes(30)), false),
                closedAt.minus(Duration.ofMinutes(30)), closedAt, 1);
    }

    static TamperEvent tamper(long seq, Instant at) {
        return new TamperEvent(DEVICE, seq, clock(at), TamperKind.SENSOR_DISCONNECTED, "serial port went silent");
    }

    static SupportRequest support(long seq, Instant at) {
        return new SupportRequest(DEVICE, seq, clock(at));
    }
}
