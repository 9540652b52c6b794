package org.breathgate.hardware;

/**
 * Something went wrong talking to a breathalyser or panel. The subclasses say what; messages say
 * where (port or pin) and what a technician can do about it.
 */
public abstract sealed class HardwareException extends Exception
        permits DeviceTimeoutException, DeviceDisconnectedException, ProtocolException, SensorFaultException,
        UnsupportedSensorException {

    protected HardwareException(String message) {
        super(message);
    }

    protected HardwareException(String message, Throwable cause) {
        super(message, cause);
    }
}
