package org.breathgate.hardware;

/**
 * What the device measured. Numeric sensors report {@link Exact} (or {@link OverRange} at the top
 * of their scale); the driver does not compare the number with any legal limit, that is the
 * caller's policy (the agent makes the pass or positive of it). An interlock knows only its own
 * built-in threshold, so it reports {@link InterlockPass} or {@link InterlockFail} and no number.
 */
public sealed interface Measurement {

    /** Exact breath alcohol in micrograms per litre of breath; 0 means none detected. */
    record Exact(int microgramsPerLitre) implements Measurement {
        public Exact {
            if (microgramsPerLitre < 0 || microgramsPerLitre > BreathResult.MAX_MICROGRAMS_PER_LITRE) {
                throw new IllegalArgumentException("µg/L out of range 0.." + BreathResult.MAX_MICROGRAMS_PER_LITRE
                        + ": " + microgramsPerLitre);
            }
        }
    }

    /**
     * The sensor saturated: the true value is at least {@code atLeastMicrogramsPerLitre}. Reported
     * instead of the full-scale number so that nothing is under-reported.
     */
    record OverRange(int atLeastMicrogramsPerLitre) implements Measurement {
        public OverRange {
            if (atLeastMicrogramsPerLitre <= 0 || atLeastMicrogramsPerLitre > BreathResult.MAX_MICROGRAMS_PER_LITRE) {
                throw new IllegalArgumentException("full scale out of range: " + atLeastMicrogramsPerLitre);
            }
        }
    }

    /** An interlock found alcohol below its built-in threshold. */
    record InterlockPass() implements Measurement {
    }

    /** An interlock found alcohol at or above its built-in threshold. */
    record InterlockFail() implements Measurement {
    }
}
