package org.breathgate.agent.photo;

import org.breathgate.hardware.camera.CameraException;
import org.breathgate.protocol.PhotoAbsence;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PhotoSettingsTest {

    private static PhotoSettings parse(Map<String, String> values, List<String> problems) {
        return PhotoSettings.parse(values, problems);
    }

    @Test
    void no_camera_by_default() {
        List<String> problems = new ArrayList<>();
        assertTrue(parse(Map.of(), problems).camera().isEmpty());
        assertEquals(List.of(), problems);
    }

    @Test
    void the_presets_build_the_documented_commands() {
        List<String> problems = new ArrayList<>();
        assertEquals(List.of("rpicam-still", "--nopreview", "--immediate", "--timeout", "1", "--width", "640", "--height", "480",
                "--quality", "60", "--encoding", "jpg", "--output", "-"), parse(Map.of("camera", "rpicam", "camera.width", "640",
                "camera.height", "480", "camera.quality", "60"), problems).camera().orElseThrow().command());
        assertEquals("libcamera-still", parse(Map.of("camera", "libcamera"), problems).camera().orElseThrow().command().get(0));
        assertEquals(List.of("fswebcam", "--quiet", "--no-banner", "--device", "/dev/video2", "--resolution", "1280x960", "--jpeg", "75",
                "--skip", "5", "-"), parse(Map.of("camera", "v4l2", "camera.device", "/dev/video2"), problems).camera().orElseThrow().command());
        PhotoSettings custom = parse(Map.of("camera", "command", "camera.command", "/usr/local/bin/snap --jpeg  -",
                "camera.timeout.s", "4", "camera.max.kb", "256", "photo.outbox.mb", "8"), problems);
        assertEquals(List.of("/usr/local/bin/snap", "--jpeg", "-"), custom.camera().orElseThrow().command());
        assertEquals(Duration.ofSeconds(4), custom.camera().orElseThrow().timeout());
        assertEquals(256 * 1024, custom.camera().orElseThrow().maxBytes());
        assertEquals(8L << 20, custom.outboxBudgetBytes());
        assertEquals(List.of(), problems);
    }

    @Test
    void each_bad_value_is_named() {
        List<String> problems = new ArrayList<>();
        parse(Map.of("camera", "polaroid"), problems);
        parse(Map.of("camera", "rpicam", "camera.quality", "101", "camera.max.kb", "9999"), problems);
        parse(Map.of("camera", "command"), problems);
        assertEquals(4, problems.size(), problems.toString());
        assertTrue(problems.get(0).startsWith("camera:"));
        assertTrue(problems.get(1).startsWith("camera.quality:"));
        assertTrue(problems.get(2).startsWith("camera.max.kb:"));
        assertTrue(problems.get(3).startsWith("camera.command:"));
    }

    @Test
    void camera_failures_map_to_the_readings_reasons() {
        assertEquals(PhotoAbsence.DISABLED, PhotoTaker.absenceOf(CameraException.Reason.NOT_CONFIGURED));
        assertEquals(PhotoAbsence.CAMERA_MISSING, PhotoTaker.absenceOf(CameraException.Reason.NOT_FOUND));
        assertEquals(PhotoAbsence.CAMERA_FAILED, PhotoTaker.absenceOf(CameraException.Reason.COMMAND_FAILED));
        assertEquals(PhotoAbsence.CAMERA_FAILED, PhotoTaker.absenceOf(CameraException.Reason.NOT_A_JPEG));
        assertEquals(PhotoAbsence.CAMERA_TIMEOUT, PhotoTaker.absenceOf(CameraException.Reason.TIMEOUT));
        assertEquals(PhotoAbsence.TOO_LARGE, PhotoTaker.absenceOf(CameraException.Reason.TOO_LARGE));
    }
}
