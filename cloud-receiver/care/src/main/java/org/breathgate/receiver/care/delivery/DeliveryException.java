package org.breathgate.receiver.care.delivery;

/** One delivery attempt failed (server down, refused, timed out); the message is kept as the row's {@code last_error}. */
final class DeliveryException extends Exception {

    public DeliveryException(String message, Throwable cause) {
        super(message, cause);
    }

    public DeliveryException(String message) {
        super(message);
    }
}
