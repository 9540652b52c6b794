package org.breathgate.protocol;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What a reading's signed payload says about the photo taken during its blow: either the SHA-256,
 * size and media type of the photo's exact bytes (so the photo, sent later in {@link PhotoChunk}s,
 * cannot be swapped), or that there is none and why. A reading without this field (older devices)
 * makes no statement about a photo.
 */
public sealed interface ReadingPhoto permits ReadingPhoto.Taken, ReadingPhoto.NotTaken {

    /** The only media type of version 1. */
    String JPEG = "image/jpeg";

    /**
     * A photo was taken; its bytes follow as {@link PhotoChunk}s.
     *
     * @param sha256    lower-case hex SHA-256 of the photo's exact bytes (64 characters)
     * @param size      the photo's size in bytes, 1 to {@link PhotoChunk#MAX_PHOTO_BYTES}
     * @param mediaType {@value #JPEG}
     */
    record Taken(String sha256, int size, String mediaType) implements ReadingPhoto {
        private static final Pattern HEX = Pattern.compile("[0-9a-f]{64}");

        public Taken {
            Objects.requireNonNull(sha256, "sha256");
            if (!HEX.matcher(sha256).matches()) {
                throw new IllegalArgumentException("sha256 must be 64 lower-case hex digits");
            }
            if (size < 1 || size > PhotoChunk.MAX_PHOTO_BYTES) {
                throw new IllegalArgumentException("photo size must be 1-" + PhotoChunk.MAX_PHOTO_BYTES + " bytes, was " + size);
            }
            if (!JPEG.equals(mediaType)) {
                throw new IllegalArgumentException("photo media type must be " + JPEG + ", was '" + mediaType + "'");
            }
        }

        /** How many {@link PhotoChunk}s carry this photo. */
        public int chunks() {
            return PhotoChunk.chunkCount(size);
        }
    }

    /** No photo, and why. */
    record NotTaken(PhotoAbsence reason) implements ReadingPhoto {
        public NotTaken {
            Objects.requireNonNull(reason, "reason");
        }
    }
}
