package org.breathgate.agent.breathtest;

import java.util.List;
import java.util.Objects;
import org.breathgate.agent.prompt.Prompt;
import org.breathgate.protocol.AbortReason;
import org.breathgate.protocol.BreathAlcohol;
import org.breathgate.protocol.ClockFacts;
import org.breathgate.protocol.Outcome;
import org.breathgate.protocol.Reading;
import org.breathgate.protocol.SensorFacts;
import org.breathgate.protocol.TamperKind;
import org.breathgate.protocol.TestReason;

/**
 * How one blow attempt ended, ready to become evidence: the reading's fields (without its sequence
 * number and clock facts, which the recorder adds), any tamper signals it raised, and the prompt
 * to show the parent afterwards when it was not a valid result.
 *
 * @param outcome     PASS, FAIL, ABORTED or INVALID_SAMPLE
 * @param value       the measured value, or null
 * @param threshold   the threshold compared against
 * @param abortReason why there was no valid sample, or null
 * @param blowMs      blow length, or null
 * @param temperatureDeciC sensor temperature in tenths of a degree, or null
 * @param sensor      which sensor measured
 * @param tampers     tamper or fault signals to record beside the reading
 * @param retryPrompt for aborted and invalid attempts, what to tell the parent; null for valid results
 */
record TestEnding(Outcome outcome, BreathAlcohol value, BreathAlcohol threshold, AbortReason abortReason, Integer blowMs,
                         Integer temperatureDeciC, SensorFacts sensor, List<Tamper> tampers, Prompt retryPrompt) {

    /** A tamper or fault signal to record. */
    record Tamper(TamperKind kind, String detail) {
        public Tamper {
            Objects.requireNonNull(kind, "kind");
            detail = detail.length() > 500 ? detail.substring(0, 497) + "..." : detail;
        }
    }

    public TestEnding {
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(threshold, "threshold");
        Objects.requireNonNull(sensor, "sensor");
        tampers = List.copyOf(tampers);
    }

    /** Whether this is a valid result (PASS or FAIL) that answers the test's reason. */
    public boolean valid() {
        return outcome == Outcome.PASS || outcome == Outcome.FAIL;
    }

    /** The reading with its sequence number, clock facts and reason. */
    public Reading toReading(String deviceId, long seq, ClockFacts clock, TestReason reason) {
        return new Reading(deviceId, seq, clock, reason, outcome, value, threshold, abortReason, blowMs, temperatureDeciC, sensor);
    }
}
