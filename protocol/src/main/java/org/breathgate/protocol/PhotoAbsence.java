package org.breathgate.protocol;

import java.util.Locale;

/**
 * Why a reading carries no photo. The reading is still evidence: a missing, failing or hung camera
 * never blocks a test, and the worker sees the reason beside the result.
 */
public enum PhotoAbsence {
    /** The device has no camera configured (or the camera is switched off in its configuration). */
    DISABLED,
    /** A camera is configured but its command is not installed or the camera is not connected. */
    CAMERA_MISSING,
    /** The camera command failed or delivered something that is not a complete JPEG. */
    CAMERA_FAILED,
    /** The camera did not deliver a photo within its timeout and was stopped. */
    CAMERA_TIMEOUT,
    /** The photo was larger than {@link PhotoChunk#MAX_PHOTO_BYTES} (or the device's own lower limit). */
    TOO_LARGE,
    /** No blow was detected, so the moment to take the photo never came (an aborted attempt). */
    NO_BLOW,
    /** The photo could not be kept on the device (its storage failed or is full). */
    STORAGE_FULL;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
