package org.breathgate.agent.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.breathgate.agent.clock.SyncProbe;
import org.breathgate.agent.clock.TimedatectlSyncProbe;
import org.breathgate.agent.config.AgentConfig;
import org.breathgate.agent.config.AgentConfigLoader;
import org.breathgate.agent.config.ConfigException;
import org.breathgate.agent.enroll.EnrollmentException;
import org.breathgate.agent.enroll.PinnedTls;
import org.breathgate.agent.enroll.ReceiverClient;
import org.breathgate.agent.evidence.DeviceKeyFile;
import org.breathgate.agent.evidence.KeyFileException;
import org.breathgate.agent.outbox.OutboxInspection;
import org.breathgate.agent.publish.BrokerProbe;
import org.breathgate.agent.status.StatusSnapshot;
import org.breathgate.protocol.KeyId;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code doctor}: checks what commonly goes wrong, one line each (PASS, WARN, FAIL), every WARN and
 * FAIL with what to do. Exit code 1 if anything failed.
 */
@Command(name = "doctor", mixinStandardHelpOptions = true,
        description = {"Check what commonly goes wrong and say how to fix each: configuration, key, serial port,",
            "clock, broker, certificates, receiver, disk, outbox, calibration. Exit code 1 if any check FAILs."})
final class DoctorCommand implements Callable<Integer> {

    private static final long DAY_MS = 86_400_000L;

    @ParentCommand
    AgentCli parent;

    @Mixin
    DevicePaths paths;

    @Option(names = "--service-user", paramLabel = "USER", defaultValue = "breathgate", description = "The agent's user (default: ${DEFAULT-VALUE}).")
    String serviceUser;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "10", description = "Network timeout per check (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    /** Tests replace the clock check (there is no timedatectl in a container). */
    SyncProbe syncProbe = new TimedatectlSyncProbe(Duration.ZERO);

    private Terminal t;
    private int failures;

    @Override
    public Integer call() {
        t = parent.terminal();
        Instant now = Clock.systemUTC().instant();
        AgentConfig c;
        if (!Files.exists(paths.configFile())) {
            fail("Configuration", paths.configFile() + " does not exist", "run: sudo breathgate-agent setup");
            return Exit.CHECK_FAILED;
        }
        try {
            c = AgentConfigLoader.load(paths.configFile(), List.of());
            pass("Configuration", paths.configFile() + " is valid (device " + c.deviceId() + ")");
        } catch (ConfigException e) {
            fail("Configuration", e.getMessage().replace('\n', ' '), "fix the keys named (docs/agent.md lists them), or run setup again");
            return Exit.CHECK_FAILED;
        }
        checkUser();
        checkKey(c);
        Optional<StatusSnapshot> status = StatusCommand.readStatus(c);
        boolean running = status.map(StatusSnapshot::alive).orElse(false);
        if (running) {
            pass("Agent", "running (pid " + status.get().pid() + ")");
        } else {
            warn("Agent", "not running", "sudo systemctl start breathgate-agent; if it stops again: journalctl -u breathgate-agent -n 50");
        }
        checkPort(c, running);
        if (syncProbe.synced()) {
            pass("Clock", "synchronised");
        } else {
            fail("Clock", "not synchronised: readings are marked as taken with an unsynchronised clock",
                    "give the device a network connection; check 'timedatectl' shows NTP active (sudo timedatectl set-ntp true)");
        }
        BrokerProbe.Result broker = BrokerProbe.check(c.mqtt(), Duration.ofSeconds(timeoutSeconds));
        if (broker.problem().isPresent()) {
            fail("Broker", broker.problem().get(), "check the network (a SIM with data? Wi-Fi?), then 'breathgate-agent doctor' again;"
                    + " if the broker moved, run setup again");
        } else {
            pass("Broker", "reachable at " + c.mqtt().brokerUri() + (c.mqtt().tls() ? " (TLS verified)" : " (NOT encrypted)"));
            if (running && status.get().connected()) {
                pass("Broker", "the agent is connected");
            }
        }
        broker.serverCertificateExpires().ifPresent(exp -> expiry("Broker cert", "the broker's certificate", exp, now,
                "tell the receiver's admin: the broker certificate must be renewed"));
        c.mqtt().caFile().ifPresent(ca -> caExpiry(ca, now));
        checkReceiver(c);
        checkDisk(c);
        checkOutbox(c);
        status.flatMap(StatusSnapshot::calibrationDue).ifPresent(d -> {
            long days = ChronoUnit.DAYS.between(LocalDate.ofInstant(now, ZoneOffset.UTC), d);
            if (days < 0) {
                fail("Calibration", "overdue since " + d, "recalibrate the breathalyser or swap it for a calibrated one");
            } else if (days < 30) {
                warn("Calibration", "due " + d + " (in " + days + " days)", "plan a recalibration or a swap");
            } else {
                pass("Calibration", "due " + d);
            }
        });
        t.say(failures == 0 ? "No problems found." : failures + " problem(s) found: fix the FAIL lines above, then run doctor again.");
        return failures == 0 ? Exit.OK : Exit.CHECK_FAILED;
    }

