package org.breathgate.protocol;

import java.util.Optional;

/**
 * The MQTT topic layout, defined once.
 *
 * <pre>
 * breathgate/v1/devices/{deviceId}/up/{type}     device to receiver: reading, missed_test, tamper, support_request, status, photo
 * breathgate/v1/devices/{deviceId}/down/{type}   receiver to device: ack, config, support_reply
 * </pre>
 *
 * A broker ACL lets a device publish only under its own {@code up/} topics and subscribe only to
 * its own {@code down/} topics. Receivers share the uplink load with a shared subscription.
 */
public final class Topics {

    /** First levels of every Breathgate topic. */
    public static final String ROOT = "breathgate/v1/devices";

    /** Filter matching every uplink topic of every device. */
    public static final String ALL_UPLINK = ROOT + "/+/up/+";

    /** Shared-subscription group name the receivers join. */
    public static final String RECEIVER_GROUP = "breathgate-receivers";

    /** The filter receivers subscribe to: all uplink topics, load shared between instances. */
    public static final String RECEIVER_SHARED_SUBSCRIPTION = "$share/" + RECEIVER_GROUP + "/" + ALL_UPLINK;

    private Topics() {
    }

    /** The topic a device publishes a message of {@code type} on. */
    public static String uplink(String deviceId, MessageType type) {
        requireDirection(type, MessageType.Direction.UPLINK);
        return ROOT + "/" + DeviceIds.check(deviceId) + "/up/" + type.wireName();
    }

    /** The topic the receiver publishes a message of {@code type} for {@code deviceId} on. */
    public static String downlink(String deviceId, MessageType type) {
        requireDirection(type, MessageType.Direction.DOWNLINK);
        return ROOT + "/" + DeviceIds.check(deviceId) + "/down/" + type.wireName();
    }

    /** Filter a device subscribes to for everything addressed to it. */
    public static String downlinkFilter(String deviceId) {
        return ROOT + "/" + DeviceIds.check(deviceId) + "/down/+";
    }

    /** The device and type named by a topic, or empty if it is not a Breathgate topic. */
    public static Optional<Address> parse(String topic) {
        if (topic == null || !topic.startsWith(ROOT + "/")) {
            return Optional.empty();
        }
        String[] levels = topic.substring(ROOT.length() + 1).split("/", -1);
        if (levels.length != 3 || !DeviceIds.isValid(levels[0])) {
            return Optional.empty();
        }
        MessageType.Direction direction;
        if (levels[1].equals("up")) {
            direction = MessageType.Direction.UPLINK;
        } else if (levels[1].equals("down")) {
            direction = MessageType.Direction.DOWNLINK;
        } else {
            return Optional.empty();
        }
        return MessageType.fromWireName(levels[2])
                .filter(t -> t.direction() == direction)
                .map(t -> new Address(levels[0], t));
    }

    /** A parsed topic: which device, which message type. */
    public record Address(String deviceId, MessageType type) {
        public Address {
            DeviceIds.check(deviceId);
            java.util.Objects.requireNonNull(type, "type");
        }

        /** The topic string for this address. */
        public String topic() {
            return type.direction() == MessageType.Direction.UPLINK ? uplink(deviceId, type) : downlink(deviceId, type);
        }
    }

    private static void requireDirection(MessageType type, MessageType.Direction direction) {
        if (type.direction() != direction) {
            throw new IllegalArgumentException(type + " is not an " + direction.name().toLowerCase() + " type");
        }
    }
}
