package org.breathgate.systemtests.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Both Debian packages installed for real on this machine with {@code dpkg -i}, as an operator would (as root, as CI
 * runs; without root the test is aborted with the reason): the commands answer from the {@code PATH}, the files and
 * folders have the owners and modes docs/operations.md states, the units pass {@code systemd-analyze verify} (or, where
 * it is missing, carry their keys), an upgrade over the previous package keeps a changed configuration and the data,
 * and purge removes the configuration and what the maintainer scripts made while keeping the evidence.
 *
 * <p>The "previous package" is the built one with a lower version ({@code VERSION~prev}), repacked with
 * {@code dpkg-deb}. The machine is left as found: both packages purged, the kept data folders and the two service users
 * removed (when this test made them).
 */
@Timeout(600)
class DebianPackagesIT {

    private static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();
    private static final String BUILD = Path.of(System.getProperty("bg.build.directory", "target")).getFileName().toString();
    private static final String RECEIVER_CONFIG = "/etc/breathgate-receiver/receiver.properties";

    @TempDir
    Path dir;

    @Test
    void both_packages_install_upgrade_keeping_config_and_data_and_purge() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")),
                "installing Debian packages needs root (CI runs as root): run as root to test dpkg -i, upgrade and purge");
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/dpkg")), "not a Debian system: no /usr/bin/dpkg");
        Path receiverDeb = deb(ROOT.resolve("cloud-receiver/debian").resolve(BUILD), "breathgate-receiver");
        Path agentDeb = deb(ROOT.resolve("device-agent").resolve(BUILD), "breathgate-agent");
        // One dpkg test on this machine at a time (parallel builds of several checkouts).
        try (FileChannel lockFile = FileChannel.open(Path.of("/tmp/breathgate-debian-packages-it.lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE); FileLock lock = lockFile.lock()) {
            boolean usersExisted = run("getent", "passwd", "breathgate-receiver").exit == 0 || run("getent", "passwd", "breathgate").exit == 0;
            assumeTrue(!installed("breathgate-receiver") && !installed("breathgate-agent") && !usersExisted,
                    "breathgate-receiver or breathgate-agent is already installed here (or their users exist): this test installs and purges them, so it runs only on a machine without them");
            try {
                installUpgradeAndPurge(receiverDeb, agentDeb);
            } finally {
                run("dpkg", "--purge", "breathgate-receiver", "breathgate-agent");
                run("rm", "-rf", "/var/lib/breathgate-receiver", "/var/lib/breathgate");
                run("userdel", "breathgate-receiver");
                run("userdel", "breathgate");
                run("groupdel", "breathgate-receiver");
                run("groupdel", "breathgate");
            }
        }
    }

    private void installUpgradeAndPurge(Path receiverDeb, Path agentDeb) throws Exception {
        Path previousReceiver = withVersion(receiverDeb, "~prev");
        Path previousAgent = withVersion(agentDeb, "~prev");

        // Install the previous packages.
        ok(dpkg("-i", previousReceiver.toString(), previousAgent.toString()));
        String receiverHelp = ok(run("breathgate-receiver", "--help"));
        assertTrue(receiverHelp.contains("Usage: breathgate-receiver"), receiverHelp);
        String agentHelp = ok(run("breathgate-agent", "--help"));
        assertTrue(agentHelp.contains("Usage: breathgate-agent"), agentHelp);
        checkFilesAndModes();
        checkUnits();

        // Data and a changed configuration, as a running installation has them.
        Path keys = Files.createTempDirectory(Path.of("/tmp"), "breathgate-deb-it");
        try {
            Files.setPosixFilePermissions(keys, PosixFilePermissions.fromString("rwxr-xr-x"));
            ok(run("openssl", "genpkey", "-algorithm", "ed25519", "-out", keys.resolve("device.pem").toString()));
            ok(run("openssl", "pkey", "-in", keys.resolve("device.pem").toString(), "-pubout", "-out", keys.resolve("device.pub.pem").toString()));
            Files.setPosixFilePermissions(keys.resolve("device.pub.pem"), PosixFilePermissions.fromString("rw-r--r--"));
            String enrolled = ok(run("breathgate-receiver", "enroll", "home-0001:1", keys.resolve("device.pub.pem").toString()));
            assertTrue(enrolled.contains("enrolled home-0001:1"), enrolled);
        } finally {
            run("rm", "-rf", keys.toString());
        }
        Path database = Path.of("/var/lib/breathgate-receiver/breathgate.db");
        assertOwnedModes(database, "breathgate-receiver", "breathgate-receiver", "rw-------");
        String changed = Files.readString(Path.of(RECEIVER_CONFIG)) + "\n# changed by the operator\ncare.zone=Europe/Helsinki\n";
        Files.writeString(Path.of(RECEIVER_CONFIG), changed);
        Files.writeString(Path.of("/etc/breathgate/agent.properties"), "# written by breathgate-agent setup\n");
        Files.writeString(Path.of("/var/lib/breathgate/outbox.db"), "readings not yet delivered");

        // Upgrade to the built packages: the changed configuration and the data stay.
        String upgrade = ok(dpkg("-i", receiverDeb.toString(), agentDeb.toString()));
        assertFalse(upgrade.contains("Configuration file '" + RECEIVER_CONFIG + "'"), "dpkg asked about the unchanged conffile:\n" + upgrade);
        assertEquals(changed, Files.readString(Path.of(RECEIVER_CONFIG)), "the operator's configuration is kept");
        assertEquals("# written by breathgate-agent setup\n", Files.readString(Path.of("/etc/breathgate/agent.properties")));
        assertEquals("readings not yet delivered", Files.readString(Path.of("/var/lib/breathgate/outbox.db")));
        assertTrue(ok(run("dpkg-query", "-W", "-f=${Version}", "breathgate-receiver")).strip().endsWith(version(receiverDeb)));
        checkFilesAndModes();
        quietPlainAndJsonLogs();
        String revoked = ok(run("breathgate-receiver", "revoke", "home-0001"));
        assertTrue(revoked.contains("revoked home-0001"), "the device enrolled before the upgrade is still in the database: " + revoked);

        // Purge: configuration, commands, units and what the scripts made go; the evidence stays.
        ok(dpkg("--purge", "breathgate-receiver", "breathgate-agent"));
        for (String gone : List.of("/usr/bin/breathgate-receiver", "/usr/share/breathgate-receiver", "/lib/systemd/system/breathgate-receiver.service",
                "/etc/breathgate-receiver", "/etc/default/breathgate-receiver", "/usr/bin/breathgate-agent", "/opt/breathgate", "/etc/breathgate",
                "/etc/systemd/system/breathgate-agent.service", "/usr/share/bash-completion/completions/breathgate-agent",
                "/etc/udev/rules.d/60-breathgate-led.rules")) {
            assertFalse(Files.exists(Path.of(gone)), gone + " is removed on purge");
        }
        assertTrue(Files.exists(database), "the receiver's evidence is kept on purge");
        assertTrue(Files.exists(Path.of("/var/lib/breathgate/outbox.db")), "the agent's outbox is kept on purge");
    }

    /**
     * The installed receiver started as the unit starts it (the launcher, as root, runs it as its user): its log is one line per
     * meaningful event of its own, no third-party INFO (the embedded broker's storage, Flyway, Jetty); with
     * {@code BREATHGATE_RECEIVER_LOG_FORMAT=json} in /etc/default/breathgate-receiver every line is a JSON object.
     */
    private void quietPlainAndJsonLogs() throws Exception {
        Path config = Path.of("/etc/breathgate-receiver/logs-it.properties");
        Path defaults = Path.of("/etc/default/breathgate-receiver");
        String defaultsAsShipped = Files.readString(defaults);
        try {
            Files.writeString(config, "data.dir=/var/lib/breathgate-receiver\nweb.port=" + freePort() + "\ndevice-api.port=" + freePort()
                    + "\nbroker.embedded.port=" + freePort() + "\nhealth.port=" + freePort() + "\n");
            ok(run("chown", "breathgate-receiver:breathgate-receiver", config.toString()));

            List<String> plain = startAndStop(config);
            assertTrue(plain.stream().anyMatch(l -> l.startsWith("INFO  Receiver: receiver ") && l.contains(" started: ")), String.join("\n", plain));
            for (String line : plain) {
                assertTrue(line.matches("(INFO |WARN |ERROR) [A-Za-z0-9$]+: .*") || line.startsWith("\t") || line.startsWith("Caused by"),
                        "one plain line per event: " + line);
                assertFalse(line.matches("(?i).*(exodus|hivemq|flyway|jetty|xodus).*") && line.startsWith("INFO"), "third-party INFO: " + line);
            }
            assertTrue(plain.size() < 25, "a quiet start: " + plain.size() + " lines\n" + String.join("\n", plain));

            Files.writeString(defaults, defaultsAsShipped + "BREATHGATE_RECEIVER_LOG_FORMAT=json\n");
            List<String> json = startAndStop(config);
            ObjectMapper mapper = new ObjectMapper();
            boolean started = false;
            for (String line : json) {
                JsonNode event = mapper.readTree(line);
                assertTrue(event.hasNonNull("timestamp") && event.hasNonNull("level") && event.hasNonNull("loggerName"), line);
                if ("INFO".equals(event.get("level").asText())) {
                    assertTrue(event.get("loggerName").asText().startsWith("org.breathgate."), "third-party INFO: " + line);
                }
                started |= event.path("formattedMessage").asText().matches("receiver .+ started: .*");
            }
            assertTrue(started, "the JSON log says the receiver started, its arguments filled in:\n" + String.join("\n", json));
        } finally {
            Files.writeString(defaults, defaultsAsShipped);
            Files.deleteIfExists(config);
        }
    }

    /**
     * The receiver's log lines (stderr) from its start until it is stopped with SIGTERM once it has said it runs (the summary
     * for a person, on stdout); it must stop cleanly: its shutdown says so, and the JVM exits 143 after a SIGTERM (the unit
     * counts that as success).
     */
    private List<String> startAndStop(Path config) throws Exception {
        Path out = dir.resolve("receiver.out");
        Path err = dir.resolve("receiver.err");
        ProcessBuilder pb = new ProcessBuilder("breathgate-receiver", "--config", config.toString())
                .redirectOutput(out.toFile()).redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.environment().remove("BREATHGATE_RECEIVER_LOG_FORMAT");
        pb.environment().remove("BREATHGATE_RECEIVER_JAVA_OPTS");
        pb.environment().put("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
        Process p = pb.start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(240);
            while (!Files.readString(out).contains("breathgate-receiver running")) {
                assertTrue(p.isAlive(), "the receiver stopped (" + (p.isAlive() ? "" : p.exitValue()) + "):\n" + Files.readString(out) + Files.readString(err));
                assertTrue(System.nanoTime() < deadline, "the receiver did not start in 240 s:\n" + Files.readString(out) + Files.readString(err));
                Thread.sleep(200);
            }
        } finally {
            // SIGTERM to the receiver itself, as systemd sends it (runuser, which the launcher runs as root, would kill it
            // after two seconds instead of letting it stop cleanly).
            p.descendants().forEach(ProcessHandle::destroy);
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor();
            }
        }
        String log = Files.readString(err);
        assertTrue(p.exitValue() == 143 || p.exitValue() == 0, "exit " + p.exitValue() + " after SIGTERM:\n" + log);
        assertTrue(log.contains("receiver stopped: stored="), "the receiver stops cleanly on SIGTERM:\n" + log);
        return Files.readAllLines(err).stream().filter(l -> !l.isBlank()).toList();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static void checkFilesAndModes() throws IOException {
        assertOwnedModes(Path.of("/usr/bin/breathgate-receiver"), "root", "root", "rwxr-xr-x");
        assertOwnedModes(Path.of("/etc/breathgate-receiver"), "breathgate-receiver", "breathgate-receiver", "rwxr-x---");
        assertOwnedModes(Path.of(RECEIVER_CONFIG), "breathgate-receiver", "breathgate-receiver", "rw-r-----");
        assertOwnedModes(Path.of("/var/lib/breathgate-receiver"), "breathgate-receiver", "breathgate-receiver", "rwx------");
        assertOwnedModes(Path.of("/etc/default/breathgate-receiver"), "root", "root", "rw-r--r--");
        assertTrue(Files.isRegularFile(Path.of("/usr/share/breathgate-receiver/logback-plain.xml")));
        assertTrue(Files.isRegularFile(Path.of("/usr/share/breathgate-receiver/logback-json.xml")));
        assertTrue(Files.isRegularFile(Path.of("/usr/share/doc/breathgate-receiver/THIRD-PARTY.txt")));
        assertTrue(Files.readString(Path.of("/usr/share/doc/breathgate-receiver/LICENSE")).contains("EUROPEAN UNION PUBLIC LICENCE v. 1.2"));
        try (Stream<Path> lib = Files.list(Path.of("/usr/share/breathgate-receiver/lib"))) {
            assertTrue(lib.anyMatch(j -> j.getFileName().toString().startsWith("receiver-app-")), "the receiver's jar is in its lib folder");
        }

        assertOwnedModes(Path.of("/usr/bin/breathgate-agent"), "root", "root", "rwxr-xr-x");
        assertOwnedModes(Path.of("/etc/breathgate"), "root", "breathgate", "rwxr-x---");
        assertOwnedModes(Path.of("/var/lib/breathgate"), "breathgate", "breathgate", "rwx------");
        assertOwnedModes(Path.of("/var/lib/breathgate/tmp"), "breathgate", "breathgate", "rwx------");
        assertTrue(Files.size(Path.of("/opt/breathgate/agent.jsa")) > 1_000_000, "postinst made the class-data-sharing archive with this JVM");
        assertTrue(Files.size(Path.of("/opt/breathgate/native/sqlite/libsqlitejdbc.so")) > 100_000, "postinst unpacked SQLite for this processor");
        assertTrue(Files.size(Path.of("/opt/breathgate/native/jserialcomm/libjSerialComm.so")) > 10_000);
        assertOwnedModes(Path.of("/etc/udev/rules.d/60-breathgate-led.rules"), "root", "root", "rw-r--r--");
    }

    private static void checkUnits() throws IOException {
        Path receiverUnit = Path.of("/lib/systemd/system/breathgate-receiver.service");
        Path agentUnit = Path.of("/etc/systemd/system/breathgate-agent.service");
        String receiver = Files.readString(receiverUnit);
        for (String key : List.of("User=breathgate-receiver", "UMask=0077", "ProtectSystem=strict", "ReadWritePaths=/var/lib/breathgate-receiver",
                "Restart=on-failure", "NoNewPrivileges=true", "PrivateTmp=true", "StateDirectoryMode=0700",
                "ExecStart=/usr/bin/breathgate-receiver --config " + RECEIVER_CONFIG)) {
            assertTrue(receiver.contains(key + "\n"), "the receiver's unit has " + key + ":\n" + receiver);
        }
        String agent = Files.readString(agentUnit);
        for (String key : List.of("User=breathgate", "UMask=0077", "ProtectSystem=strict", "Restart=on-failure",
                "-XX:SharedArchiveFile=/opt/breathgate/agent.jsa", "-jar /opt/breathgate/breathgate-agent.jar run --config /etc/breathgate/agent.properties")) {
            assertTrue(agent.contains(key), "the agent's unit has " + key + ":\n" + agent);
        }
        assertFalse(agent.contains("@PREFIX@"), agent);
        if (Files.isExecutable(Path.of("/usr/bin/systemd-analyze"))) {
            Result verify = run("systemd-analyze", "verify", receiverUnit.toString(), agentUnit.toString());
            assertEquals(0, verify.exit, "systemd-analyze verify:\n" + verify.output);
            assertFalse(verify.output.contains(receiverUnit.getFileName().toString()) || verify.output.contains(agentUnit.getFileName().toString()),
                    "systemd-analyze verify has nothing to say about the units:\n" + verify.output);
        }
    }

    /** The built package with {@code suffix} added to its version: repacked with dpkg-deb. */
    private Path withVersion(Path deb, String suffix) throws IOException {
        Path tree = dir.resolve(deb.getFileName() + ".tree");
        ok(run("dpkg-deb", "-R", deb.toString(), tree.toString()));
        Path control = tree.resolve("DEBIAN/control");
        String version = version(deb);
        Files.writeString(control, Files.readString(control).replace("Version: " + version + "\n", "Version: " + version + suffix + "\n"));
        Path out = dir.resolve(deb.getFileName().toString().replace("_" + version + "_", "_" + version + suffix + "_"));
        ok(run("dpkg-deb", "--root-owner-group", "-Zgzip", "-z1", "-b", tree.toString(), out.toString())); // fast: the default xz takes minutes
        return out;
    }

    private static String version(Path deb) {
        String name = deb.getFileName().toString();
        return name.substring(name.indexOf('_') + 1, name.lastIndexOf('_'));
    }

    private static Path deb(Path folder, String packageName) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(f -> f.getFileName().toString().matches(packageName + "_.+_all\\.deb")).findFirst()
                    .orElseThrow(() -> new AssertionError("no " + packageName + "_VERSION_all.deb in " + folder + ": it is built in the package phase"));
        }
    }

    private static boolean installed(String packageName) {
        Result r = run("dpkg-query", "-W", "-f=${Status}", packageName);
        return r.exit == 0 && r.output.contains("installed") && !r.output.contains("not-installed");
    }

    private static void assertOwnedModes(Path path, String owner, String group, String mode) throws IOException {
        PosixFileAttributes a = Files.readAttributes(path, PosixFileAttributes.class);
        assertEquals(owner + ":" + group + " " + mode, a.owner().getName() + ":" + a.group().getName() + " "
                + PosixFilePermissions.toString(a.permissions()), path.toString());
    }

    /** dpkg, waiting for its lock if apt runs (CI installs packages before the tests, but another build may). */
    private static Result dpkg(String... args) throws InterruptedException {
        Result r = null;
        for (int attempt = 0; attempt < 30; attempt++) {
            List<String> command = new ArrayList<>(List.of("dpkg"));
            command.addAll(List.of(args));
            r = run(command.toArray(String[]::new));
            if (r.exit == 0 || !r.output.contains("lock")) {
                return r;
            }
            Thread.sleep(2_000);
        }
        return r;
    }

    private record Result(int exit, String output, String command) {
    }

    private static String ok(Result r) {
        assertEquals(0, r.exit, r.command + ":\n" + r.output);
        return r.output;
    }

    private static Result run(String... command) {
        try {
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            pb.environment().put("DEBIAN_FRONTEND", "noninteractive");
            pb.environment().put("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(300, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError(String.join(" ", command) + " did not finish in 300 s:\n" + out);
            }
            return new Result(p.exitValue(), out, String.join(" ", command));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
