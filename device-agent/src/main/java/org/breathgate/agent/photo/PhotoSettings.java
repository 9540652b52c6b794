package org.breathgate.agent.photo;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.breathgate.hardware.camera.CameraConfig;
import org.breathgate.protocol.PhotoChunk;

/**
 * The camera and the photos' share of the device's disk, from the {@code camera*} and
 * {@code photo.*} keys of the agent's configuration (docs/agent.md, docs/identity.md).
 *
 * @param camera            how to take a photo; empty when the device has no camera ({@code camera=none}, the default):
 *                          readings then say "no photo: disabled"
 * @param outboxBudgetBytes the most bytes of photos kept waiting on the device; a photo that would go over it is not
 *                          kept and its reading says {@code storage_full} (the reading itself is always kept). 32 MiB
 *                          by default: over a hundred photos of 1280×960, weeks of tests offline
 */
public record PhotoSettings(Optional<CameraConfig> camera, long outboxBudgetBytes) {

    /** Configuration keys this class reads. */
    public static final Set<String> KEYS = Set.of("camera", "camera.device", "camera.command", "camera.width", "camera.height",
            "camera.quality", "camera.timeout.s", "camera.max.kb", "photo.outbox.mb");

    /** The default photo share of the disk: 32 MiB. */
    public static final long DEFAULT_OUTBOX_BYTES = 32L * 1024 * 1024;

    public PhotoSettings {
        Objects.requireNonNull(camera, "camera");
        if (outboxBudgetBytes < PhotoChunk.MAX_PHOTO_BYTES) {
            throw new IllegalArgumentException("the photo outbox must hold at least one photo of " + PhotoChunk.MAX_PHOTO_BYTES + " bytes");
        }
    }

    /** No camera. */
    public static PhotoSettings disabled() {
        return new PhotoSettings(Optional.empty(), DEFAULT_OUTBOX_BYTES);
    }

    /** With {@code camera}, and the default photo share of the disk. */
    public static PhotoSettings with(CameraConfig camera) {
        return new PhotoSettings(Optional.of(camera), DEFAULT_OUTBOX_BYTES);
    }

    /**
     * Reads the keys from {@code values}; adds each problem (naming its key) to {@code problems}
     * and returns the settings as far as they could be read.
     */
    public static PhotoSettings parse(Map<String, String> values, List<String> problems) {
        String kind = values.getOrDefault("camera", "none");
        int width = intIn(values, "camera.width", 1280, 160, 4656, problems);
        int height = intIn(values, "camera.height", 960, 120, 3496, problems);
        int quality = intIn(values, "camera.quality", 75, 10, 100, problems);
        int timeoutS = intIn(values, "camera.timeout.s", 10, 1, 60, problems);
        int maxKb = intIn(values, "camera.max.kb", PhotoChunk.MAX_PHOTO_BYTES / 1024, 1, PhotoChunk.MAX_PHOTO_BYTES / 1024, problems);
        long outbox = intIn(values, "photo.outbox.mb", (int) (DEFAULT_OUTBOX_BYTES >> 20), 1, 10_000, problems) * 1024L * 1024L;
        List<String> command;
        try {
            switch (kind) {
                case "none":
                    return new PhotoSettings(Optional.empty(), outbox);
                case "rpicam":
                    command = CameraConfig.rpicam("rpicam-still", width, height, quality).command();
                    break;
                case "libcamera":
                    command = CameraConfig.rpicam("libcamera-still", width, height, quality).command();
                    break;
                case "v4l2":
                    command = CameraConfig.v4l2(values.getOrDefault("camera.device", "/dev/video0"), width, height, quality).command();
                    break;
                case "command":
                    String line = values.getOrDefault("camera.command", "").strip();
                    if (line.isEmpty()) {
                        problems.add("camera.command: camera=command needs the command, e.g. camera.command=/usr/local/bin/take-photo --jpeg");
                        return disabled();
                    }
                    command = Arrays.asList(line.split("\\s+"));
                    break;
                default:
                    problems.add("camera: '" + kind + "' is not one of none, rpicam, libcamera, v4l2, command");
                    return disabled();
            }
            return new PhotoSettings(Optional.of(new CameraConfig(command, Duration.ofSeconds(timeoutS), maxKb * 1024)), outbox);
        } catch (IllegalArgumentException e) {
            problems.add("camera: " + e.getMessage());
            return disabled();
        }
    }

    private static int intIn(Map<String, String> values, String key, int fallback, int min, int max, List<String> problems) {
        String v = values.get(key);
        if (v == null) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(v.strip());
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        problems.add(key + ": '" + v + "' must be a whole number from " + min + " to " + max);
        return fallback;
    }
}
