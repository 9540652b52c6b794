package org.breathgate.hardware.camera;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * A camera that runs a command (e.g. {@code rpicam-still ... --output -}) and reads one JPEG from
 * its standard output. The command is stopped, with everything it started, when it overruns its
 * timeout. Its standard error goes to a temporary file, so a chatty camera stack cannot block it.
 */
final class CommandCamera implements Camera {

    private static final Logger LOG = LoggerFactory.getLogger(CommandCamera.class);

    private final CameraConfig config;
    private final Clock clock;

    CommandCamera(CameraConfig config, Clock clock) {
        this.config = Objects.requireNonNull(config, "config");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public Photo capture() throws CameraException, InterruptedException {
        Path stderr;
        try {
            stderr = Files.createTempFile("breathgate-camera", ".log");
        } catch (IOException e) {
            throw new CameraException(CameraException.Reason.COMMAND_FAILED, "cannot create a temporary file for the camera's messages: " + e.getMessage(), e);
        }
        try {
            return run(stderr);
        } finally {
            try {
                Files.deleteIfExists(stderr);
            } catch (IOException e) {
                LOG.debug("could not delete {}", stderr, e);
            }
        }
    }

    private Photo run(Path stderr) throws CameraException, InterruptedException {
        Process process;
        try {
            process = new ProcessBuilder(config.command()).redirectError(stderr.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        } catch (IOException e) {
            throw new CameraException(CameraException.Reason.NOT_FOUND,
                    "cannot run camera command '" + config.command().get(0) + "': " + e.getMessage()
                            + " (is the camera software installed?)", e);
        }
        var taken = clock.instant();
        Reader reader = new Reader(process.getInputStream(), config.maxBytes());
        Thread thread = new Thread(reader, "camera-reader");
        thread.setDaemon(true);
        thread.start();
        try {
            if (!process.waitFor(config.timeout().toMillis(), TimeUnit.MILLISECONDS)) {
                throw new CameraException(CameraException.Reason.TIMEOUT,
                        "camera command gave no photo within " + config.timeout().toMillis() + " ms and was stopped");
            }
            thread.join(TimeUnit.SECONDS.toMillis(2));
            if (process.exitValue() != 0) {
                throw new CameraException(CameraException.Reason.COMMAND_FAILED,
                        "camera command exited with " + process.exitValue() + ": " + tail(stderr));
            }
            if (reader.tooLarge) {
                throw new CameraException(CameraException.Reason.TOO_LARGE,
                        "photo is larger than the limit of " + config.maxBytes() + " bytes");
            }
            byte[] jpeg = reader.out.toByteArray();
            if (!Jpeg.isComplete(jpeg)) {
                throw new CameraException(CameraException.Reason.NOT_A_JPEG,
                        "camera command wrote " + jpeg.length + " bytes that are not a complete JPEG");
            }
            return new Photo(jpeg, taken);
        } finally {
            if (process.isAlive()) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                process.waitFor(2, TimeUnit.SECONDS);
            }
            thread.interrupt();
        }
    }

    private static String tail(Path file) {
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8).strip();
            return text.isEmpty() ? "(no message)" : text.substring(Math.max(0, text.length() - 300));
        } catch (IOException e) {
            return "(its messages could not be read)";
        }
    }

    /** Reads standard output up to one byte past the limit, so an oversized photo is noticed, not cut. */
    private static final class Reader implements Runnable {
        private final InputStream in;
        private final int limit;
        final ByteArrayOutputStream out = new ByteArrayOutputStream(64 * 1024);
        volatile boolean tooLarge;

        Reader(InputStream in, int limit) {
            this.in = in;
            this.limit = limit;
        }

        @Override
        public void run() {
            byte[] buffer = new byte[16 * 1024];
            try (in) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    if (out.size() + n > limit) {
                        tooLarge = true;
                        in.transferTo(java.io.OutputStream.nullOutputStream());
                        return;
                    }
                    out.write(buffer, 0, n);
                }
            } catch (IOException e) {
                LOG.debug("camera output ended: {}", e.getMessage());
            }
        }
    }
}
