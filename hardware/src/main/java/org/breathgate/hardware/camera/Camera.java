package org.breathgate.hardware.camera;

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

    /** A camera for devices that have none: every capture fails with {@link CameraException.Reason#NOT_CONFIGURED}. */
    static Camera none() {
        return () -> {
            throw new CameraException(CameraException.Reason.NOT_CONFIGURED, "this device has no camera configured");
        };
    }
}
