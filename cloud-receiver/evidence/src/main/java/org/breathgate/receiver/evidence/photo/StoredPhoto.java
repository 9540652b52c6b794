package org.breathgate.receiver.evidence.photo;

import java.time.Instant;

/**
 * A photo the receiver stored as evidence, without its bytes.
 *
 * @param deviceId   the device
 * @param readingSeq the reading whose signed payload holds its hash
 * @param sha256     its SHA-256 (as signed)
 * @param size       its size in bytes
 * @param mediaType  {@code image/jpeg}
 * @param takenAt    the reading's time (device clock when synchronised, else the receipt time): decides retention and
 *                   whose case it belongs to
 * @param storedAt   when the receiver stored it
 */
public record StoredPhoto(String deviceId, long readingSeq, String sha256, int size, String mediaType, Instant takenAt,
                          Instant storedAt) {

    /** The id used in audit entries and URLs: {@code <device>#<seq>}. */
    public String ref() {
        return deviceId + "#" + readingSeq;
    }
}
