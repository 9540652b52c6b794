package org.breathgate.hardware.camera;

import java.time.Clock;

/**
 * Takes the photo that binds a reading to the person blowing. A photo is taken during the blow;
 * a camera that is missing or fails never blocks the test: the caller records "no photo" and the
 * {@link CameraException.Reason}.
 */
public interface Camera extends AutoCloseable {

    /**
     * Takes one JPEG photo now.
     *
     * @throws CameraException with a typed reason when no photo could be taken within the camera's timeout
     */
    Photo capture() throws CameraException, InterruptedException;

    /** Releases anything the camera holds. Idempotent. */
    @Override
    default void close() {
    }

    /**
     * A camera that runs {@code config}'s command for each photo and reads one JPEG from its
     * standard output (the Raspberry Pi camera, a USB camera, or any command that does the same).
     * The command is stopped, with everything it started, when it overruns the timeout.
     *
     * @param clock stamps each photo's {@link Photo#takenAt}
     */
    static Camera command(CameraConfig config, Clock clock) {
        return new CommandCamera(config, clock);
    }

    /** A camera for devices that have none: every capture fails with {@link CameraException.Reason#NOT_CONFIGURED}. */
    static Camera none() {
        return () -> {
            throw new CameraException(CameraException.Reason.NOT_CONFIGURED, "this device has no camera configured");
        };
    }
}
