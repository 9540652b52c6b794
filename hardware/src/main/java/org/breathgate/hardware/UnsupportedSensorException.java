package org.breathgate.hardware;

/**
 * The configured sensor cannot give trustworthy breath-alcohol results (for example its range is
 * too small), so it is refused at setup instead of under-reporting later.
 */
public final class UnsupportedSensorException extends HardwareException {
    public UnsupportedSensorException(String message) {
        super(message);
    }
}
