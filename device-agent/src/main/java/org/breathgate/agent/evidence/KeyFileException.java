package org.breathgate.agent.evidence;

/** The device key file is missing, unreadable, not an Ed25519 key, or readable by others. */
public class KeyFileException extends Exception {
    public KeyFileException(String message) {
        super(message);
    }

    public KeyFileException(String message, Throwable cause) {
        super(message, cause);
    }
}
