package org.breathgate.receiver.evidence.device;

import org.breathgate.protocol.KeyId;
import org.breathgate.protocol.VerificationKey;

import java.time.Instant;
import java.util.Objects;

/**
 * One enrolled key version of a device.
 *
 * @param key       the public key, with its {@link KeyId}
 * @param addedAt   when it was enrolled
 * @param revokedAt when it was revoked, or {@code null} while it is valid
 */
public record DeviceKey(VerificationKey key, Instant addedAt, Instant revokedAt) {

    public DeviceKey {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(addedAt, "addedAt");
    }

    public KeyId keyId() {
        return key.keyId();
    }

    public boolean revoked() {
        return revokedAt != null;
    }
}
