package org.breathgate.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.breathgate.protocol.EnrollmentCode;
import org.breathgate.hardware.sim.Scenario;
import org.breathgate.hardware.sim.SimulatedBreathalyser;
import org.breathgate.testkit.Ports;
import org.breathgate.testkit.TestKeys;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Everything that must stop setup with a clear message, a non-zero exit code and the device's files
 * exactly as they were: a mistyped code, codes the receiver refuses (unknown, used, expired), an
 * unreachable receiver, a receiver with another certificate than the pinned one, a serial port held
 * by another process, and a "no" to re-enrolling an enrolled device.
 */
@Timeout(60)
class SetupRefusalsIT {

    private static final String DEVICE = "home-refusals-1";

    @TempDir
    Path dir;

    private EnrollmentStub stub;
    private SimulatedBreathalyser sim;
    private Path etc;
    private Path data;

    @BeforeEach
    void start() throws Exception {
        stub = EnrollmentStub.start(dir.resolve("receiver"));
        stub.grant(new EnrollmentStub.Grant(DEVICE, "ssl://127.0.0.1:8883", DEVICE, "pw",
                "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n", List.of(TestKeys.receiver().verificationKey()), null));
        sim = SimulatedBreathalyser.start(Scenario.sober().withTiming(Scenario.Timing.fast()).withWarmUp(Duration.ZERO), dir.resolve("pty"));
        etc = dir.resolve("etc");
        data = dir.resolve("var");
        // A device that already has a technician's local settings, to show they are kept untouched.
        Files.createDirectories(etc);
        Files.writeString(etc.resolve("agent.properties.example"), "language=sv\n");
    }

    @AfterEach
    void stop() {
        sim.close();
        stub.close();
    }

    private Cli.Run setup(String code, String... more) {
        List<String> args = new java.util.ArrayList<>(List.of("setup", "--config-dir", etc.toString(), "--data-dir", data.toString(),
                "--service-user=", "--driver", "line", "--port", sim.portPath(), "--panel", "none", "--receiver", stub.url(),
                "--fingerprint", stub.fingerprint(), "--code", code, "--timeout", "5"));
        args.addAll(List.of(more));
        return Cli.run("", args.toArray(String[]::new));
    }

    private String code(EnrollmentStub.CodeState state) {
        String c = EnrollmentCode.generate(new SecureRandom()).toString();
        stub.code(c, state);
        return c;
    }

    private void assertRefused(Cli.Run run, int exit, String message, Map<String, String> before) throws Exception {
        assertEquals(exit, run.exitCode(), run.toString());
        assertTrue(run.err().contains(message), "expected '" + message + "' in:\n" + run);
        assertEquals(before, Cli.snapshot(etc, data), "the device's files must be unchanged");
    }

    @Test
    void a_mistyped_code_is_caught_on_the_device_before_anything_is_sent() throws Exception {
        String good = code(EnrollmentStub.CodeState.VALID);
        char last = good.charAt(good.length() - 1);
        String typo = good.substring(0, good.length() - 1) + (last == '0' ? '1' : '0');
        Map<String, String> before = Cli.snapshot(etc, data);
        assertRefused(setup(typo), Exit.USAGE, "has a typing mistake", before);
        assertTrue(stub.requests().isEmpty(), "nothing was sent");
    }

    @Test
    void an_unknown_code_is_refused_by_the_receiver() throws Exception {
        Map<String, String> before = Cli.snapshot(etc, data);
        assertRefused(setup(EnrollmentCode.generate(new SecureRandom()).toString()), Exit.RECEIVER,
                "the receiver does not know this enrollment code", before);
    }

    @Test
    void a_code_works_once_and_a_second_device_with_it_is_refused() throws Exception {
        String c = code(EnrollmentStub.CodeState.VALID);
        Cli.Run first = setup(c);
        assertEquals(0, first.exitCode(), first.toString());
        Path otherEtc = dir.resolve("etc2");
        Path otherData = dir.resolve("var2");
        Map<String, String> before = Cli.snapshot(otherEtc, otherData);
        Cli.Run second = Cli.run("", "setup", "--config-dir", otherEtc.toString(), "--data-dir", otherData.toString(), "--service-user=",
                "--driver", "line", "--port", sim.portPath(), "--panel", "none", "--receiver", stub.url(), "--fingerprint",
                stub.fingerprint(), "--code", c);
        assertEquals(Exit.RECEIVER, second.exitCode(), second.toString());
        assertTrue(second.err().contains("already been used"), second.toString());
        assertEquals(before, Cli.snapshot(otherEtc, otherData));
    }

