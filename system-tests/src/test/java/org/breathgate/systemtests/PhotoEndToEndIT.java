package org.breathgate.systemtests;

import org.breathgate.agent.DeviceAgent;
import org.breathgate.agent.config.AgentConfig;
import org.breathgate.agent.config.AgentConfigLoader;
import org.breathgate.agent.outbox.PhotoStats;
import org.breathgate.agent.prompt.Voice;
import org.breathgate.care.access.Actor;
import org.breathgate.care.access.Client;
import org.breathgate.care.access.Organisation;
import org.breathgate.care.access.OrganisationKind;
import org.breathgate.hardware.camera.Camera;
import org.breathgate.hardware.sim.SoftPanel;
import org.breathgate.protocol.Reading;
import org.breathgate.protocol.ReadingPhoto;
import org.breathgate.protocol.photo.Photos;
import org.breathgate.receiver.app.Receiver;
import org.breathgate.receiver.care.people.Clients;
import org.breathgate.receiver.care.people.DeviceAssignments;
import org.breathgate.receiver.care.people.Organisations;
import org.breathgate.receiver.app.config.ReceiverConfig;
import org.breathgate.receiver.care.photo.PhotoService;
import org.breathgate.testkit.Ports;
import org.breathgate.testkit.TestKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Agent → real broker → receiver with a photo: a script stands in for {@code rpicam-still}; the
 * reading signs the photo's hash; the photo follows in chunks, is checked and stored beside its
 * reading, acknowledged, and deleted from the device. The device is offline and restarted before
 * anything is sent, and still nothing is lost.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PhotoEndToEndIT {

    private static final String DEVICE = "home-0077";
    private static final Actor WORKER = Actor.substanceAbuseWorker("worker-sa", "sa-1");
    private static final Duration WAIT = Duration.ofSeconds(40);

    @TempDir
    Path dir;

    private static byte[] photo() throws Exception {
        BufferedImage image = new BufferedImage(640, 480, BufferedImage.TYPE_INT_RGB);
        Random random = new Random(7);
        for (int y = 0; y < 480; y++) {
            for (int x = 0; x < 640; x++) {
                image.setRGB(x, y, random.nextInt(0x1000000) & 0x7f7f7f | ((x / 40) << 20));
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertTrue(ImageIO.write(image, "jpg", out));
        return out.toByteArray();
    }

    private DeviceAgent agent(int brokerPort, Path camera, String receiverKeyPem) throws Exception {
        Map<String, String> s = SystemTestAgent.settings(dir, DEVICE, brokerPort, receiverKeyPem);
        s.put("camera", "command");
        s.put("camera.command", camera.toString());
        AgentConfig config = AgentConfigLoader.fromMap(s);
        Camera cam = Camera.command(config.photo().camera().orElseThrow(), Clock.systemUTC());
        return SystemTestAgent.start(config, new SoftPanel(Clock.systemUTC()), Optional.of(cam), Voice.silent());
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long end = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(50);
        }
    }

    @Test
    void a_photo_taken_offline_survives_a_restart_reaches_the_receiver_checked_and_leaves_the_device() throws Exception {
        byte[] jpeg = photo();
        assertTrue(jpeg.length > 8 * 8192, "a photo of several chunks: " + jpeg.length);
        Path file = Files.write(dir.resolve("photo.jpg"), jpeg);
        Path camera = dir.resolve("rpicam-still");
        Files.writeString(camera, "#!/bin/sh\ncat '" + file + "'\n");
        Files.setPosixFilePermissions(camera, PosixFilePermissions.fromString("rwx------"));
        int brokerPort = Ports.free();

        Map<String, String> settings = new HashMap<>();
        settings.put(ReceiverConfig.DATA_DIR, dir.resolve("receiver").toString());
        settings.put(ReceiverConfig.EMBEDDED_PORT, Integer.toString(brokerPort));
        settings.put(ReceiverConfig.EMBEDDED_TLS_PORT, "0");
        settings.put(ReceiverConfig.MQTT_CLIENT_ID, "photo-e2e");
        settings.put(ReceiverConfig.WEB_ENABLED, "false");
        ReceiverConfig config = ReceiverConfig.from(settings);
        // The receiver's key exists before the receiver first runs, as after enrollment.
        String receiverPem = org.breathgate.receiver.app.config.ReceiverKeys.loadOrCreate(config.receiverKey().file(), 1,
                new java.security.SecureRandom()).verificationKey().toPem();

        // Offline: the test is taken, the reading and its photo wait in the outbox; then the agent restarts.
        Reading reading;
        Files.writeString(dir.resolve("mqtt-password"), "not-yet-enrolled\n");
        DeviceAgent offline = agent(brokerPort, camera, receiverPem);
        try {
            reading = offline.runTestNow(Duration.ofSeconds(30)).orElseThrow();
            assertEquals(Photos.sha256Hex(jpeg), assertInstanceOf(ReadingPhoto.Taken.class, reading.photo()).sha256());
            assertEquals(new PhotoStats(1, jpeg.length), offline.photoStats());
        } finally {
            offline.close();
        }

        try (Receiver receiver = Receiver.start(config, Clock.systemUTC(), List.of())) {
            assertTrue(receiver.awaitReady(WAIT));
            Instant lent = Instant.now().minus(Duration.ofDays(1));
            new Organisations(receiver.database()).add(new Organisation("sa-1", "Service", OrganisationKind.SUBSTANCE_ABUSE_SERVICE));
            new Clients(receiver.database()).add(Client.open("client-a", "Parent A", "sa-1"), lent);
            new DeviceAssignments(receiver.database()).assign(DEVICE, "client-a", lent);
            receiver.registry().enroll(TestKeys.device(DEVICE).verificationKey());
            Files.writeString(dir.resolve("mqtt-password"), receiver.brokerLogins().issue(DEVICE, "test").password() + "\n");

            DeviceAgent agent = agent(brokerPort, camera, receiverPem);
            try {
                await(() -> agent.photosAnswered() == 1, "the receiver's answer for the photo");
                assertEquals(new PhotoStats(0, 0), agent.photoStats(), "deleted from the device once stored");
                assertEquals(0, agent.outboxStats().depth());
                PhotoService.PhotoView view = receiver.photos().view(WORKER, DEVICE, reading.seq()).orElseThrow();
                assertArrayEquals(jpeg, view.jpeg());
                assertEquals(1, receiver.photoIngest().storedCount());
            } finally {
                agent.close();
            }
        }
    }
}
