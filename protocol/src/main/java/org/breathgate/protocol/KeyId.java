package org.breathgate.protocol;

import java.util.Objects;

/**
 * The JWS {@code kid}: who signed, and which of their keys. Written {@code owner:version}, e.g.
 * {@code home-0042:1} for the first key of device {@code home-0042}, or {@code receiver:3} for the
 * receiver's third key. A device's version goes up when its key is rotated.
 *
 * @param owner   a device id, or {@value #RECEIVER}
 * @param version the key's number for that owner, from 1
 */
public record KeyId(String owner, int version) {

    /** Owner name of the receiver's keys (reserved: no device may have this id). */
    public static final String RECEIVER = "receiver";

    public KeyId {
        Objects.requireNonNull(owner, "owner");
        if (!owner.equals(RECEIVER)) {
            DeviceIds.check(owner);
        }
        if (version < 1) {
            throw new IllegalArgumentException("key version must be 1 or more, was " + version);
        }
    }

    /** Key {@code version} of the receiver. */
    public static KeyId receiver(int version) {
        return new KeyId(RECEIVER, version);
    }

    /** Parses {@code owner:version}; throws {@link IllegalArgumentException} if malformed. */
    public static KeyId parse(String kid) {
        int colon = kid == null ? -1 : kid.lastIndexOf(':');
        if (colon < 1 || colon == kid.length() - 1 || kid.length() > 80) {
            throw new IllegalArgumentException("kid must look like 'device-id:1', was '" + kid + "'");
        }
        String digits = kid.substring(colon + 1);
        if (!digits.chars().allMatch(ch -> ch >= '0' && ch <= '9') || digits.length() > 9 || digits.startsWith("0")) {
            throw new IllegalArgumentException("kid version must be a positive number, was '" + kid + "'");
        }
        return new KeyId(kid.substring(0, colon), Integer.parseInt(digits));
    }

    /** Whether the owner is the receiver. */
    public boolean isReceiver() {
        return owner.equals(RECEIVER);
    }

    @Override
    public String toString() {
        return owner + ":" + version;
    }
}
