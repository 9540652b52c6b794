package org.breathgate.receiver.evidence.device;

import org.breathgate.protocol.KeyId;
import org.breathgate.protocol.KeyType;
import org.breathgate.protocol.VerificationKey;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One enrolled key version of a device.
 *
 * @param key         the public key, with its {@link KeyId} and {@link KeyType} (which fixes its {@code alg})
 * @param addedAt     when it was enrolled
 * @param revokedAt   when it was revoked, or {@code null} while it is valid
 * @param attestation what a verified TPM attestation established for it, or {@code null}: a key without one is a
 *                    software key as far as the receiver can tell (even a P-256 key a device says is in its TPM)
 */
public record DeviceKey(VerificationKey key, Instant addedAt, Instant revokedAt, KeyAttestation attestation) {

    public DeviceKey {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(addedAt, "addedAt");
    }

    public DeviceKey(VerificationKey key, Instant addedAt, Instant revokedAt) {
        this(key, addedAt, revokedAt, null);
    }

    public KeyId keyId() {
        return key.keyId();
    }

    public KeyType type() {
        return key.type();
    }

    public boolean revoked() {
        return revokedAt != null;
    }

    /** Whether the receiver verified that this key was made in, and cannot leave, a TPM (a {@link KeyAttestation}). */
    public boolean hardwareBound() {
        return attestation != null;
    }

    public Optional<KeyAttestation> attestationRecord() {
        return Optional.ofNullable(attestation);
    }
}
