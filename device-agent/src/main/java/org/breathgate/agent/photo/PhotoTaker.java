package org.breathgate.agent.photo;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.breathgate.hardware.camera.Camera;
import org.breathgate.hardware.camera.CameraException;
import org.breathgate.hardware.camera.Photo;
import org.breathgate.protocol.PhotoAbsence;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes the photo of a blow on its own thread, so the breathalyser's driver (which reports "blow
 * detected" from the thread that reads the sensor) is never held up by the camera. A missing,
 * failing or hung camera gives a {@link Shot} that says why there is no photo; it never blocks the
 * test for longer than the camera's own timeout and a little grace.
 */
public final class PhotoTaker implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PhotoTaker.class);
    /** Beyond the camera's own timeout (which stops its command), how long to wait for a camera that ignores it. */
    static final Duration GRACE = Duration.ofSeconds(5);

    /**
     * What came of one attempt: the photo's bytes, or why there are none.
     *
     * @param jpeg    the photo, or {@code null}
     * @param absence why there is no photo, or {@code null} when there is one
     * @param detail  for a failure, what went wrong (for the log and the tamper event); else empty
     */
    public record Shot(byte[] jpeg, PhotoAbsence absence, String detail) {
        public Shot {
            if ((jpeg == null) == (absence == null)) {
                throw new IllegalArgumentException("a shot has either a photo or a reason for none");
            }
            Objects.requireNonNull(detail, "detail");
        }

        public static Shot none(PhotoAbsence why, String detail) {
            return new Shot(null, why, detail);
        }

        /** Whether the camera itself is at fault (missing, failing or hung): worth a tamper event and a status warning. */
        public boolean cameraFault() {
            return absence == PhotoAbsence.CAMERA_MISSING || absence == PhotoAbsence.CAMERA_FAILED
                    || absence == PhotoAbsence.CAMERA_TIMEOUT;
        }
    }

    /** A photo being taken. */
    public static final class Pending {
        private final CompletableFuture<Shot> future;
        private final Duration wait;

        Pending(CompletableFuture<Shot> future, Duration wait) {
            this.future = future;
            this.wait = wait;
        }

        /** Waits for the photo (at most the camera's timeout and a grace period). */
        public Shot await() throws InterruptedException {
            try {
                return future.get(wait.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                future.cancel(true);
                return Shot.none(PhotoAbsence.CAMERA_TIMEOUT, "the camera did not answer within " + wait.toMillis() + " ms");
            } catch (ExecutionException e) {
                return Shot.none(PhotoAbsence.CAMERA_FAILED, String.valueOf(e.getCause()));
            }
        }
    }

    private final Optional<Camera> camera;
    private final Duration wait;
    private final ExecutorService thread;

    /**
     * @param camera  the camera, or empty when the device has none
     * @param timeout the camera's own timeout (its command is stopped then)
     */
    public PhotoTaker(Optional<Camera> camera, Duration timeout, String deviceId) {
        this.camera = Objects.requireNonNull(camera, "camera");
        this.wait = timeout.plus(GRACE);
        this.thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "breathgate-camera-" + deviceId);
            t.setDaemon(true);
            return t;
        });
    }

    /** Whether the device has a camera. */
    public boolean enabled() {
        return camera.isPresent();
    }

    /** Starts taking a photo now and returns at once. */
    public Pending start() {
        if (camera.isEmpty()) {
            return new Pending(CompletableFuture.completedFuture(Shot.none(PhotoAbsence.DISABLED, "")), wait);
        }
        Camera c = camera.get();
        CompletableFuture<Shot> future = new CompletableFuture<>();
        try {
            thread.execute(() -> future.complete(capture(c)));
        } catch (java.util.concurrent.RejectedExecutionException e) {
            future.complete(Shot.none(PhotoAbsence.CAMERA_FAILED, "the agent is stopping"));
        }
        return new Pending(future, wait);
    }

    /** The shot when no photo could be taken because no blow was detected, or the device has no camera. */
    public Shot noBlow() {
        return camera.isEmpty() ? Shot.none(PhotoAbsence.DISABLED, "") : Shot.none(PhotoAbsence.NO_BLOW, "");
    }

    private static Shot capture(Camera camera) {
        try {
            Photo photo = camera.capture();
            LOG.info("Photo taken: {} bytes, sha256 {}", photo.size(), photo.sha256());
            return new Shot(photo.jpeg(), null, "");
        } catch (CameraException e) {
            LOG.warn("No photo ({}): {}", e.reason().code(), e.getMessage());
            return Shot.none(absenceOf(e.reason()), e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Shot.none(PhotoAbsence.CAMERA_TIMEOUT, "interrupted while waiting for the camera");
        } catch (RuntimeException e) {
            LOG.error("The camera failed", e);
            return Shot.none(PhotoAbsence.CAMERA_FAILED, e.toString());
        }
    }

    /** How a camera's failure reads in a reading. */
    public static PhotoAbsence absenceOf(CameraException.Reason reason) {
        switch (reason) {
            case NOT_CONFIGURED:
                return PhotoAbsence.DISABLED;
            case NOT_FOUND:
                return PhotoAbsence.CAMERA_MISSING;
            case TIMEOUT:
                return PhotoAbsence.CAMERA_TIMEOUT;
            case TOO_LARGE:
                return PhotoAbsence.TOO_LARGE;
            case COMMAND_FAILED:
            case NOT_A_JPEG:
            default:
                return PhotoAbsence.CAMERA_FAILED;
        }
    }

    @Override
    public void close() {
        thread.shutdownNow();
        camera.ifPresent(Camera::close);
    }
}
