package org.breathgate.receiver.evidence.device;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * An enrolled device.
 *
 * @param deviceId   its id
 * @param revoked    whether the whole device is revoked (lost, stolen, returned): nothing it sends is accepted
 * @param enrolledAt when it was first enrolled
 * @param revokedAt  when it was revoked, or {@code null}
 * @param keys       its key versions, oldest first
 */
public record Device(String deviceId, boolean revoked, Instant enrolledAt, Instant revokedAt, List<DeviceKey> keys) {

    public Device {
        Objects.requireNonNull(deviceId, "deviceId");
        Objects.requireNonNull(enrolledAt, "enrolledAt");
        keys = List.copyOf(keys);
    }
}
