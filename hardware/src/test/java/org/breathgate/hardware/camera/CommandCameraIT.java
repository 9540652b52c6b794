package org.breathgate.hardware.camera;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The command camera against real processes standing in for rpicam-still. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class CommandCameraIT {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-25T06:02:09Z"), ZoneOffset.UTC);

    @TempDir
    Path dir;

    private static byte[] realJpeg() throws IOException {
        BufferedImage image = new BufferedImage(64, 48, BufferedImage.TYPE_INT_RGB);
        for (int x = 0; x < 64; x++) {
            image.setRGB(x, x % 48, 0x3366cc);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertTrue(ImageIO.write(image, "jpg", out));
        return out.toByteArray();
    }

    private Path script(String name, String body) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
        return file;
    }

    private Camera camera(Path script, Duration timeout, int maxBytes) {
        return new CommandCamera(new CameraConfig(List.of(script.toString()), timeout, maxBytes), CLOCK);
    }

    private CameraException.Reason failureOf(Camera camera) {
        return assertThrows(CameraException.class, camera::capture).reason();
    }

    @Test
    void a_command_writing_a_jpeg_gives_a_photo_with_the_hash_of_its_exact_bytes() throws Exception {
        byte[] jpeg = realJpeg();
        Path photo = Files.write(dir.resolve("photo.jpg"), jpeg);
        Photo taken = camera(script("cam", "cat '" + photo + "'"), Duration.ofSeconds(5), 1 << 20).capture();
        assertArrayEquals(jpeg, taken.jpeg());
        assertEquals(Photo.sha256Hex(jpeg), taken.sha256());
        assertEquals(CLOCK.instant(), taken.takenAt());
    }

    @Test
    void a_failing_camera_says_so_with_its_message() throws Exception {
        CameraException e = assertThrows(CameraException.class,
                camera(script("cam", "echo 'ERROR: no cameras available' >&2; exit 1"), Duration.ofSeconds(5), 1 << 20)::capture);
        assertEquals(CameraException.Reason.COMMAND_FAILED, e.reason());
        assertTrue(e.getMessage().contains("no cameras available"), e.getMessage());
    }

    @Test
    void a_hanging_camera_is_stopped_at_its_timeout_with_what_it_started() throws Exception {
        Path pidFile = dir.resolve("child.pid");
        Path hang = script("cam", "sleep 60 & echo $! > '" + pidFile + "'; wait");
        long start = System.nanoTime();
        assertEquals(CameraException.Reason.TIMEOUT, failureOf(camera(hang, Duration.ofMillis(800), 1 << 20)));
        assertTrue(Duration.ofNanos(System.nanoTime() - start).compareTo(Duration.ofSeconds(5)) < 0, "stopped promptly");
        long child = Long.parseLong(Files.readString(pidFile).strip());
        ProcessHandle.of(child).ifPresent(p -> p.onExit().orTimeout(3, TimeUnit.SECONDS).join());
        assertFalse(ProcessHandle.of(child).map(ProcessHandle::isAlive).orElse(false), "the camera's child process was stopped");
    }

    @Test
    void output_that_is_not_a_jpeg_is_refused() throws Exception {
        assertEquals(CameraException.Reason.NOT_A_JPEG, failureOf(camera(script("cam", "echo hello"), Duration.ofSeconds(5), 1 << 20)));
    }

    @Test
    void a_truncated_jpeg_is_refused() throws Exception {
        byte[] jpeg = realJpeg();
        Path photo = Files.write(dir.resolve("photo.jpg"), java.util.Arrays.copyOf(jpeg, jpeg.length - 10));
        assertEquals(CameraException.Reason.NOT_A_JPEG,
                failureOf(camera(script("cam", "cat '" + photo + "'"), Duration.ofSeconds(5), 1 << 20)));
    }

    @Test
    void a_photo_over_the_limit_is_refused_not_cut() throws Exception {
        assertEquals(CameraException.Reason.TOO_LARGE,
                failureOf(camera(script("cam", "head -c 200000 /dev/zero"), Duration.ofSeconds(5), 4096)));
    }

    @Test
    void a_missing_camera_program_is_not_found() {
        Camera missing = new CommandCamera(CameraConfig.rpicam(dir.resolve("rpicam-still").toString(), 1280, 960, 75), CLOCK);
        assertEquals(CameraException.Reason.NOT_FOUND, failureOf(missing));
    }

    @Test
    void a_device_without_a_camera_reports_not_configured() {
        assertEquals(CameraException.Reason.NOT_CONFIGURED, failureOf(Camera.none()));
    }

    @Test
    void camera_presets_refuse_nonsense_settings() {
        assertThrows(IllegalArgumentException.class, () -> CameraConfig.rpicam("rpicam-still", 10, 10, 75));
        assertThrows(IllegalArgumentException.class, () -> CameraConfig.v4l2("/dev/video0", 1280, 960, 101));
        List<String> command = CameraConfig.rpicam("rpicam-still", 1280, 960, 75).command();
        assertEquals(List.of("--output", "-"), command.subList(command.size() - 2, command.size()));
    }
}
