package org.breathgate.receiver.evidence.store;

import org.breathgate.protocol.DeviceStatus;

import java.time.Instant;
import java.util.Objects;

/**
 * What the receiver knows of a device's state from its status heartbeats.
 *
 * @param deviceId           the device
 * @param lastSeenAt         when the receiver last got a status from it (receiver clock)
 * @param online             false after the device's last will (the broker saw it vanish), until its next heartbeat
 * @param status             the newest heartbeat by device time: outbox depth, clock sync, calibration due, version
 * @param highestSeqReported the highest {@link DeviceStatus#lastSeq()} the device ever reported
 */
public record LatestStatus(String deviceId, Instant lastSeenAt, boolean online, DeviceStatus status, long highestSeqReported) {

    public LatestStatus {
        Objects.requireNonNull(deviceId, "deviceId");
        Objects.requireNonNull(lastSeenAt, "lastSeenAt");
        Objects.requireNonNull(status, "status");
    }
}