    private void checkUser() {
        try {
            FileSystems.getDefault().getUserPrincipalLookupService().lookupPrincipalByName(serviceUser);
            pass("Service user", serviceUser + " exists");
        } catch (UserPrincipalNotFoundException e) {
            warn("Service user", "there is no user '" + serviceUser + "'", "install the breathgate-agent package (docs/install.md), which creates it");
        } catch (IOException e) {
            warn("Service user", "cannot look up '" + serviceUser + "': " + e.getMessage(), "check /etc/passwd");
        }
    }

    private void checkKey(AgentConfig c) {
        try {
            DeviceKeyFile.load(c.keyFile(), new KeyId(c.deviceId(), c.keyVersion()));
            String owner = Files.getOwner(c.keyFile()).getName();
            if (!owner.equals(serviceUser) && !owner.equals("root")) {
                warn("Device key", c.keyFile() + " is owned by " + owner, "sudo chown " + serviceUser + ": " + c.keyFile());
            } else if (owner.equals("root")) {
                warn("Device key", c.keyFile() + " is owned by root; the agent runs as " + serviceUser,
                        "sudo chown " + serviceUser + ": " + c.keyFile());
            } else if (DeviceKeyFile.holdsTpmKey(c.keyFile())) {
                pass("Device key", "held in the TPM and answering; " + c.keyFile() + " (0600, " + owner + ") names it");
            } else {
                pass("Device key", c.keyFile() + " (0600, " + owner + ")");
            }
            if ((c.keyStore() == AgentConfig.KeyStore.TPM) != DeviceKeyFile.holdsTpmKey(c.keyFile())) {
                warn("Device key", "key.store is " + c.keyStore().name().toLowerCase(java.util.Locale.ROOT) + " but " + c.keyFile()
                        + (DeviceKeyFile.holdsTpmKey(c.keyFile()) ? " names a key in the TPM" : " is a file key"),
                        "set key.store in agent.properties to match, or run setup again");
            }
        } catch (KeyFileException | IOException e) {
            fail("Device key", e.getMessage(), "run setup again (a new key needs a new enrollment), or fix the file's owner and mode");
        }
    }

