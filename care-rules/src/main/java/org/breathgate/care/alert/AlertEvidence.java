package org.breathgate.care.alert;

import org.breathgate.care.consent.EventTime;
import org.breathgate.protocol.BreathAlcohol;
import org.breathgate.protocol.EvidenceEvent;
import org.breathgate.protocol.Outcome;

import java.util.Objects;

/**
 * One evidence event an alert rests on, by its device sequence number, with what the alert needs to
 * explain itself (and to be re-decided when more evidence arrives).
 *
 * @param seq      the event's sequence number on the alert's device
 * @param role     what the event was
 * @param outcome  for tests and retests, the outcome; else {@code null}
 * @param value    for tests and retests with a measured value, the value; else {@code null}
 * @param time     when it happened
 * @param excused  whether a worker excused it (missed tests only)
 */
public record AlertEvidence(long seq, Role role, Outcome outcome, BreathAlcohol value, EventTime time, boolean excused) {

    /** What an evidence event was, as the alert sees it. */
    public enum Role {
        TEST, RETEST, MISSED_TEST, MISSED_RETEST, TAMPER, SUPPORT_REQUEST,
        /** A reading whose photo a worker found not to match the client's reference photo. */
        PHOTO_MISMATCH,
        /** A sequence number under which the device signed something the receiver could not keep (see DEVICE_INTEGRITY). */
        INTEGRITY,
        /** An event whose device clock the receiver doubted. */
        CLOCK_DOUBTED,
        /** An event that belongs to no client's period with the device. */
        UNASSIGNED,
        /** A scheduled test the receiver expected and did not receive; its time is the slot's window (no sequence number: 1). */
        EXPECTED_TEST,
        /** A consent about to end; not an event of the device (no sequence number: 1). */
        CONSENT
    }

    public AlertEvidence {
        EvidenceEvent.checkSeq(seq);
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(time, "time");
        boolean test = role == Role.TEST || role == Role.RETEST;
        if (test != (outcome != null)) {
            throw new IllegalArgumentException(role + (test ? " needs" : " has no") + " outcome");
        }
        if (!test && value != null) {
            throw new IllegalArgumentException(role + " has no value");
        }
        if (excused && role != Role.MISSED_TEST && role != Role.MISSED_RETEST) {
            throw new IllegalArgumentException("only a missed test can be excused, not " + role);
        }
    }

    AlertEvidence asExcused() {
        return new AlertEvidence(seq, role, outcome, value, time, true);
    }
}
