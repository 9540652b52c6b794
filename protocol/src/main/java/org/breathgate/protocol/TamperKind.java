package org.breathgate.protocol;

/** What kind of tamper or fault signal a {@link TamperEvent} reports. */
public enum TamperKind {
    /** The breathalyser stopped answering or its port vanished. */
    SENSOR_DISCONNECTED,
    /** The breathalyser reported a fault or failed its self-test. */
    SENSOR_FAULT,
    /** A result the device cannot believe (e.g. out of range, or a jump no body could make). */
    IMPLAUSIBLE_RESULT,
    /** The wall clock jumped by more than the monotonic clock explains. */
    CLOCK_JUMP,
    /** A configuration message failed verification and was not used. */
    CONFIG_REJECTED,
    /** The device's own storage or key was found changed or unreadable. */
    DEVICE_INTEGRITY,
    /** The camera failed, so readings carry no photo. */
    CAMERA_FAULT;

    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
