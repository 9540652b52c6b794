package org.breathgate.hardware.camera;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/** One JPEG photo, its capture time and the SHA-256 of its exact bytes (what a reading signs). */
public final class Photo {

    private final byte[] jpeg;
    private final Instant takenAt;
    private final String sha256;

    public Photo(byte[] jpeg, Instant takenAt) {
        Objects.requireNonNull(jpeg, "jpeg");
        if (!Jpeg.isComplete(jpeg)) {
            throw new IllegalArgumentException("not a complete JPEG (" + jpeg.length + " bytes)");
        }
        this.jpeg = jpeg.clone();
        this.takenAt = Objects.requireNonNull(takenAt, "takenAt");
        this.sha256 = sha256Hex(this.jpeg);
    }

    /** The exact bytes (a copy). */
    public byte[] jpeg() {
        return jpeg.clone();
    }

    public int size() {
        return jpeg.length;
    }

    public Instant takenAt() {
        return takenAt;
    }

    /** Lower-case hex SHA-256 of {@link #jpeg()}. */
    public String sha256() {
        return sha256;
    }

    static String sha256Hex(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Photo other && Arrays.equals(jpeg, other.jpeg) && takenAt.equals(other.takenAt);
    }

    @Override
    public int hashCode() {
        return sha256.hashCode();
    }

    @Override
    public String toString() {
        return "Photo[" + jpeg.length + " bytes, sha256 " + sha256.substring(0, 12) + "…, " + takenAt + "]";
    }
}
