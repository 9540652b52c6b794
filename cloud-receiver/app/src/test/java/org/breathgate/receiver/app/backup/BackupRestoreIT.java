package org.breathgate.receiver.app.backup;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import org.breathgate.care.access.Actor;
import org.breathgate.care.access.Organisation;
import org.breathgate.care.access.OrganisationKind;
import org.breathgate.receiver.app.FakeDevice;
import org.breathgate.receiver.app.Receiver;
import org.breathgate.receiver.app.ReceiverMain;
import org.breathgate.receiver.app.config.ReceiverConfig;
import org.breathgate.receiver.care.people.Organisations;
import org.breathgate.receiver.evidence.db.TestDatabases;
import org.breathgate.testkit.Ports;
import org.breathgate.testkit.SampleMessages;
import org.breathgate.testkit.TestKeys;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import picocli.CommandLine;

/**
 * A backup taken while the receiver works (readings arriving and stored, audit entries appended, the audit log anchored)
 * restores, into a new data folder and database, to the same evidence count as the backup's database copy, with an audit
 * chain that {@code audit-verify} finds intact against the restored anchors; the keys come back byte for byte; the backup
 * is 0700 with 0600 files.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BackupRestoreIT {

    private static final String DEVICE = "home-0001";
    private final TestDatabases databases = new TestDatabases();

    @AfterAll
    void close() {
        databases.close();
    }

    private record Run(int exit, String out, String err) {
    }

    private static Run cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(new ReceiverMain());
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int exit = cl.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void a_backup_taken_under_load_restores_to_the_same_evidence_and_a_verified_audit_chain() throws Exception {
        Path data = databases.newFolder();
        Map<String, String> settings = new HashMap<>();
        settings.put(ReceiverConfig.DATA_DIR, data.toString());
        settings.put(ReceiverConfig.EMBEDDED_PORT, Integer.toString(Ports.free()));
        settings.put(ReceiverConfig.MQTT_CLIENT_ID, "backup-it");
        settings.put(ReceiverConfig.WEB_ENABLED, "false");
        Path backup = databases.newFolder().resolve("backup-1");
        Backups.Manifest manifest;
        long storedInTheEnd;
        try (Receiver receiver = Receiver.start(ReceiverConfig.from(settings), Clock.systemUTC(), List.of())) {
            receiver.awaitReady(java.time.Duration.ofSeconds(30));
            receiver.registry().enroll(TestKeys.device(DEVICE).verificationKey());
            new Organisations(receiver.database()).add(new Organisation("sa-1", "Substance-abuse service", OrganisationKind.SUBSTANCE_ABUSE_SERVICE));
            SampleMessages home = SampleMessages.of(DEVICE);
            AtomicBoolean loading = new AtomicBoolean(true);
            AtomicLong sent = new AtomicLong();
            AtomicReference<Throwable> failed = new AtomicReference<>();
            Thread load = new Thread(() -> {
                Actor worker = Actor.substanceAbuseWorker("worker-1", "sa-1");
                try (FakeDevice device = FakeDevice.loggedIn(receiver, TestKeys.device(DEVICE))) {
                    for (long seq = 1; loading.get(); seq++) {
                        device.send(home.soberReading(seq));
                        sent.set(seq);
                        if (seq % 10 == 0) {
                            receiver.care().people().openCase(worker, "client-" + seq, "Parent " + seq); // an audit entry
                        }
                        if (seq % 25 == 0) {
                            receiver.gate().log().anchor(Instant.now());
                        }
                    }
                } catch (Throwable e) {
                    failed.set(e);
                }
            }, "backup-it-load");
            load.start();
            while (sent.get() < 150 && failed.get() == null) {
                Thread.sleep(50);
            }
            Run made = cli("--data-dir", data.toString(), "backup", "--to", backup.toString());
            assertEquals(0, made.exit(), made.err());
            long sentAtBackup = sent.get();
            while (sent.get() < sentAtBackup + 100 && failed.get() == null) {
                Thread.sleep(50);
            }
            loading.set(false);
            load.join(30_000);
            if (failed.get() != null) {
                throw new AssertionError("the load failed", failed.get());
            }
            manifest = Backups.Manifest.read(backup.resolve(Backups.MANIFEST));
            Thread.sleep(1_000); // the last readings stored
            storedInTheEnd = receiver.store().count();
            System.out.printf("backup under load: %d evidence events and %d audit entries in the backup; %d stored by the end%n",
                    manifest.evidence(), manifest.auditEntries(), storedInTheEnd);
        }
        assertTrue(manifest.evidence() >= 100, "the backup holds what was stored before it: " + manifest);
        assertTrue(manifest.auditEntries() >= 10, "and the audit entries: " + manifest);
        assertTrue(storedInTheEnd > manifest.evidence(), "the receiver went on storing while and after the backup was taken");
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(backup)));
        try (Stream<Path> files = Files.walk(backup)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)), f.toString());
            }
        }
        assertTrue(Files.exists(backup.resolve("data/audit-anchors.txt")), "the anchors are in the backup");
        assertTrue(Files.notExists(backup.resolve("data/broker")), "the embedded broker's files are not");

        // Restored into a new data folder and database: the same evidence, an intact audit chain against the anchors.
        Path restored = databases.newFolder();
        Run restore = cli("--data-dir", restored.toString(), "restore", "--from", backup.toString());
        assertEquals(0, restore.exit(), restore.out() + restore.err());
        assertTrue(restore.out().contains("evidence: " + manifest.evidence() + " events, as in the backup"), restore.out());
        assertTrue(restore.out().contains("audit: OK"), restore.out());
        assertArrayEquals(Files.readAllBytes(data.resolve("receiver-key.pem")), Files.readAllBytes(restored.resolve("receiver-key.pem")));
        Run verify = cli("--data-dir", restored.toString(), "audit-verify");
        assertEquals(0, verify.exit(), verify.out() + verify.err());

        // A second restore over it is refused without --force, and the audit check fails on a tampered anchor file.
        Run again = cli("--data-dir", restored.toString(), "restore", "--from", backup.toString());
        assertEquals(1, again.exit());
        assertTrue(again.err().contains("--force"), again.err());
        Path tampered = databases.newFolder();
        Path tamperedBackup = databases.newFolder().resolve("backup-tampered");
        copy(backup, tamperedBackup);
        String anchors = Files.readString(tamperedBackup.resolve("data/audit-anchors.txt"));
        Files.writeString(tamperedBackup.resolve("data/audit-anchors.txt"), anchors.replaceFirst("[0-9a-f]{64}", "0".repeat(64)));
        Run broken = cli("--data-dir", tampered.toString(), "restore", "--from", tamperedBackup.toString());
        assertNotEquals(0, broken.exit(), "a restore whose audit chain does not match its anchors is not verified: " + broken.out());
        assertTrue(broken.out().contains("BROKEN"), broken.out());
    }

    private static void copy(Path from, Path to) throws Exception {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path p : files.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }
}