    private void checkPort(AgentConfig c, boolean running) {
        String port = SensorCheck.port(c.breathalyser());
        if (port == null) {
            pass("Sensor", "GPIO interlock on " + SensorCheck.where(c.breathalyser()) + " (checked when the agent opens it)");
            return;
        }
        Path p = Path.of(port);
        if (!Files.exists(p)) {
            fail("Serial port", port + " does not exist", "plug the breathalyser in; list ports with 'ls -l /dev/serial/by-id/'"
                    + " and run setup again if the name changed");
            return;
        }
        try {
            String group = Files.readAttributes(p.toRealPath(), java.nio.file.attribute.PosixFileAttributes.class).group().getName();
            String mode = java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(p.toRealPath()));
            if (!mode.substring(3, 5).equals("rw")) {
                warn("Serial port", port + " is " + mode + " (group " + group + "): the agent's group may not open it",
                        "check the udev rules; the agent runs in the dialout group");
            }
        } catch (IOException | UnsupportedOperationException e) {
            warn("Serial port", "cannot read the permissions of " + port + ": " + e.getMessage(), "ls -l " + port);
        }
        if (!running) {
            List<String> holders = SensorCheck.holders(p);
            if (!holders.isEmpty()) {
                fail("Serial port", port + " is busy: " + String.join(", ", holders) + " has it open",
                        "stop that program (a terminal like minicom or screen?) so the agent can open the port");
                return;
            }
        }
        pass("Serial port", port + " is there" + (running ? " (in use by the agent)" : ""));
    }

    private void caExpiry(Path ca, Instant now) {
        try (InputStream in = Files.newInputStream(ca)) {
            for (java.security.cert.Certificate cert : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                if (cert instanceof X509Certificate x) {
                    expiry("Broker CA", ca.toString(), x.getNotAfter().toInstant(), now,
                            "ask the receiver's admin for the new CA; run setup again with a new code to install it");
                }
            }
        } catch (IOException | CertificateException e) {
            fail("Broker CA", ca + " cannot be read: " + e.getMessage(), "run setup again to fetch it");
        }
    }

    private void expiry(String label, String what, Instant notAfter, Instant now, String fix) {
        long days = (notAfter.toEpochMilli() - now.toEpochMilli()) / DAY_MS;
        if (notAfter.isBefore(now)) {
            fail(label, what + " expired on " + notAfter, fix);
        } else if (days < 30) {
            warn(label, what + " expires in " + days + " days (" + notAfter + ")", fix);
        } else {
            pass(label, what + " valid until " + LocalDate.ofInstant(notAfter, ZoneOffset.UTC));
        }
    }

    private void checkReceiver(AgentConfig c) {
        if (c.enrollment().isEmpty()) {
            return;
        }
        AgentConfig.Enrollment e = c.enrollment().get();
        try {
            new ReceiverClient(e.receiverUrl(), e.tlsFingerprint().map(PinnedTls::of), Duration.ofSeconds(timeoutSeconds)).probe();
            pass("Receiver", e.receiverUrl() + " answers" + (e.tlsFingerprint().isPresent() ? " with the pinned certificate" : ""));
        } catch (EnrollmentException ex) {
            if (ex.code().equals("certificate_mismatch")) {
                fail("Receiver", ex.getMessage(), "ask the receiver's admin whether its certificate changed");
            } else {
                warn("Receiver", ex.getMessage(), "needed only for rotate-key and deprovision; readings go through the broker");
            }
        }
    }

    private void checkDisk(AgentConfig c) {
        try {
            Path dir = Files.exists(c.dataDir()) ? c.dataDir() : c.dataDir().getParent();
            long free = Files.getFileStore(dir).getUsableSpace();
            if (free < 50L * 1024 * 1024) {
                fail("Disk", "only " + Show.bytes(free) + " free for " + c.dataDir(), "free space: sudo apt-get clean; sudo journalctl --vacuum-size=50M");
            } else if (free < 200L * 1024 * 1024) {
                warn("Disk", Show.bytes(free) + " free for " + c.dataDir(), "free some space soon: sudo apt-get clean; sudo journalctl --vacuum-size=50M");
            } else {
                pass("Disk", Show.bytes(free) + " free");
            }
        } catch (IOException e) {
            fail("Disk", "cannot check " + c.dataDir() + ": " + e.getMessage(), "check the SD card is mounted read-write (mount | grep ' / ')");
        }
    }

    private void checkOutbox(AgentConfig c) {
        Optional<OutboxInspection> box;
        try {
            box = OutboxInspection.read(c.outboxFile());
        } catch (RuntimeException e) {
            fail("Outbox", e.getMessage(), "check the disk; do not delete the outbox: it holds unsent evidence");
            return;
        }
        if (box.isEmpty()) {
            pass("Outbox", "not created yet (the agent makes it on first start)");
            return;
        }
        OutboxInspection b = box.get();
        if (!b.deviceId().isEmpty() && !b.deviceId().equals(c.deviceId())) {
            fail("Outbox", c.outboxFile() + " belongs to " + b.deviceId() + ", not " + c.deviceId(), "run setup again (it moves old outboxes aside)");
        } else if (b.bytes() > c.outboxBudgetBytes() * 8 / 10) {
            warn("Outbox", b.depth() + " events waiting, over 80 % of the budget", "connect the device to the network so they can be sent");
        } else if (b.deadLetters() > 0) {
            warn("Outbox", b.deadLetters() + " event(s) quarantined by the receiver", "tell the receiver's admin; they are kept on the device");
        } else {
            pass("Outbox", b.depth() + " event(s) waiting");
        }
    }

    private void pass(String what, String detail) {
        t.say(String.format("PASS  %-13s %s", what, detail));
    }

    private void warn(String what, String detail, String fix) {
        t.say(String.format("WARN  %-13s %s", what, detail));
        t.say(String.format("      %-13s fix: %s", "", fix));
    }

    private void fail(String what, String detail, String fix) {
        failures++;
        t.say(String.format("FAIL  %-13s %s", what, detail));
        t.say(String.format("      %-13s fix: %s", "", fix));
    }
}
