package org.breathgate.receiver.care.schedule;

/**
 * Publishes a signed message to a device, retained, so a device that is offline gets it when it
 * next subscribes. The receiver's MQTT ingest offers no publish hook yet; the wiring provides one
 * (see {@code Receiver}).
 */
@FunctionalInterface
public interface DownlinkPublisher {

    /**
     * @param topic   the device's downlink topic, e.g. {@code breathgate/v1/devices/home-0001/down/config}
     * @param payload the exact signed bytes
     * @throws PublishException if the broker did not take it
     */
    void publishRetained(String topic, byte[] payload);

    /** The broker did not take a message. */
    class PublishException extends RuntimeException {
        public PublishException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
