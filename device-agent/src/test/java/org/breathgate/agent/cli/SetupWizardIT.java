package org.breathgate.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import org.breathgate.agent.AgentDaemon;
import org.breathgate.agent.clock.SystemClockSource;
import org.breathgate.agent.config.AgentConfig;
import org.breathgate.agent.config.AgentConfigLoader;
import org.breathgate.protocol.EnrollmentCode;
import org.breathgate.agent.it.TestReceiver;
import org.breathgate.agent.prompt.Voice;
import org.breathgate.hardware.sim.Blow;
import org.breathgate.hardware.sim.Scenario;
import org.breathgate.hardware.sim.SimulatedBreathalyser;
import org.breathgate.protocol.BreathAlcohol;
import org.breathgate.protocol.ConfigUpdate;
import org.breathgate.protocol.KeyId;
import org.breathgate.protocol.KeyResolver;
import org.breathgate.protocol.MessageSigner;
import org.breathgate.protocol.Outcome;
import org.breathgate.protocol.Reading;
import org.breathgate.protocol.Schedule;
import org.breathgate.protocol.SensorState;
import org.breathgate.protocol.TestReason;
import org.breathgate.testkit.MosquittoBroker;
import org.breathgate.testkit.TestKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A technician's first setup, typed into the wizard: the simulated breathalyser on a socat pty, a
 * stand-in for the receiver's enrollment API over HTTPS with a self-signed certificate, and a real
 * Mosquitto broker with TLS and passwords. The enrolled agent then runs from the files setup wrote,
 * and {@code breathgate-agent test} produces a reading that reaches the receiver signed with the key
 * the wizard made, and verified.
 */
class SetupWizardIT {

    private static final String DEVICE = "home-wizard-1";

    @TempDir
    Path dir;

    @Test
    @Timeout(120)
    void a_technician_types_the_enrollment_line_into_the_wizard_and_a_signed_reading_arrives() throws Exception {
        String devicePassword = "device-secret-1";
        try (MosquittoBroker broker = MosquittoBroker.start(MosquittoBroker.Options.plain().withTls()
                     .withUser(DEVICE, devicePassword).withUser("receiver", "receiver-secret"));
             EnrollmentStub stub = EnrollmentStub.start(dir.resolve("receiver"));
             SimulatedBreathalyser sim = SimulatedBreathalyser.start(Scenario.of("wizard", Blow.reading(42))
                     .withTiming(Scenario.Timing.fast()).withWarmUp(Duration.ZERO), dir.resolve("pty"))) {
            String code = EnrollmentCode.generate(new SecureRandom()).toString();
            stub.code(code, EnrollmentStub.CodeState.VALID);
            String firstConfig = new MessageSigner(TestKeys.receiver()).sign(new ConfigUpdate(DEVICE, 1, Instant.now(),
                    Schedule.withDefaults(ZoneId.of("Europe/Helsinki"), List.of()), new BreathAlcohol(50), "en", 600)).compact();
            stub.grant(new EnrollmentStub.Grant(DEVICE, broker.tlsUri(), DEVICE, devicePassword,
                    Files.readString(broker.certificates().caCertificate()), List.of(TestKeys.receiver().verificationKey()), firstConfig));
            Path etc = dir.resolve("etc");
            Path data = dir.resolve("var");

            String typed = String.join("\n", "line", sim.portPath(), "none", stub.url(), stub.fingerprint(),
                    code.toLowerCase(java.util.Locale.ROOT)) + "\n";
            Cli.Run setup = Cli.run(typed, "setup", "--config-dir", etc.toString(), "--data-dir", data.toString(), "--service-user=");

            assertEquals(0, setup.exitCode(), setup.toString());
            assertTrue(setup.out().contains("OK: " + SimulatedBreathalyser.MODEL), setup.out());
            assertTrue(setup.out().contains("Enrolled as " + DEVICE), setup.out());
            assertEquals("rw-------", mode(data.resolve("device-key.pem")));
            assertEquals("rw-r-----", mode(etc.resolve("agent.properties")));
            assertEquals("rw-r-----", mode(etc.resolve("mqtt-password")));
            assertTrue(stub.requests().get(0).contains("\"model\":\"" + SimulatedBreathalyser.MODEL + "\""), stub.requests().toString());

            AgentConfig config = AgentConfigLoader.load(etc.resolve("agent.properties"), List.of("--voice=false"));
            assertEquals(DEVICE, config.deviceId());
            KeyResolver keys = KeyResolver.of(stub.deviceKey(new KeyId(DEVICE, 1)));
            try (TestReceiver receiver = new TestReceiver(broker.uri(), keys, "receiver", "receiver-secret");
                 AgentDaemon daemon = AgentDaemon.start(config, () -> {
                     throw new AssertionError("no GPIO configured");
                 }, new SystemClockSource(Clock.systemUTC(), () -> true), Voice.silent())) {
                receiver.await(() -> daemon.agent().status().sensorState() == SensorState.READY
                        && daemon.agent().status().publisher().connected(), Duration.ofSeconds(30), "the agent to connect over TLS");
                assertEquals(1, daemon.agent().status().configVersion(), "the configuration from enrollment is in use");

                Cli.Run test = Cli.run("", "test", "--config-dir", etc.toString(), "--data-dir", data.toString());
                assertEquals(0, test.exitCode(), test.toString());
                assertTrue(test.out().contains("Recorded as reading #1"), test.out());

                receiver.await(() -> receiver.stored(DEVICE).size() == 1, Duration.ofSeconds(20), "the reading at the receiver");
                Reading r = (Reading) receiver.events(DEVICE).get(0);
                assertEquals(new BreathAlcohol(42), r.breathAlcohol());
                assertEquals(Outcome.PASS, r.outcome());
                assertInstanceOf(TestReason.OnDemand.class, r.reason());
                assertEquals(List.of(), receiver.problems(), "every message verified with the key the wizard made");

                receiver.await(() -> daemon.agent().outboxStats().depth() == 0, Duration.ofSeconds(20), "the ack");
                Thread.sleep(5500); // the status file is rewritten every 5 s
                Cli.Run status = Cli.run("", "status", "--config-dir", etc.toString(), "--data-dir", data.toString());
                assertEquals(0, status.exitCode(), status.toString());
                assertTrue(status.out().contains("connected to " + broker.tlsUri()), status.out());
                assertTrue(status.out().contains("0 waiting"), status.out());
                assertTrue(status.out().contains("#1 pass 42 µg/L"), status.out());
            }
        }
    }

    private static String mode(Path p) throws java.io.IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }
}
