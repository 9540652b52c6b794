package org.breathgate.protocol;

/** Why a test produced no valid sample. */
public enum AbortReason {
    BLOW_TOO_SHORT,
    BLOW_TOO_WEAK,
    INTERRUPTED,
    SENSOR_NOT_WARM,
    SENSOR_FAULT,
    /** No blow was detected before the test's time ran out. */
    NO_BLOW;

    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
