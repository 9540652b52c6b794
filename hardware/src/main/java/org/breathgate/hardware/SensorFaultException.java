package org.breathgate.hardware;

import java.util.Objects;

/** The device itself reported a fault, with its code (for example {@code SENSOR_FAULT}). */
public final class SensorFaultException extends HardwareException {
    private final String code;

    public SensorFaultException(String code, String message) {
        super(message);
        this.code = Objects.requireNonNull(code, "code");
    }

    /** The device's fault code, as sent. */
    public String code() {
        return code;
    }
}
