package org.breathgate.agent.tpm;

/** The TPM could not do what was asked: not there, not answering, a handle in use, a tool missing. The message says what to do. */
public class TpmException extends Exception {
    public TpmException(String message) {
        super(message);
    }

    public TpmException(String message, Throwable cause) {
        super(message, cause);
    }
}
