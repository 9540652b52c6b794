package org.breathgate.systemtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.breathgate.agent.AgentDaemon;
import org.breathgate.agent.cli.AgentCli;
import org.breathgate.agent.clock.SystemClockSource;
import org.breathgate.agent.config.AgentConfig;
import org.breathgate.agent.enroll.BrokerLoginRenewal;
import org.breathgate.receiver.ingest.deviceapi.DeviceRequestsApi;
import org.breathgate.agent.config.AgentConfigLoader;
import org.breathgate.agent.prompt.Voice;
import org.breathgate.hardware.sim.Blow;
import org.breathgate.hardware.sim.Scenario;
import org.breathgate.hardware.sim.SimulatedBreathalyser;
import org.breathgate.protocol.BreathAlcohol;
import org.breathgate.protocol.KeyId;
import org.breathgate.protocol.KeyResolver;
import org.breathgate.protocol.MessageVerifier;
import org.breathgate.protocol.Reading;
import org.breathgate.protocol.SensorState;
import org.breathgate.protocol.VerificationKey;
import org.breathgate.receiver.evidence.store.StoredEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A technician sets a device up with the enrollment line from a real receiver: the wizard of
 * {@code breathgate-agent setup} driven through standard input, the simulated breathalyser on a
 * socat pty, the receiver with its embedded broker and HTTPS enrollment API in this JVM. The
 * enrolled agent then runs from the files setup wrote, and a reading arrives at the receiver signed
 * with the key the wizard made, verified and stored. Then everything a technician can get wrong:
 * each gives a clear message, a non-zero exit, and leaves the device's files exactly as they were.
 */
class TechnicianEnrollmentIT {

    @TempDir
    Path dir;