    @Test
    void a_used_code_is_refused() throws Exception {
        Map<String, String> before = Cli.snapshot(etc, data);
        assertRefused(setup(code(EnrollmentStub.CodeState.USED)), Exit.RECEIVER, "already been used", before);
    }

    @Test
    void an_expired_code_is_refused() throws Exception {
        Map<String, String> before = Cli.snapshot(etc, data);
        assertRefused(setup(code(EnrollmentStub.CodeState.EXPIRED)), Exit.RECEIVER, "has expired", before);
    }

    @Test
    void an_unreachable_receiver_is_reported_with_what_to_check() throws Exception {
        Map<String, String> before = Cli.snapshot(etc, data);
        String c = code(EnrollmentStub.CodeState.VALID);
        List<String> args = List.of("setup", "--config-dir", etc.toString(), "--data-dir", data.toString(), "--service-user=",
                "--driver", "line", "--port", sim.portPath(), "--panel", "none", "--receiver", "https://127.0.0.1:" + Ports.free(),
                "--fingerprint", stub.fingerprint(), "--code", c, "--timeout", "5");
        assertRefused(Cli.run("", args.toArray(String[]::new)), Exit.RECEIVER, "cannot connect to the receiver", before);
    }

    @Test
    void a_receiver_with_another_certificate_than_the_pinned_one_gets_nothing() throws Exception {
        Map<String, String> before = Cli.snapshot(etc, data);
        String c = code(EnrollmentStub.CodeState.VALID);
        List<String> args = List.of("setup", "--config-dir", etc.toString(), "--data-dir", data.toString(), "--service-user=",
                "--driver", "line", "--port", sim.portPath(), "--panel", "none", "--receiver", stub.url(),
                "--fingerprint", "sha256:" + "ab".repeat(32), "--code", c);
        assertRefused(Cli.run("", args.toArray(String[]::new)), Exit.RECEIVER, "presented certificate " + stub.fingerprint(), before);
        assertTrue(stub.requests().isEmpty(), "no request reached the server: " + stub.requests());
    }

    @Test
    void a_serial_port_held_by_another_process_is_named_as_busy() throws Exception {
        Map<String, String> before = Cli.snapshot(etc, data);
        Process holder = new ProcessBuilder("flock", "--nonblock", sim.portPath(), "sleep", "60").start();
        try {
            Thread.sleep(300);
            assertTrue(holder.isAlive(), "flock could not take the port");
            assertRefused(setup(code(EnrollmentStub.CodeState.VALID)), Exit.HARDWARE, "is busy: process", before);
            assertTrue(stub.requests().isEmpty(), "nothing was sent");
        } finally {
            holder.destroyForcibly();
            holder.waitFor(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void an_enrolled_device_is_changed_only_after_the_technician_says_yes() throws Exception {
        assertEquals(0, setup(code(EnrollmentStub.CodeState.VALID)).exitCode());
        Map<String, String> before = Cli.snapshot(etc, data);
        String c = code(EnrollmentStub.CodeState.VALID);
        List<String> args = List.of("setup", "--config-dir", etc.toString(), "--data-dir", data.toString(), "--service-user=",
                "--driver", "line", "--port", sim.portPath(), "--panel", "none", "--receiver", stub.url(),
                "--fingerprint", stub.fingerprint(), "--code", c);
        Cli.Run declined = Cli.run("n\n", args.toArray(String[]::new));
        assertEquals(Exit.REFUSED, declined.exitCode(), declined.toString());
        assertTrue(declined.out().contains("already enrolled as " + DEVICE), declined.toString());
        assertEquals(before, Cli.snapshot(etc, data));
        assertEquals(1, stub.requests().size(), "the second code was not sent");
    }

    @Test
    void input_that_ends_early_names_the_option_to_give() throws Exception {
        Map<String, String> before = Cli.snapshot(etc, data);
        Cli.Run run = Cli.run("line\n", "setup", "--config-dir", etc.toString(), "--data-dir", data.toString());
        assertRefused(run, Exit.USAGE, "give --port", before);
    }
}
