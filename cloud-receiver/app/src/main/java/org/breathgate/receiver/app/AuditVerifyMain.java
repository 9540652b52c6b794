package org.breathgate.receiver.app;

import org.breathgate.receiver.care.gate.AnchorFile;
import org.breathgate.receiver.care.gate.AuditLog;

import org.breathgate.care.audit.AuditVerification;
import org.breathgate.receiver.evidence.db.Database;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code audit-verify --jdbc-url URL [--anchors FILE]}: verifies the audit log's hash chain (and the
 * anchors, if given) and prints {@code OK ...} or {@code BROKEN at entry N: ...}. Exit codes: 0 intact,
 * 1 broken, 2 bad usage or the database cannot be read.
 */
@Command(name = "audit-verify", mixinStandardHelpOptions = true,
        description = "Verify the care audit log's hash chain; exit 0 when intact, 1 when broken.")
public final class AuditVerifyMain implements Callable<Integer> {

    @Option(names = "--jdbc-url", required = true, paramLabel = "URL", description = "The receiver's database.")
    String jdbcUrl;
    @Option(names = "--anchors", paramLabel = "FILE", description = "Anchor file (e.g. <data-dir>/audit-anchors.txt).")
    Path anchors;
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs the command with {@code args}, printing to {@code out} and {@code err}; returns the exit code. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine commandLine = new CommandLine(new AuditVerifyMain());
        commandLine.setOut(out);
        commandLine.setErr(err);
        commandLine.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println("audit-verify: " + e.getMessage());
            return 2;
        });
        return commandLine.execute(args);
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        try (Database database = Database.open(jdbcUrl)) {
            AuditVerification result = new AuditLog(database, anchors == null ? null : new AnchorFile(anchors)).verify();
            return report(result, out);
        }
    }

    private Integer report(AuditVerification result, PrintWriter out) {
        if (result.intact()) {
            out.println("OK " + result.message() + ", head hash " + result.headHash());
            out.flush();
            return 0;
        }
        out.println("BROKEN at entry " + result.seq() + " (" + result.problem() + "): " + result.message()
                + "; last good entry " + result.headSeq() + " " + result.headHash());
        out.flush();
        return 1;
    }
}
