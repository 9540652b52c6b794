package org.breathgate.hardware.sim;

import java.time.Duration;
import java.util.Objects;
import org.breathgate.hardware.BlowAbortReason;
import org.breathgate.hardware.BreathResult;

/** What the simulated breathalyser does for one test. */
public sealed interface Blow {

    /** A complete blow measuring {@code microgramsPerLitre}. */
    record Reading(int microgramsPerLitre) implements Blow {
        public Reading {
            if (microgramsPerLitre < 0 || microgramsPerLitre > BreathResult.MAX_MICROGRAMS_PER_LITRE) {
                throw new IllegalArgumentException("µg/L out of range: " + microgramsPerLitre);
            }
        }
    }

    /** The sensor saturates; reported as "at least {@code fullScale}". */
    record OverRange(int fullScale) implements Blow {
    }

    /** The blow starts and is then abandoned for {@code reason}. */
    record Aborted(BlowAbortReason reason) implements Blow {
        public Aborted {
            Objects.requireNonNull(reason, "reason");
        }
    }

    /** The sensor reports a fault mid-test. */
    record SensorError(String code, String text) implements Blow {
        public SensorError {
            Objects.requireNonNull(code, "code");
            Objects.requireNonNull(text, "text");
        }
    }

    /**
     * The device is unplugged once the blow starts, and plugged back after {@code replugAfter}
     * (never, if zero).
     */
    record Unplug(Duration replugAfter) implements Blow {
        public Unplug {
            Objects.requireNonNull(replugAfter, "replugAfter");
        }
    }

    static Blow reading(int microgramsPerLitre) {
        return new Reading(microgramsPerLitre);
    }

    static Blow tooShort() {
        return new Aborted(BlowAbortReason.TOO_SHORT);
    }

    static Blow sensorError() {
        return new SensorError("SENSOR_FAULT", "fuel cell signal out of range");
    }

    static Blow unplug(Duration replugAfter) {
        return new Unplug(replugAfter);
    }
}
