package org.breathgate.receiver.ingest.broker;

import org.breathgate.protocol.DeviceIds;
import org.breathgate.protocol.Topics;

/**
 * Who may publish and subscribe where on the embedded broker: the rules of {@code config/mosquitto/} and of
 * {@code docs/protocol.md} ("MQTT topics"), as one pure function. A device publishes only on its own
 * {@code …/{id}/up/{type}} (never retained) and subscribes only to its own {@code …/{id}/down/…}; only receivers
 * subscribe to uplink (and only they may use {@code $share/…}) and publish on {@code …/down/…}. Nobody touches
 * anything else.
 */
final class TopicRules {

    private static final String PREFIX = Topics.ROOT + "/";

    private TopicRules() {
    }

    /** Whether {@code who} may publish on {@code topic} (a concrete topic, no wildcards). */
    static boolean mayPublish(BrokerIdentity who, String topic, boolean retain) {
        String[] address = address(topic);
        if (address == null || isWildcard(address[2])) {
            return false;
        }
        if (who instanceof BrokerIdentity.Device device) {
            return !retain && address[0].equals(device.deviceId()) && address[1].equals("up");
        }
        // Receivers: acks and (retained) configurations, to any device.
        return address[1].equals("down") && !isWildcard(address[0]);
    }

    /** Whether {@code who} may subscribe to {@code filter}. */
    static boolean maySubscribe(BrokerIdentity who, String filter) {
        if (filter == null) {
            return false;
        }
        if (filter.startsWith("$share/")) {
            if (!(who instanceof BrokerIdentity.Receiver)) {
                return false;
            }
            int slash = filter.indexOf('/', "$share/".length());
            if (slash < 0) {
                return false;
            }
            filter = filter.substring(slash + 1);
        }
        String[] address = address(filter);
        if (address == null) {
            return false;
        }
        if (who instanceof BrokerIdentity.Device device) {
            return address[0].equals(device.deviceId()) && address[1].equals("down") && (address[2].equals("+")
                    || !isWildcard(address[2]));
        }
        return address[1].equals("up") && (address[0].equals("+") || !isWildcard(address[0]))
                && (address[2].equals("+") || !isWildcard(address[2]));
    }

    /**
     * {@code breathgate/v1/devices/{device}/{up|down}/{type}} split into device, direction and type, where device and
     * type are a valid id / type word or a single-level wildcard; null for any other shape (including {@code #}).
     */
    private static String[] address(String topic) {
        if (topic == null || !topic.startsWith(PREFIX)) {
            return null;
        }
        String[] levels = topic.substring(PREFIX.length()).split("/", -1);
        if (levels.length != 3) {
            return null;
        }
        String device = levels[0];
        String direction = levels[1];
        String type = levels[2];
        if (!(direction.equals("up") || direction.equals("down"))) {
            return null;
        }
        if (!(device.equals("+") || DeviceIds.isValid(device))) {
            return null;
        }
        if (!(type.equals("+") || type.matches("[a-z_]{1,32}"))) {
            return null;
        }
        return levels;
    }

    private static boolean isWildcard(String level) {
        return level.equals("+") || level.equals("#");
    }
}
