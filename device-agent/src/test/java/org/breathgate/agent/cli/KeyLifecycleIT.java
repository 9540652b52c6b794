package org.breathgate.agent.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.breathgate.agent.clock.SystemClockSource;
import org.breathgate.agent.config.AgentConfig;
import org.breathgate.agent.config.AgentConfigLoader;
import org.breathgate.protocol.EnrollmentCode;
import org.breathgate.agent.evidence.DeviceKeyFile;
import org.breathgate.agent.evidence.EvidenceRecorder;
import org.breathgate.agent.outbox.Outbox;
import org.breathgate.agent.outbox.OutboxInspection;
import org.breathgate.agent.status.StatusFile;
import org.breathgate.agent.status.StatusSnapshot;
import org.breathgate.hardware.sim.Scenario;
import org.breathgate.hardware.sim.SimulatedBreathalyser;
import org.breathgate.protocol.KeyId;
import org.breathgate.protocol.MessageSigner;
import org.breathgate.protocol.SupportRequest;
import org.breathgate.testkit.TestKeys;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** After enrollment: rotating the key through a request signed by the old one, and deprovisioning. */
@Timeout(60)
class KeyLifecycleIT {

    private static final String DEVICE = "home-keys-1";

    @TempDir
    Path dir;

    private EnrollmentStub stub;
    private Path etc;
    private Path data;

    @BeforeEach
    void enroll() throws Exception {
        stub = EnrollmentStub.start(dir.resolve("receiver"));
        stub.grant(new EnrollmentStub.Grant(DEVICE, "ssl://127.0.0.1:8883", DEVICE, "pw",
                "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n", List.of(TestKeys.receiver().verificationKey()), null));
        String code = EnrollmentCode.generate(new SecureRandom()).toString();
        stub.code(code, EnrollmentStub.CodeState.VALID);
        etc = dir.resolve("etc");
        data = dir.resolve("var");
        try (SimulatedBreathalyser sim = SimulatedBreathalyser.start(Scenario.sober().withTiming(Scenario.Timing.fast())
                .withWarmUp(Duration.ZERO), dir.resolve("pty"))) {
            Cli.Run setup = Cli.run("", "setup", "--config-dir", etc.toString(), "--data-dir", data.toString(), "--service-user=",
                    "--driver", "line", "--port", sim.portPath(), "--panel", "none", "--receiver", stub.url(), "--fingerprint",
                    stub.fingerprint(), "--code", code);
            assertEquals(0, setup.exitCode(), setup.toString());
        }
    }

    @AfterEach
    void stop() {
        stub.close();
    }

    private AgentConfig config() throws Exception {
        return AgentConfigLoader.load(etc.resolve("agent.properties"), List.of());
    }

    @Test
    void a_rotated_key_is_announced_signed_by_the_old_one_and_then_used() throws Exception {
        Cli.Run rotate = Cli.run("", "rotate-key", "--config-dir", etc.toString(), "--data-dir", data.toString());
        assertEquals(0, rotate.exitCode(), rotate.toString());
        AgentConfig c = config();
        assertEquals(2, c.keyVersion());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(c.keyFile())));
        byte[] local = DeviceKeyFile.load(c.keyFile(), new KeyId(DEVICE, 2)).verificationKey().raw();
        assertArrayEquals(stub.deviceKey(new KeyId(DEVICE, 2)).raw(), local, "the receiver has the key the device now uses");
        assertFalse(Files.exists(c.keyFile().resolveSibling("device-key.pem.pending")));
    }

    @Test
    void a_rotation_the_receiver_refuses_leaves_the_key_and_configuration_as_they_were() throws Exception {
        stub.forget(DEVICE);
        Map<String, String> before = Cli.snapshot(etc, data);
        Cli.Run rotate = Cli.run("", "rotate-key", "--config-dir", etc.toString(), "--data-dir", data.toString());
        assertEquals(Exit.RECEIVER, rotate.exitCode(), rotate.toString());
        assertTrue(rotate.err().contains("did not accept this device's signature"), rotate.err());
        assertEquals(before, Cli.snapshot(etc, data));
    }

    @Test
    void deprovisioning_is_refused_while_readings_are_unsent_and_forced_only_on_request() throws Exception {
        AgentConfig c = config();
        try (Outbox outbox = Outbox.open(c.outboxFile(), DEVICE, 1L << 20)) {
            new EvidenceRecorder(DEVICE, new MessageSigner(DeviceKeyFile.load(c.keyFile(), new KeyId(DEVICE, 1))),
                    new SystemClockSource(Clock.systemUTC(), () -> true), outbox).record((seq, facts) -> new SupportRequest(DEVICE, seq, facts));
        }
        Map<String, String> before = Cli.snapshot(etc, data);
        Cli.Run refused = Cli.run("", "deprovision", "--config-dir", etc.toString(), "--data-dir", data.toString(), "--yes");
        assertEquals(Exit.REFUSED, refused.exitCode(), refused.toString());
        assertTrue(refused.err().contains("1 event(s) have not reached the receiver"), refused.err());
        assertEquals(before, Cli.snapshot(etc, data));

        Cli.Run forced = Cli.run("", "deprovision", "--config-dir", etc.toString(), "--data-dir", data.toString(), "--yes", "--force");
        assertEquals(0, forced.exitCode(), forced.toString());
        assertTrue(forced.out().contains("will NEVER reach the receiver"), forced.out());
        assertFalse(Files.exists(c.keyFile()), "the key is gone");
        assertFalse(Files.exists(etc.resolve("mqtt-password")), "the MQTT password is gone");
        assertFalse(Files.exists(etc.resolve("agent.properties")), "the device is no longer set up");
        assertNull(stub.deviceKey(new KeyId(DEVICE, 1)), "the receiver retired the device");
        try (var retired = Files.list(data.resolve("retired"))) {
            Path kept = retired.findFirst().orElseThrow();
            assertEquals(1, OutboxInspection.read(kept.resolve("outbox.db")).orElseThrow().depth(), "the unsent event is kept on the device");
        }
    }

    @Test
    void deprovisioning_is_refused_while_the_agent_runs() throws Exception {
        AgentConfig c = config();
        StatusFile.write(c.statusFile(), new StatusSnapshot(Instant.now(), ProcessHandle.current().pid(), true, DEVICE, "0.1.0",
                "ssl://x:8883", true, 1, Optional.empty(), 0, "ready", Optional.empty(), Optional.empty(), Optional.empty(), true, 0, List.of()));
        Map<String, String> before = Cli.snapshot(etc, data);
        Cli.Run run = Cli.run("", "deprovision", "--config-dir", etc.toString(), "--data-dir", data.toString(), "--yes");
        assertEquals(Exit.REFUSED, run.exitCode(), run.toString());
        assertTrue(run.err().contains("stop it first"), run.err());
        assertEquals(before, Cli.snapshot(etc, data));
    }
}
