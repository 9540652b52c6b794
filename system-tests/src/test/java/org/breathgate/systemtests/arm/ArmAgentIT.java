package org.breathgate.systemtests.arm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.breathgate.agent.control.ControlServer;
import org.breathgate.agent.status.StatusFile;
import org.breathgate.agent.status.StatusSnapshot;
import org.breathgate.hardware.sim.Scenario;
import org.breathgate.hardware.sim.SimulatedBreathalyser;
import org.breathgate.receiver.app.Receiver;
import org.breathgate.systemtests.faults.FaultAgent;
import org.breathgate.systemtests.faults.ReceiverFixture;
import org.breathgate.testkit.InstalledAgent;
import org.breathgate.testkit.MosquittoBroker;
import org.breathgate.testkit.TestKeys;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The shaded agent on the Raspberry Pi's processors, under emulation: Debian's {@code arm64} and
 * {@code armhf} Java 17 runtimes (multiarch packages {@code openjdk-17-jre-headless:arm64} and {@code :armhf})
 * run by {@code qemu-user-static}, called explicitly ({@code qemu-aarch64-static java ...}), so no binfmt_misc
 * registration is needed. The ARM libraries come from the multiarch folders, found by the emulated dynamic
 * linker at the usual paths.
 *
 * <p>Per processor: the agent's Debian package unpacked into a folder ({@code DESTDIR=... packaging/install.sh --arch aarch64|armv7l}, which runs the package's own prepare step), with the ARM JVM as its
 * {@code java} (so the class-data-sharing archive and the JVM flag probe are that JVM's, as on a Pi); then the
 * systemd unit's own command line on the ARM JVM, the line driver on a simulated breathalyser's pty, Mosquitto on
 * loopback, and the real receiver in this JVM (this machine's processor). One on-demand test through the
 * agent's control socket; the reading must be stored by the receiver (the exact signed bytes) and acked (the
 * agent's outbox empty, as {@code breathgate-agent status} shows it). The process's memory map must show the
 * JVM, SQLite's and jSerialComm's native libraries as ELF files for that processor (read from their headers):
 * the native code that ran is the ARM code from the jar, not this machine's.
 *
 * <p>No timing is measured or printed: emulation says nothing about a Pi's speed. Without the emulator or the
 * runtimes the test aborts with the command that installs them; as root (CI) it fails instead, since
 * {@code .ci/run} installs them.
 */
class ArmAgentIT {

    private static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();
    private static final Path JAR = ROOT.resolve("device-agent").resolve(Path.of(System.getProperty("bg.build.directory", "target"))
            .getFileName()).resolve("breathgate-agent.jar");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration EMULATED = Duration.ofMinutes(4);

    /**
     * A Pi's processor as Debian names it, its emulator and the core it emulates, install.sh's name for it and its
     * ELF machine. The cores are the oldest of the Pis each covers (Cortex-A53: Pi 3 and Zero 2 W, ARMv8.0 without
     * the atomics a Pi 5 has; Cortex-A7: Pi 2), so the JIT may not use instructions a Pi lacks; qemu's default is
     * its most capable core.
     */
    enum Processor {
        ARM64("arm64", "qemu-aarch64-static", "cortex-a53", "aarch64", 183, 2, "64-bit Raspberry Pi OS"),
        ARMHF("armhf", "qemu-arm-static", "cortex-a7", "armv7l", 40, 1, "32-bit Raspberry Pi OS on an ARMv7 or later Pi");

        final String debian;
        final String qemu;
        final String core;
        final String installArch;
        final int elfMachine;
        final int elfClass;
        final String what;

        Processor(String debian, String qemu, String core, String installArch, int elfMachine, int elfClass, String what) {
            this.debian = debian;
            this.qemu = qemu;
            this.core = core;
            this.installArch = installArch;
            this.elfMachine = elfMachine;
            this.elfClass = elfClass;
            this.what = what;
        }

        Path java() {
            return Path.of("/usr/lib/jvm/java-17-openjdk-" + debian + "/bin/java");
        }
    }

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(Processor.class)
    @Timeout(value = 15, unit = TimeUnit.MINUTES)
    void the_shaded_agent_on_an_arm_jvm_sends_a_reading_that_the_receiver_stores_and_acks(Processor cpu) throws Exception {
        Path qemu = requireEmulation(cpu);
        assertTrue(Files.exists(JAR), "the shaded jar is built in device-agent's package phase: " + JAR);
        Path dir = workFolder(cpu);
        try {
            runAgent(cpu, qemu, dir);
        } finally {
            if (!dir.equals(this.dir)) {
                deleteTree(dir);
            }
        }
    }

    /**
     * Where this processor's agent keeps its files. A 32-bit program under qemu-user on a 64-bit host cannot
     * list a directory of ext4 (the kernel hands the 64-bit process that qemu is 64-bit directory cookies, which
     * a 32-bit readdir refuses with EOVERFLOW: SQLite's loader fails listing java.io.tmpdir); tmpfs's cookies
     * are small. A real 32-bit Pi gets 32-bit cookies from its kernel, so this is the emulation's limit only.
     */
    private Path workFolder(Processor cpu) throws IOException {
        if (cpu.elfClass == 2) {
            return dir;
        }
        Path shm = Path.of("/dev/shm");
        if (!Files.isDirectory(shm) || !Files.isWritable(shm)) {
            abortOrFail("cannot emulate " + cpu.debian + ": its 32-bit readdir needs a tmpfs folder (/dev/shm) on this 64-bit host");
        }
        return Files.createTempDirectory(shm, "bg-arm-" + cpu.debian + "-");
    }

    private static void deleteTree(Path root) throws IOException {
        try (var paths = Files.walk(root)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private void runAgent(Processor cpu, Path qemu, Path dir) throws Exception {
        String deviceId = "home-arm-" + cpu.debian;

        // The package installed (install.sh with DESTDIR) as on a Pi of that processor: its `java` is the emulated ARM JVM.
        Path bin = Files.createDirectories(dir.resolve("arm-bin"));
        Path javaWrapper = bin.resolve("java");
        Files.writeString(javaWrapper, "#!/bin/sh\nexec " + qemu + " -cpu " + cpu.core + " " + cpu.java() + " \"$@\"\n");
        Files.setPosixFilePermissions(javaWrapper, PosixFilePermissions.fromString("rwxr-xr-x"));
        InstalledAgent installed = InstalledAgent.install(ROOT, InstalledAgent.debBeside(JAR), dir.resolve("installed"), cpu.installArch,
                Map.of("PATH", bin + ":" + System.getenv("PATH")));
        assertTrue(Files.exists(installed.installed(InstalledAgent.PREFIX + "/agent.jsa")),
                "install.sh made the class-data-sharing archive with the " + cpu.debian + " JVM:\n" + installed.installLog());
        for (String lib : List.of("/native/sqlite/libsqlitejdbc.so", "/native/jserialcomm/libjSerialComm.so", "/native/pi4j/libpi4j-gpiod.so")) {
            assertElf(cpu, installed.installed(InstalledAgent.PREFIX + lib));
        }

        try (MosquittoBroker broker = MosquittoBroker.start(MosquittoBroker.Options.plain());
             SimulatedBreathalyser sim = SimulatedBreathalyser.start(Scenario.sober(), dir.resolve("pty"))) {
            ReceiverFixture fixture = new ReceiverFixture(dir, broker.uri(), null);
            fixture.enroll(deviceId);
            try (Receiver receiver = fixture.startHere()) {
                Map<String, String> settings = FaultAgent.settings(dir, deviceId, broker.uri(), TestKeys.receiver().verificationKey());
                // Emulation is slow: the lab settings' short keep-alive and ack timeout would only cause resends.
                settings.put("mqtt.keepalive.s", "60");
                settings.put("mqtt.ack.timeout.s", "60");
                settings.put("mqtt.connect.timeout.s", "30");
                settings.put("tick.ms", "1000");
                settings.put("sensor.port", sim.portPath());
                Path etc = dir.resolve("etc-" + deviceId);
                Path config = etc.resolve("agent.properties");
                StringBuilder props = new StringBuilder();
                new TreeMap<>(settings).forEach((k, v) -> props.append(k).append('=').append(v).append('\n'));
                Files.writeString(config, props);
                Path data = Path.of(settings.get("data.dir"));
                Path log = dir.resolve("agent-" + cpu.debian + ".log");

                List<String> command = installed.command(List.of(qemu.toString(), "-cpu", cpu.core, cpu.java().toString()), config,
                        List.of("-Dorg.slf4j.simpleLogger.showDateTime=false"));
                ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
                pb.environment().putAll(installed.environment());
                Process agent = pb.start();
                try {
                    StatusSnapshot ready = awaitStatus(agent, data, log, s -> s.connected() && s.sensorState().equals("ready"),
                            "connected to the broker with the breathalyser ready");
                    assertEquals(SimulatedBreathalyser.SERIAL, ready.sensorSerial().orElse(""), ready.toString());

                    JsonNode answer = JSON.readTree(ControlServer.ask(data.resolve("control.sock"), "test"));
                    assertFalse(answer.hasNonNull("error"), answer.toString());
                    assertEquals("pass", answer.path("outcome").asText(), answer.toString());
                    long seq = answer.path("seq").asLong();

                    String stored = awaitStored(fixture, deviceId, seq, agent, log);
                    assertTrue(stored.split("\\.").length == 3, "a compact JWS: " + stored);
                    awaitStatus(agent, data, log, s -> s.lastAck().isPresent() && s.inFlight() == 0, "the receiver's ack");
                    String status = technicianStatus(etc, data);
                    assertTrue(status.matches("(?s).*Outbox\\s+0 waiting.*"), "the outbox is empty once acked:\n" + status);
                    assertEquals(0, receiver.stats().quarantined().size(), receiver.stats().toString());

                    // The native code that ran: what the emulated process has mapped, read from the ELF headers.
                    Map<String, Path> mapped = mappedLibraries(agent.pid());
                    for (String lib : List.of("libjvm.so", "libsqlitejdbc.so", "libjSerialComm.so")) {
                        Path file = mapped.get(lib);
                        Assertions.assertNotNull(file, lib + " is not mapped by the agent: " + mapped.keySet());
                        assertElf(cpu, file);
                    }
                    assertTrue(mapped.get("libsqlitejdbc.so").startsWith(installed.installed(InstalledAgent.PREFIX + "/native")),
                            "SQLite from install.sh's folder, as the unit says: " + mapped.get("libsqlitejdbc.so"));
                    System.out.printf("arm: %s (%s): install.sh --arch %s, the unit's command line on %s under %s -cpu %s; reading #%d"
                            + " stored and acked; mapped %s, %s, %s: ELF machine %d%n", cpu.debian, cpu.what, cpu.installArch,
                            cpu.java(), qemu.getFileName(), cpu.core, seq, mapped.get("libjvm.so"), mapped.get("libsqlitejdbc.so"),
                            mapped.get("libjSerialComm.so"), cpu.elfMachine);

                    agent.destroy(); // SIGTERM, as systemd stops it
                    assertTrue(agent.waitFor(2, TimeUnit.MINUTES), "the agent stops on SIGTERM:\n" + Files.readString(log));
                } finally {
                    if (agent.isAlive()) {
                        agent.destroyForcibly();
                        agent.waitFor(30, TimeUnit.SECONDS);
                    }
                }
            }
        }
    }

    /**
     * The emulator for this processor, or the reason there is none: aborted with the command to install it,
     * or, as root (who could have installed it, as CI's {@code .ci/run} does), failed.
     */
    private static Path requireEmulation(Processor cpu) throws Exception {
        String install = "dpkg --add-architecture " + cpu.debian + " && apt-get update && apt-get install qemu-user-static openjdk-17-jre-headless:"
                + cpu.debian + " (as .ci/run does)";
        Optional<Path> qemu = Optional.of(Path.of("/usr/bin", cpu.qemu)).filter(Files::isExecutable);
        String missing = qemu.isEmpty() ? cpu.qemu + " is not installed" : !Files.isExecutable(cpu.java()) ? cpu.java() + " is not installed" : null;
        if (missing == null) {
            Process probe = new ProcessBuilder(qemu.get().toString(), "-cpu", cpu.core, cpu.java().toString(), "-version").redirectErrorStream(true).start();
            String out = new String(probe.getInputStream().readAllBytes());
            if (!probe.waitFor(2, TimeUnit.MINUTES) || probe.exitValue() != 0) {
                missing = "the emulated JVM does not start: " + out.strip();
            }
        }
        if (missing != null) {
            abortOrFail("cannot emulate " + cpu.debian + ": " + missing + "; install: " + install);
        }
        return qemu.get();
    }

    /** Aborts (JUnit assumption) with the reason; as root or in CI, where .ci/run installs what is needed, fails. */
    private static void abortOrFail(String reason) {
        if ("root".equals(System.getProperty("user.name")) || System.getenv("CI") != null) {
            Assertions.fail(reason);
        }
        Assumptions.abort(reason);
    }

    private static StatusSnapshot awaitStatus(Process agent, Path data, Path log, Predicate<StatusSnapshot> until, String what) throws Exception {
        long end = System.nanoTime() + EMULATED.toNanos();
        Optional<StatusSnapshot> last = Optional.empty();
        while (System.nanoTime() < end) {
            try {
                last = StatusFile.read(data.resolve("status.json"));
            } catch (IOException e) {
                last = Optional.empty(); // being replaced
            }
            if (last.isPresent() && last.get().pid() == agent.pid() && until.test(last.get())) {
                return last.get();
            }
            if (!agent.isAlive()) {
                Assertions.fail("the agent exited with " + agent.exitValue() + " before " + what + ":\n" + Files.readString(log));
            }
            Thread.sleep(500);
        }
        return Assertions.fail("no " + what + " within " + EMULATED.toMinutes() + " min; last status " + last + ":\n" + Files.readString(log));
    }

    private static String awaitStored(ReceiverFixture fixture, String deviceId, long seq, Process agent, Path log) throws Exception {
        long end = System.nanoTime() + EMULATED.toNanos();
        while (System.nanoTime() < end) {
            try (Connection db = DriverManager.getConnection(fixture.jdbcUrl);
                 PreparedStatement q = db.prepareStatement("select compact from evidence where device_id = ? and seq = ?")) {
                q.setString(1, deviceId);
                q.setLong(2, seq);
                try (ResultSet r = q.executeQuery()) {
                    if (r.next()) {
                        return r.getString(1);
                    }
                }
            }
            if (!agent.isAlive()) {
                Assertions.fail("the agent exited with " + agent.exitValue() + " before reading #" + seq + " was stored:\n" + Files.readString(log));
            }
            Thread.sleep(500);
        }
        return Assertions.fail("reading #" + seq + " not stored within " + EMULATED.toMinutes() + " min:\n" + Files.readString(log));
    }

    /** {@code breathgate-agent status} as the technician runs it (on this machine's JVM: it only reads files). */
    private static String technicianStatus(Path etc, Path data) throws Exception {
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", JAR.toString(), "status",
                "--config-dir", etc.toString(), "--data-dir", data.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(2, TimeUnit.MINUTES), "status did not finish");
        return out;
    }

    /** The shared libraries the process has mapped, by file name (from /proc/PID/maps, which the kernel keeps for qemu too). */
    private static Map<String, Path> mappedLibraries(long pid) throws IOException {
        Map<String, Path> libs = new LinkedHashMap<>();
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/maps"))) {
            String[] parts = line.strip().split("\\s+", 6);
            if (parts.length == 6 && parts[5].startsWith("/") && parts[5].contains(".so")) {
                Path file = Path.of(parts[5]);
                libs.putIfAbsent(file.getFileName().toString(), file);
            }
        }
        return libs;
    }

    /** The file is an ELF object for this processor: its class (32/64-bit) and machine, and for armhf the hard-float ABI. */
    private static void assertElf(Processor cpu, Path file) throws IOException {
        byte[] h = new byte[40];
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            f.readFully(h);
        }
        assertTrue(h[0] == 0x7f && h[1] == 'E' && h[2] == 'L' && h[3] == 'F', file + " is not an ELF file");
        int machine = (h[18] & 0xff) | (h[19] & 0xff) << 8;
        assertEquals(cpu.elfMachine, machine, file + ": ELF machine");
        assertEquals(cpu.elfClass, h[4], file + ": ELF class (1: 32-bit, 2: 64-bit)");
        if (cpu == Processor.ARMHF) {
            int flags = (h[36] & 0xff) | (h[37] & 0xff) << 8 | (h[38] & 0xff) << 16 | (h[39] & 0xff) << 24;
            assertTrue((flags & 0x400) != 0, file + ": not built for the hard-float ABI (EF_ARM_ABI_FLOAT_HARD), flags 0x"
                    + Integer.toHexString(flags));
        }
    }
}
