package org.breathgate.hardware.camera;

import java.util.Locale;
import java.util.Objects;

/** No photo could be taken; {@link #reason()} says why in a form that goes into the reading. */
public final class CameraException extends Exception {

    /** Why no photo was taken. Its {@link #code()} is what a reading carries as "no photo, because". */
    public enum Reason {
        /** No camera is configured on this device. */
        NOT_CONFIGURED,
        /** The camera command is not installed or not executable. */
        NOT_FOUND,
        /** The camera command ended with an error (camera unplugged, busy, or broken). */
        COMMAND_FAILED,
        /** The camera did not deliver a photo in time; the command was stopped. */
        TIMEOUT,
        /** What the camera delivered is not a complete JPEG. */
        NOT_A_JPEG,
        /** The photo is larger than the configured limit. */
        TOO_LARGE;

        public String code() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final Reason reason;

    public CameraException(Reason reason, String message) {
        super(message);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public CameraException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public Reason reason() {
        return reason;
    }
}
