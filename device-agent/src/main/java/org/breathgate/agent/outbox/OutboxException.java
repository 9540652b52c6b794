package org.breathgate.agent.outbox;

/**
 * The outbox could not read or write its SQLite file. The message names the file and, where it can
 * be told, what to do (free disk space, fix permissions, restore from backup).
 */
public class OutboxException extends RuntimeException {
    public OutboxException(String message, Throwable cause) {
        super(message, cause);
    }

    public OutboxException(String message) {
        super(message);
    }
}