    record Run(int exitCode, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    private static Run cli(String stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = AgentCli.execute(args, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private Run setup(SimulatedBreathalyser sim, String url, String fingerprint, String code) {
        String typed = String.join("\n", "line", sim.portPath(), "none", url, fingerprint, code) + "\n";
        return cli(typed, "setup", "--config-dir", dir.resolve("etc").toString(), "--data-dir", dir.resolve("var").toString(),
                "--service-user=", "--timeout=5");
    }

    private static SimulatedBreathalyser sim(Path dir) throws IOException {
        return SimulatedBreathalyser.start(Scenario.of("e2e", Blow.reading(42), Blow.reading(42)).withTiming(Scenario.Timing.fast())
                .withWarmUp(Duration.ZERO), dir);
    }

    @Test
    @Timeout(120)
    void a_technician_enrolls_with_the_line_from_the_receiver_and_a_signed_verified_reading_arrives() throws Exception {
        try (TestBed bed = new TestBed(dir);
             SimulatedBreathalyser sim = sim(dir.resolve("pty"))) {
            var issued = bed.createCode("{\"note\": \"family 12\"}");
            String line = issued.get("enrollment_line").asText();
            assertTrue(line.startsWith("breathgate-agent setup --receiver " + bed.url() + " --code "), line);
            String code = issued.get("code").asText();
            String fingerprint = issued.get("fingerprint").asText();
            assertEquals(bed.devices.identity().fingerprint(), fingerprint);

            // Typed as a person might: lower case, with the fingerprint in openssl's colon form.
            String colons = "sha256:" + String.join(":", fingerprint.substring(7).toUpperCase(Locale.ROOT).split("(?<=\\G..)"));
            Run setup = setup(sim, bed.url(), colons, code.toLowerCase(Locale.ROOT));
            assertEquals(0, setup.exitCode(), setup.toString());
            assertTrue(setup.out().contains("OK: " + SimulatedBreathalyser.MODEL), setup.out());

            List<String> devices = bed.receiver.registry().deviceIds();
            assertEquals(1, devices.size(), devices.toString());
            String deviceId = devices.get(0);
            assertTrue(setup.out().contains("Enrolled as " + deviceId), setup.out());
            assertEquals("rw-------", mode(dir.resolve("var/device-key.pem")));

            // The same code again, on another device: refused, and that device is left as it was.
            Path other = dir.resolve("other");
            Files.createDirectories(other);
            Run again = cli(String.join("\n", "line", sim.portPath(), "none", bed.url(), fingerprint, code) + "\n", "setup",
                    "--config-dir", other.resolve("etc").toString(), "--data-dir", other.resolve("var").toString(), "--service-user=");
            assertEquals(5, again.exitCode(), again.toString());
            assertTrue(again.err().contains("already been used"), again.err());
            assertEquals(Map.of(other.resolve("etc").toString(), "absent", other.resolve("var").toString(), "absent"),
                    snapshot(other.resolve("etc"), other.resolve("var")));

            AgentConfig config = AgentConfigLoader.load(dir.resolve("etc/agent.properties"), List.of("--voice=false"));
            assertEquals(deviceId, config.deviceId());
            try (AgentDaemon daemon = AgentDaemon.start(config, () -> {
                throw new AssertionError("no GPIO configured");
            }, new SystemClockSource(Clock.systemUTC(), () -> true), Voice.silent())) {
                await(() -> daemon.agent().status().sensorState() == SensorState.READY && daemon.agent().status().publisher().connected(),
                        Duration.ofSeconds(30), "the agent to connect to the broker over TLS");
                Run test = cli("", "test", "--config-dir", dir.resolve("etc").toString(), "--data-dir", dir.resolve("var").toString());
                assertEquals(0, test.exitCode(), test.toString());

                await(() -> bed.receiver.store().count(deviceId) >= 1, Duration.ofSeconds(30), "the reading at the receiver");
                List<StoredEvent> stored = bed.receiver.store().readings(deviceId, Instant.EPOCH, Instant.now().plusSeconds(3600));
                assertEquals(1, stored.size(), stored.toString());
                StoredEvent e = stored.get(0);
                assertEquals(new KeyId(deviceId, 1), e.keyId());
                Reading reading = (Reading) e.event();
                assertEquals(new BreathAlcohol(42), reading.breathAlcohol());
                // Independently of ingest: the stored bytes verify with the key the wizard made and setup enrolled.
                VerificationKey enrolled = bed.receiver.registry().device(deviceId).orElseThrow().keys().get(0).key();
                String pem = Files.readString(dir.resolve("var/device-key.pem"));
                assertEquals(org.breathgate.protocol.SigningKey.fromPem(new KeyId(deviceId, 1), pem).verificationKey(), enrolled);
                new MessageVerifier(KeyResolver.of(enrolled)).verify(e.compact(), deviceId);
                await(() -> daemon.agent().outboxStats().depth() == 0, Duration.ofSeconds(20), "the receiver's ack");

                // The broker loses this device's login (here: a new one the device never got): the broker disconnects the
                // agent, refuses its password, and the agent asks the receiver for a new login itself, signed with its key.
                long connectsBefore = daemon.agent().status().publisher().connects();
                bed.receiver.brokerLogins().issue(deviceId, "test");
                await(() -> daemon.agent().status().publisher().connects() > connectsBefore && daemon.agent().status().publisher().connected(),
                        Duration.ofSeconds(60), "the agent back on the broker with a login it asked for");
                assertTrue(Files.exists(dir.resolve("var/" + BrokerLoginRenewal.RENEWED_FILE)), "the renewed password is kept");
                assertEquals("rw-------", mode(dir.resolve("var/" + BrokerLoginRenewal.RENEWED_FILE)));
            }
            Thread.sleep(DeviceRequestsApi.BROKER_LOGIN_EVERY.toMillis() + 500); // the receiver's limit on new logins per device

            // Key rotation against the real receiver: key 2 is registered, and the next reading is signed with it.
            String etc = dir.resolve("etc").toString();
            String var = dir.resolve("var").toString();
            String passwordBefore = Files.readString(dir.resolve("var/" + BrokerLoginRenewal.RENEWED_FILE));
            Run rotate = cli("", "rotate-key", "--config-dir", etc, "--data-dir", var, "--timeout=5");
            assertEquals(0, rotate.exitCode(), rotate.toString());
            assertTrue(rotate.out().contains("new broker login too"), rotate.toString());
            assertNotEquals(passwordBefore, Files.readString(dir.resolve("var/" + BrokerLoginRenewal.RENEWED_FILE)),
                    "a copied card's old password stops working");
            assertEquals(2, bed.receiver.registry().device(deviceId).orElseThrow().keys().size());
            AgentConfig rotated = AgentConfigLoader.load(dir.resolve("etc/agent.properties"), List.of("--voice=false"));
            assertEquals(2, rotated.keyVersion());
            try (AgentDaemon daemon = AgentDaemon.start(rotated, () -> {
                throw new AssertionError("no GPIO configured");
            }, new SystemClockSource(Clock.systemUTC(), () -> true), Voice.silent())) {
                await(() -> daemon.agent().status().sensorState() == SensorState.READY && daemon.agent().status().publisher().connected(),
                        Duration.ofSeconds(30), "the agent to reconnect with key 2");
                Run test = cli("", "test", "--config-dir", etc, "--data-dir", var);
                assertEquals(0, test.exitCode(), test.toString());
                await(() -> bed.receiver.store().count(deviceId) >= 2, Duration.ofSeconds(30), "the reading signed with key 2");
                List<StoredEvent> stored = bed.receiver.store().readings(deviceId, Instant.EPOCH, Instant.now().plusSeconds(3600));
                assertEquals(List.of(new KeyId(deviceId, 1), new KeyId(deviceId, 2)), stored.stream().map(StoredEvent::keyId).toList());
                await(() -> daemon.agent().outboxStats().depth() == 0, Duration.ofSeconds(20), "the receiver's ack");
            }

            // Deprovisioning: the receiver retires the device; the device's key is gone.
            Run deprovision = cli("", "deprovision", "--config-dir", etc, "--data-dir", var, "--yes", "--timeout=5");
            assertEquals(0, deprovision.exitCode(), deprovision.toString());
            assertTrue(bed.receiver.registry().device(deviceId).orElseThrow().revoked());
            assertTrue(bed.receiver.registry().find(new KeyId(deviceId, 2)).isEmpty(), "ingest refuses the retired device");
            assertFalse(Files.exists(dir.resolve("var/device-key.pem")));
        }
    }

    @Test
    @Timeout(120)
    void bad_expired_unreachable_and_wrong_certificate_each_say_why_and_change_nothing() throws Exception {
        try (TestBed bed = new TestBed(dir);
             SimulatedBreathalyser sim = sim(dir.resolve("pty"))) {
            String fingerprint = bed.devices.identity().fingerprint();
            Map<String, String> before = snapshot(dir.resolve("etc"), dir.resolve("var"));

            // A well-formed code the receiver never issued.
            Run unknown = setup(sim, bed.url(), fingerprint, org.breathgate.protocol.EnrollmentCode.generate(new java.security.SecureRandom())
                    .toString());
            assertRefused(unknown, 5, "does not know this enrollment code", before);

            // A mistyped code: caught on the device, nothing sent.
            Run typo = setup(sim, bed.url(), fingerprint, "K7M2-Q9XD-4RTB-8HW0\nK7M2-Q9XD-4RTB-8HW0\nK7M2-Q9XD-4RTB-8HW0");
            assertRefused(typo, 2, "typing mistake", before);

            // Expired: the admin made a one-minute code and the technician came two minutes later.
            String shortLived = bed.createCode("{\"expires_in_minutes\": 1}").get("code").asText();
            bed.advanceClock(Duration.ofMinutes(2));
            assertRefused(setup(sim, bed.url(), fingerprint, shortLived), 5, "has expired", before);

            String code = bed.createCode("").get("code").asText();
            // The receiver's address is wrong (nothing listens there).
            int closed;
            try (ServerSocket s = new ServerSocket(0)) {
                closed = s.getLocalPort();
            }
            assertRefused(setup(sim, "https://127.0.0.1:" + closed, fingerprint, code), 5, "cannot connect to the receiver", before);
            // A fingerprint from another receiver: nothing is sent to this one.
            String wrong = "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(new byte[1]));
            assertRefused(setup(sim, bed.url(), wrong, code), 5, "not the pinned", before);

            assertEquals(List.of(), bed.receiver.registry().deviceIds(), "no refusal enrolled a device");
            Run ok = setup(sim, bed.url(), fingerprint, code);
            assertEquals(0, ok.exitCode(), "the refusals did not use the code up: " + ok);
        }
    }

    private void assertRefused(Run run, int exit, String says, Map<String, String> before) throws IOException {
        assertEquals(exit, run.exitCode(), run.toString());
        assertTrue(run.err().contains(says), run.toString());
        assertNotEquals("", run.err().strip());
        assertEquals(before, snapshot(dir.resolve("etc"), dir.resolve("var")), "the device's files are unchanged");
    }

    private static void await(BooleanSupplier condition, Duration timeout, String what) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out after " + timeout.toSeconds() + " s waiting for " + what);
            }
            Thread.sleep(100);
        }
    }

    private static String mode(Path p) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    /** Every file under the folders with its mode and a hash of its content. */
    private static Map<String, String> snapshot(Path... dirs) throws IOException {
        Map<String, String> out = new TreeMap<>();
        for (Path d : dirs) {
            if (!Files.exists(d)) {
                out.put(d.toString(), "absent");
                continue;
            }
            try (Stream<Path> files = Files.walk(d)) {
                for (Path f : files.toList()) {
                    String hash = Files.isRegularFile(f) ? HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                            .digest(Files.readAllBytes(f))) : "dir";
                    out.put(f.toString(), mode(f) + " " + hash);
                }
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
        return out;
    }
}
