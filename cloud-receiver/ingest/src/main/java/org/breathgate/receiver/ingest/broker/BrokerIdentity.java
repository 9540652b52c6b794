package org.breathgate.receiver.ingest.broker;

import org.breathgate.protocol.DeviceIds;

/** Who a client of the embedded broker logged in as: one device, or a receiver. */
sealed interface BrokerIdentity permits BrokerIdentity.Device, BrokerIdentity.Receiver {

    /** A device: its login's user name is its device id, and so is its client id. */
    record Device(String deviceId) implements BrokerIdentity {
        public Device {
            DeviceIds.check(deviceId);
        }
    }

    /** A receiver instance (user {@code receiver}): reads every uplink through the shared subscription, writes downlinks. */
    record Receiver() implements BrokerIdentity {
    }

    /** For the connection's attribute store: {@code device:<id>} or {@code receiver}. */
    default String tag() {
        return this instanceof Device d ? "device:" + d.deviceId() : "receiver";
    }

    /** The identity a {@link #tag()} names; null for anything else. */
    static BrokerIdentity fromTag(String tag) {
        if ("receiver".equals(tag)) {
            return new Receiver();
        }
        if (tag != null && tag.startsWith("device:") && DeviceIds.isValid(tag.substring(7))) {
            return new Device(tag.substring(7));
        }
        return null;
    }
}
