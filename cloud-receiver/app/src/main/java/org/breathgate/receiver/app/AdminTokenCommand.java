package org.breathgate.receiver.app;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.concurrent.Callable;

import org.breathgate.care.account.PasswordHasher;
import org.breathgate.receiver.app.config.ReceiverConfig;
import org.breathgate.receiver.care.people.Users;
import org.breathgate.receiver.evidence.db.Database;
import org.breathgate.receiver.ingest.deviceapi.AdminToken;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code breathgate-receiver admin-token}: makes the device listener's admin token and shows it once, on standard output,
 * for the operator to keep like a password; the receiver keeps only its hash (in the database, so every receiver on it
 * accepts it). Any earlier token stops working. Refused once an administrator account exists: the token is retired then.
 * Exit codes: 0 made, 1 retired.
 */
@Command(name = "admin-token", mixinStandardHelpOptions = true,
        description = "Make the admin token of the devices' listener (enrollment codes before there is an administrator); shown once.")
final class AdminTokenCommand implements Callable<Integer> {

    @CommandLine.ParentCommand
    ReceiverMain parent;
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        ReceiverConfig config = parent.config();
        try (Database database = Database.open(config.database().jdbcUrl())) {
            Users users = new Users(database, new PasswordHasher(PasswordHasher.Cost.OWASP_MINIMUM, new SecureRandom()));
            AdminToken token = AdminToken.in(database, users::administratorExists);
            token.importLegacyFile(config.dataDir(), Instant.now());
            if (token.state() == AdminToken.State.RETIRED) {
                spec.commandLine().getErr().println("breathgate-receiver: an administrator account exists, so the admin token is retired;"
                        + " make enrollment codes signed in as an administrator or technician (web pages, Devices)");
                return 1;
            }
            String made = token.issue(Instant.now());
            spec.commandLine().getOut().println(made);
            spec.commandLine().getErr().println("The admin token above is shown only now: keep it like a password. The receiver keeps only"
                    + " its hash; any earlier token no longer works. It is retired once an administrator account exists.");
            return 0;
        }
    }
}
