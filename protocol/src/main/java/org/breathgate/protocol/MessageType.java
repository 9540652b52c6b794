package org.breathgate.protocol;

import java.util.Arrays;
import java.util.Optional;

/**
 * The wire types, with the topic leaf, direction, MQTT QoS and retain flag of each.
 *
 * <p>All messages use QoS 1 (at least once): evidence is deduplicated by (device, sequence
 * number), so redelivery is harmless, while QoS 0 could lose it. {@link #CONFIG}, {@link #SUPPORT_REPLY} and
 * {@link #TEST_REQUEST} are retained, so that a device that was offline when its schedule changed, when its request was
 * seen, or when a test was asked for, gets the newest one on reconnect.
 */
public enum MessageType {
    READING("reading", Direction.UPLINK, false),
    MISSED_TEST("missed_test", Direction.UPLINK, false),
    TAMPER("tamper", Direction.UPLINK, false),
    SUPPORT_REQUEST("support_request", Direction.UPLINK, false),
    STATUS("status", Direction.UPLINK, false),
    /** One chunk of a reading's photo ({@link PhotoChunk}). */
    PHOTO("photo", Direction.UPLINK, false),
    ACK("ack", Direction.DOWNLINK, false),
    CONFIG("config", Direction.DOWNLINK, true),
    /**
     * The service's word on the parent's support requests ({@link SupportReply}): retained, like {@link #CONFIG}, so a
     * device that was offline when a worker opened its request hears of it when it reconnects.
     */
    SUPPORT_REPLY("support_reply", Direction.DOWNLINK, true),
    /**
     * A worker's "please test now" ({@link TestRequest}); retained like {@link #CONFIG}, so a device that was offline gets it
     * when it reconnects (and ignores it once its time has passed).
     */
    TEST_REQUEST("test_request", Direction.DOWNLINK, true);

    /** Which way a message type travels. */
    public enum Direction { UPLINK, DOWNLINK }

    /** The MQTT QoS every Breathgate message is published with. */
    public static final int QOS = 1;

    private final String wireName;
    private final Direction direction;
    private final boolean retained;

    MessageType(String wireName, Direction direction, boolean retained) {
        this.wireName = wireName;
        this.direction = direction;
        this.retained = retained;
    }

    /** The value of the payload's {@code "type"} field, which is also the last topic level. */
    public String wireName() {
        return wireName;
    }

    public Direction direction() {
        return direction;
    }

    /** Whether the broker should retain the last message of this type on its topic. */
    public boolean retained() {
        return retained;
    }

    /** The MQTT QoS to publish this type with (always {@value #QOS}). */
    public int qos() {
        return QOS;
    }

    /** The type whose wire name is {@code name}, if any. */
    public static Optional<MessageType> fromWireName(String name) {
        return Arrays.stream(values()).filter(t -> t.wireName.equals(name)).findFirst();
    }
}
