package org.breathgate.hardware.camera;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How to take a photo: a command that writes one JPEG to its standard output.
 *
 * @param command  the command and its arguments; it must write a JPEG to standard output and exit 0
 * @param timeout  how long the command may take before it is stopped (camera start-up included)
 * @param maxBytes largest photo accepted; a larger one is refused, not cut
 */
public record CameraConfig(List<String> command, Duration timeout, int maxBytes) {

    /** Default photo size limit: 512 KiB, ample for 1280×960 at quality 75 (typically 100–250 KiB). */
    public static final int DEFAULT_MAX_BYTES = 512 * 1024;

    /** Default timeout: 10 s, since the Pi camera stack takes 1–3 s to start and expose. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    public CameraConfig {
        command = List.copyOf(command);
        if (command.isEmpty() || command.get(0).isBlank()) {
            throw new IllegalArgumentException("camera command must not be empty");
        }
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero() || timeout.compareTo(Duration.ofMinutes(1)) > 0) {
            throw new IllegalArgumentException("camera timeout must be above 0 and at most 1 minute, was " + timeout);
        }
        if (maxBytes < 1024 || maxBytes > 16 * 1024 * 1024) {
            throw new IllegalArgumentException("camera maxBytes must be 1 KiB to 16 MiB, was " + maxBytes);
        }
    }

    /**
     * The Raspberry Pi camera stack: {@code rpicam-still} (Raspberry Pi OS Bookworm and later; on
     * Bullseye the same program is called {@code libcamera-still}, pass that as {@code program}).
     */
    public static CameraConfig rpicam(String program, int width, int height, int quality) {
        checkPicture(width, height, quality);
        return new CameraConfig(List.of(program, "--nopreview", "--immediate", "--timeout", "1",
                "--width", Integer.toString(width), "--height", Integer.toString(height),
                "--quality", Integer.toString(quality), "--encoding", "jpg", "--output", "-"),
                DEFAULT_TIMEOUT, DEFAULT_MAX_BYTES);
    }

    /** A USB (V4L2) camera through {@code fswebcam}, e.g. device {@code /dev/video0}. */
    public static CameraConfig v4l2(String device, int width, int height, int quality) {
        checkPicture(width, height, quality);
        return new CameraConfig(List.of("fswebcam", "--quiet", "--no-banner", "--device", device,
                "--resolution", width + "x" + height, "--jpeg", Integer.toString(quality), "--skip", "5", "-"),
                DEFAULT_TIMEOUT, DEFAULT_MAX_BYTES);
    }

    private static void checkPicture(int width, int height, int quality) {
        if (width < 160 || width > 4656 || height < 120 || height > 3496) {
            throw new IllegalArgumentException("photo size must be 160×120 to 4656×3496, was " + width + "×" + height);
        }
        if (quality < 10 || quality > 100) {
            throw new IllegalArgumentException("JPEG quality must be 10-100, was " + quality);
        }
    }
}
