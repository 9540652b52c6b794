package org.breathgate.hardware;

/** The device sent data that could not be understood (bad checksums, malformed replies) after retries. */
public final class ProtocolException extends HardwareException {
    public ProtocolException(String message) {
        super(message);
    }
}
