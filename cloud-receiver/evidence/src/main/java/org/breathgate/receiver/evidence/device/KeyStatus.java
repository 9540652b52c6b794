package org.breathgate.receiver.evidence.device;

import org.breathgate.protocol.VerificationKey;

import java.util.Objects;

/** What the registry knows of one {@code kid}. */
public sealed interface KeyStatus permits KeyStatus.Valid, KeyStatus.Unknown, KeyStatus.RevokedDevice, KeyStatus.RevokedKey {

    /** An enrolled key of an active device: messages it signed are accepted. */
    record Valid(VerificationKey key) implements KeyStatus {
        public Valid {
            Objects.requireNonNull(key, "key");
        }
    }

    /** No such device or key version was enrolled. */
    record Unknown() implements KeyStatus {
    }

    /** The device is revoked. */
    record RevokedDevice() implements KeyStatus {
    }

    /** The device is active but this key version is revoked (e.g. replaced after a suspected leak). */
    record RevokedKey() implements KeyStatus {
    }
}
