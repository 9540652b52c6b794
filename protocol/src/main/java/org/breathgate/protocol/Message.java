package org.breathgate.protocol;

/**
 * Every message Breathgate puts on the wire, in either direction.
 *
 * <p>Devices send {@link DeviceMessage}s (readings, missed tests, tamper events, support requests,
 * status heartbeats); the receiver sends {@link ReceiverMessage}s (acks, configuration, replies to support requests). Every
 * message travels as a JWS signed by its sender: see {@code docs/protocol.md}.
 */
public sealed interface Message permits DeviceMessage, ReceiverMessage {

    /** Protocol version written as {@code "v"} in every payload. */
    int VERSION = 1;

    /** The device this message is from or for. */
    String deviceId();

    /** The wire type of this message, which also names its topic. */
    MessageType type();
}
