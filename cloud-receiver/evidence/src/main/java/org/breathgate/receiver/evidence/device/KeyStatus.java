package org.breathgate.receiver.evidence.device;

import org.breathgate.protocol.VerificationKey;

import java.util.Objects;

/** What the registry knows of one {@code kid}. */
public sealed interface KeyStatus permits KeyStatus.Valid, KeyStatus.Unknown, KeyStatus.RevokedDevice, KeyStatus.RevokedKey {

    /**
     * An enrolled key of an active device: messages it signed are accepted.
     *
     * @param superseded whether the device has a later key version (a rotation): its evidence then needs the check of
     *                   {@code EvidenceStore}'s {@code key_superseded}, as a device never signs with an older version after a
     *                   newer one
     */
    record Valid(VerificationKey key, boolean superseded) implements KeyStatus {
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
