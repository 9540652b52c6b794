package org.breathgate.hardware;

/** The port or pins are missing, could not be opened, or vanished while in use. */
public final class DeviceDisconnectedException extends HardwareException {
    public DeviceDisconnectedException(String message) {
        super(message);
    }

    public DeviceDisconnectedException(String message, Throwable cause) {
        super(message, cause);
    }
}
