package org.breathgate.protocol;

import java.util.Optional;

/** Finds the public key a {@code kid} names; the receiver backs this with its enrolled devices. */
@FunctionalInterface
public interface KeyResolver {

    /** The key for {@code keyId}, or empty when none is known (or it was revoked). */
    Optional<VerificationKey> find(KeyId keyId);

    /** A resolver that knows exactly the given keys. */
    static KeyResolver of(VerificationKey... keys) {
        java.util.Map<KeyId, VerificationKey> byId = new java.util.HashMap<>();
        for (VerificationKey key : keys) {
            byId.put(key.keyId(), key);
        }
        return id -> Optional.ofNullable(byId.get(id));
    }
}
