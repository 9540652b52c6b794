package org.breathgate.protocol;

import java.util.Objects;

/**
 * One breath test: the central piece of evidence.
 *
 * @param deviceId      the device that took it
 * @param seq           its sequence number
 * @param clock         clock facts when the result was known
 * @param reason        why the test happened (slot, on demand, retest of an earlier reading)
 * @param outcome       what it came to
 * @param breathAlcohol the measured value, or {@code null} when there was no valid sample, or when
 *                      the sensor reports only pass/fail (an interlock-style device)
 * @param threshold     the threshold the device compared against to decide {@link Outcome#PASS} or
 *                      {@link Outcome#FAIL}
 * @param abortReason   why there was no valid sample; required for {@link Outcome#ABORTED}
 * @param blowMs        how long the blow lasted in milliseconds, or {@code null} if no blow was detected
 * @param sensorTemperatureDeciC the sensor's temperature in tenths of a degree Celsius, or {@code null} if unknown
 * @param sensor        which sensor measured
 * @param photo         the photo taken during the blow (its SHA-256, size and type) or why there is none;
 *                      {@code null} when the device makes no statement about a photo (older devices)
 */
public record Reading(
        String deviceId,
        long seq,
        ClockFacts clock,
        TestReason reason,
        Outcome outcome,
        BreathAlcohol breathAlcohol,
        BreathAlcohol threshold,
        AbortReason abortReason,
        Integer blowMs,
        Integer sensorTemperatureDeciC,
        SensorFacts sensor,
        ReadingPhoto photo) implements EvidenceEvent {

    /** A reading that makes no statement about a photo, as before photos existed. */
    public Reading(String deviceId, long seq, ClockFacts clock, TestReason reason, Outcome outcome, BreathAlcohol breathAlcohol,
                   BreathAlcohol threshold, AbortReason abortReason, Integer blowMs, Integer sensorTemperatureDeciC,
                   SensorFacts sensor) {
        this(deviceId, seq, clock, reason, outcome, breathAlcohol, threshold, abortReason, blowMs, sensorTemperatureDeciC, sensor, null);
    }

    /** This reading with {@code photo} as its photo statement. */
    public Reading withPhoto(ReadingPhoto photo) {
        return new Reading(deviceId, seq, clock, reason, outcome, breathAlcohol, threshold, abortReason, blowMs,
                sensorTemperatureDeciC, sensor, photo);
    }

    public Reading {
        DeviceIds.check(deviceId);
        EvidenceEvent.checkSeq(seq);
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(threshold, "threshold");
        Objects.requireNonNull(sensor, "sensor");
        if (reason instanceof TestReason.Retest retest && retest.of() >= seq) {
            throw new IllegalArgumentException("a retest must follow the reading it answers: of=" + retest.of() + ", seq=" + seq);
        }
        switch (outcome) {
            case PASS -> {
                if (breathAlcohol != null && breathAlcohol.atOrAbove(threshold)) {
                    throw new IllegalArgumentException("PASS with " + breathAlcohol + " at or above threshold " + threshold);
                }
                requireNoAbortReason(abortReason, outcome);
            }
            case FAIL -> {
                if (breathAlcohol != null && !breathAlcohol.atOrAbove(threshold)) {
                    throw new IllegalArgumentException("FAIL with " + breathAlcohol + " below threshold " + threshold);
                }
                requireNoAbortReason(abortReason, outcome);
            }
            case ABORTED -> {
                if (abortReason == null) {
                    throw new IllegalArgumentException("an ABORTED reading needs an abortReason");
                }
                if (breathAlcohol != null) {
                    throw new IllegalArgumentException("an ABORTED reading has no breath alcohol value");
                }
            }
            case INVALID_SAMPLE -> {
                // value and reason both optional: the sample existed but is not trusted
            }
        }
        if (blowMs != null && (blowMs < 0 || blowMs > 600_000)) {
            throw new IllegalArgumentException("blowMs must be 0-600000, was " + blowMs);
        }
        if (sensorTemperatureDeciC != null && (sensorTemperatureDeciC < -600 || sensorTemperatureDeciC > 1200)) {
            throw new IllegalArgumentException("sensorTemperatureDeciC must be -600..1200, was " + sensorTemperatureDeciC);
        }
    }

    private static void requireNoAbortReason(AbortReason abortReason, Outcome outcome) {
        if (abortReason != null) {
            throw new IllegalArgumentException("a " + outcome + " reading has no abortReason");
        }
    }

    @Override
    public MessageType type() {
        return MessageType.READING;
    }

    /** Whether this reading is a positive: FAIL, the outcome that asks for a retest. */
    public boolean positive() {
        return outcome == Outcome.FAIL;
    }
}
