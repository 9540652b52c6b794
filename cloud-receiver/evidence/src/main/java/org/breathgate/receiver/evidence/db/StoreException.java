package org.breathgate.receiver.evidence.db;

/** The evidence database could not be opened, migrated, read or written; the message says which and where. */
public class StoreException extends RuntimeException {

    public StoreException(String message) {
        super(message);
    }

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
