package org.breathgate.hardware;

/** The device did not answer, or did not become ready, within the time allowed. */
public final class DeviceTimeoutException extends HardwareException {
    public DeviceTimeoutException(String message) {
        super(message);
    }
}
