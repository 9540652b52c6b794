package org.breathgate.receiver.app;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;

import org.breathgate.receiver.app.backup.Backups;
import org.breathgate.receiver.app.config.ReceiverConfig;
import org.breathgate.receiver.care.gate.AnchorFile;
import org.breathgate.receiver.evidence.db.Database;
import org.breathgate.receiver.evidence.store.EvidenceReader;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code breathgate-receiver backup --to DIR} and {@code restore --from DIR [--force]} (docs/operations.md, "Back up and
 * restore"; {@link Backups} says what goes in and in which order). A restore ends by verifying the audit log's chain
 * against the restored anchors, as {@code audit-verify} does, and by counting the evidence against the backup's manifest.
 * Exit codes: 0 done (and, for restore, verified), 1 failed or not verified.
 */
final class BackupCommands {

    private BackupCommands() {
    }

    @Command(name = "backup", mixinStandardHelpOptions = true,
            description = "Back up the database (SQLite; PostgreSQL: pg_dump), photos, audit anchors, keys and certificates into a new folder.")
    static final class Backup implements Callable<Integer> {
        @CommandLine.ParentCommand
        ReceiverMain parent;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;
        @Option(names = "--to", required = true, paramLabel = "DIR", description = "A new (or empty) folder for the backup.")
        Path to;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            try {
                Backups.backup(parent.config(), to, Clock.systemUTC(), out);
                out.flush();
                return 0;
            } catch (Backups.BackupException e) {
                spec.commandLine().getErr().println("breathgate-receiver: " + e.getMessage());
                return 1;
            }
        }
    }

    @Command(name = "restore", mixinStandardHelpOptions = true,
            description = "Restore a backup into this receiver's data folder and database (the receiver stopped), then verify it.")
    static final class Restore implements Callable<Integer> {
        @CommandLine.ParentCommand
        ReceiverMain parent;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;
        @Option(names = "--from", required = true, paramLabel = "DIR", description = "The backup folder.")
        Path from;
        @Option(names = "--force", description = "Replace an existing SQLite database (kept beside as <file>.before-restore).")
        boolean force;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            ReceiverConfig config = parent.config();
            Backups.Manifest manifest;
            try {
                manifest = Backups.restore(config, from, force, out);
            } catch (Backups.BackupException e) {
                err.println("breathgate-receiver: " + e.getMessage());
                return 1;
            }
            long evidence;
            try (Database database = Database.open(config.database().jdbcUrl())) {
                evidence = new EvidenceReader(database).count();
            }
            if (manifest.dialect().equals("sqlite") && evidence != manifest.evidence()) {
                err.println("breathgate-receiver: the restored database holds " + evidence + " evidence events, the backup " + manifest.evidence());
                return 1;
            }
            out.println("evidence: " + evidence + " events" + (manifest.dialect().equals("sqlite") ? ", as in the backup" : ""));
            out.print("audit: ");
            out.flush();
            int verified = AuditVerifyMain.run(new String[] {"--jdbc-url", config.database().jdbcUrl(), "--anchors",
                    AnchorFile.in(config.dataDir()).path().toString()}, out, err);
            out.flush();
            return verified == 0 ? 0 : 1;
        }
    }
}
