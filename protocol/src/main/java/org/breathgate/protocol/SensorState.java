package org.breathgate.protocol;

/** The breathalyser's state as the device last saw it. */
public enum SensorState {
    READY,
    WARMING_UP,
    FAULT,
    DISCONNECTED,
    UNKNOWN;

    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
