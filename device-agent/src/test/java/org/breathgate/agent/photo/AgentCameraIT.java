package org.breathgate.agent.photo;

import org.breathgate.agent.DeviceAgent;
import org.breathgate.agent.Hardware;
import org.breathgate.agent.clock.SystemClockSource;
import org.breathgate.agent.it.AgentFixture;
import org.breathgate.agent.outbox.PhotoStats;
import org.breathgate.agent.prompt.Prompt;
import org.breathgate.agent.prompt.Prompter;
import org.breathgate.agent.prompt.Voice;
import org.breathgate.hardware.LightColour;
import org.breathgate.hardware.LightPattern;
import org.breathgate.hardware.camera.Camera;
import org.breathgate.hardware.camera.CameraConfig;
import org.breathgate.hardware.sim.FakeBreathalyser;
import org.breathgate.hardware.sim.SoftPanel;
import org.breathgate.hardware.sim.SoftStatusLight;
import org.breathgate.hardware.BlowAbortReason;
import org.breathgate.protocol.PhotoAbsence;
import org.breathgate.protocol.Reading;
import org.breathgate.protocol.ReadingPhoto;
import org.breathgate.protocol.photo.Photos;
import org.junit.jupiter.api.AfterEach;
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
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The agent with a camera: real processes stand in for {@code rpicam-still} (a script writing a
 * JPEG), a failing camera and a hung one. No broker: what matters here is what is signed and kept.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AgentCameraIT {

    private static final Duration TEST = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private DeviceAgent agent;
    private final List<String> said = new CopyOnWriteArrayList<>();
    private final List<SoftStatusLight.Shown> lights = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        if (agent != null) {
            agent.close();
        }
    }

    static byte[] realJpeg() throws IOException {
        BufferedImage image = new BufferedImage(320, 240, BufferedImage.TYPE_INT_RGB);
        for (int x = 0; x < 320; x++) {
            image.setRGB(x, x % 240, 0x3366cc);
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

    private DeviceAgent start(Path camera, Duration timeout, FakeBreathalyser breathalyser, String language) throws Exception {
        Map<String, String> s = AgentFixture.settings(dir, "home-cam-1", "tcp://127.0.0.1:1");
        s.put("camera", "command");
        s.put("camera.command", camera.toString());
        s.put("camera.timeout.s", Long.toString(timeout.toSeconds()));
        s.put("language", language);
        var config = AgentFixture.config(s);
        Camera cam = Camera.command(config.photo().camera().orElseThrow(), Clock.systemUTC());
        SoftPanel panel = new SoftPanel(Clock.systemUTC());
        Voice voice = new org.breathgate.agent.prompt.RecordingVoice(speech -> {
            said.add(speech.text());
            lights.add(panel.light().current());
        });
        agent = new DeviceAgent(config, new Hardware(breathalyser, panel, Optional.of(cam)), voice,
                new SystemClockSource(Clock.systemUTC(), () -> true), new Random(1));
        agent.start();
        return agent;
    }

    @Test
    void the_photo_taken_at_the_blow_is_signed_into_the_reading_and_kept_until_the_receiver_has_it() throws Exception {
        byte[] jpeg = realJpeg();
        Path photo = Files.write(dir.resolve("photo.jpg"), jpeg);
        start(script("rpicam-still", "cat '" + photo + "'"), Duration.ofSeconds(10), new FakeBreathalyser(Clock.systemUTC()).thenMeasures(0),
                "en");
        Reading reading = agent.runTestNow(TEST).orElseThrow();
        ReadingPhoto.Taken taken = assertInstanceOf(ReadingPhoto.Taken.class, reading.photo());
        assertEquals(Photos.sha256Hex(jpeg), taken.sha256());
        assertEquals(jpeg.length, taken.size());
        assertEquals(new PhotoStats(1, jpeg.length), agent.photoStats());
        // The parent was told, by voice and a steady white light, that a photo is taken.
        assertTrue(said.contains(Prompter.text(Prompt.BLOW_NOW_CAMERA, "en")), said.toString());
        assertTrue(said.contains(Prompter.text(Prompt.LOOK_AT_CAMERA, "en")), said.toString());
        int look = said.indexOf(Prompter.text(Prompt.LOOK_AT_CAMERA, "en"));
        assertEquals(new SoftStatusLight.Shown(LightColour.WHITE, LightPattern.STEADY), lights.get(look));
        assertFalse(agent.status().warnings().contains("camera_fault"));
    }

    @Test
    void a_failing_camera_gives_a_reading_that_says_why_a_tamper_event_and_a_status_warning() throws Exception {
        start(script("rpicam-still", "echo 'ERROR: no cameras available' >&2; exit 1"), Duration.ofSeconds(10),
                new FakeBreathalyser(Clock.systemUTC()).thenMeasures(0).thenMeasures(0), "fi");
        Reading first = agent.runTestNow(TEST).orElseThrow();
        assertEquals(new ReadingPhoto.NotTaken(PhotoAbsence.CAMERA_FAILED), first.photo());
        assertTrue(agent.status().warnings().contains("camera_fault"), agent.status().warnings().toString());
        assertEquals(2, agent.outboxStats().depth(), "the reading and one camera_fault tamper event");
        Reading second = agent.runTestNow(TEST).orElseThrow();
        assertEquals(new ReadingPhoto.NotTaken(PhotoAbsence.CAMERA_FAILED), second.photo());
        assertEquals(3, agent.outboxStats().depth(), "one tamper event per fault, not one per test");
        assertEquals(new PhotoStats(0, 0), agent.photoStats());
        assertTrue(said.contains(Prompter.text(Prompt.LOOK_AT_CAMERA, "fi")), said.toString());
    }

    @Test
    void a_hung_camera_is_stopped_at_its_timeout_and_the_test_is_recorded_without_a_photo() throws Exception {
        Path started = dir.resolve("started");
        start(script("rpicam-still", "touch '" + started + "'; sleep 600"), Duration.ofSeconds(1),
                new FakeBreathalyser(Clock.systemUTC()).thenMeasures(0), "sv");
        long before = System.nanoTime();
        Reading reading = agent.runTestNow(TEST).orElseThrow();
        assertEquals(new ReadingPhoto.NotTaken(PhotoAbsence.CAMERA_TIMEOUT), reading.photo());
        assertTrue(Files.exists(started), "the camera command ran");
        assertTrue(System.nanoTime() - before < TimeUnit.SECONDS.toNanos(20), "the hung camera held the test up too long");
        assertTrue(agent.status().warnings().contains("camera_fault"));
    }

    @Test
    void an_attempt_without_a_blow_takes_no_photo_and_says_so() throws Exception {
        Path ran = dir.resolve("ran");
        start(script("rpicam-still", "touch '" + ran + "'; exit 1"), Duration.ofSeconds(5),
                new FakeBreathalyser(Clock.systemUTC()).thenAborts(BlowAbortReason.NO_BLOW), "en");
        Reading reading = agent.runTestNow(TEST).orElseThrow();
        assertEquals(new ReadingPhoto.NotTaken(PhotoAbsence.NO_BLOW), reading.photo());
        assertFalse(Files.exists(ran), "no blow: the camera is not started");
        assertFalse(agent.status().warnings().contains("camera_fault"), "no blow is not a camera fault");
    }

    @Test
    void a_device_without_a_camera_says_disabled() throws Exception {
        Map<String, String> s = AgentFixture.settings(dir, "home-cam-2", "tcp://127.0.0.1:1");
        agent = new DeviceAgent(AgentFixture.config(s), new Hardware(new FakeBreathalyser(Clock.systemUTC()).thenMeasures(0),
                new SoftPanel(Clock.systemUTC())), Voice.silent(), new SystemClockSource(Clock.systemUTC(), () -> true), new Random(1));
        agent.start();
        assertEquals(new ReadingPhoto.NotTaken(PhotoAbsence.DISABLED), agent.runTestNow(TEST).orElseThrow().photo());
    }
}
