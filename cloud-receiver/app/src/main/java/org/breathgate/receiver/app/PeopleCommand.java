package org.breathgate.receiver.app;

import org.breathgate.care.access.Actor;
import org.breathgate.care.access.Client;
import org.breathgate.care.access.Organisation;
import org.breathgate.care.access.OrganisationKind;
import org.breathgate.care.access.Role;
import org.breathgate.care.account.PasswordHasher;
import org.breathgate.protocol.BreathAlcohol;
import org.breathgate.protocol.PerMilleFactor;
import org.breathgate.receiver.care.gate.AnchorFile;
import org.breathgate.receiver.care.gate.AuditLog;
import org.breathgate.receiver.care.gate.CareGate;
import java.time.Clock;
import org.breathgate.receiver.care.people.Assignment;
import org.breathgate.receiver.care.people.Clients;
import org.breathgate.receiver.care.people.DeviceAssignments;
import org.breathgate.receiver.care.people.Organisations;
import org.breathgate.receiver.care.people.UserAccount;
import org.breathgate.receiver.care.people.Users;
import org.breathgate.receiver.app.config.ReceiverConfig;
import org.breathgate.receiver.care.signin.Accounts;
import org.breathgate.receiver.evidence.db.Database;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code breathgate-receiver people ...}: set up a service without SQL — organisations, user accounts, clients, and
 * which device is lent to which client. Every change is audited with the actor {@code cli:<os user>}. A new account gets an
 * invitation link, with which the person sets their own password; only for scripted set-ups ({@code --password-stdin}) is a
 * password read from the first line of standard input, never from the command line, where other users and the shell
 * history would see it.
 */
@Command(name = "people", mixinStandardHelpOptions = true,
        description = "Administer organisations, user accounts, clients and device assignments.",
        subcommands = {PeopleCommand.AddOrganisation.class, PeopleCommand.AddUser.class, PeopleCommand.SetContact.class,
                PeopleCommand.AddClient.class, PeopleCommand.AssignDevice.class, PeopleCommand.ListUsers.class, PeopleCommand.Invite.class,
                PeopleCommand.BindIdentity.class, PeopleCommand.ParentCode.class, PeopleCommand.ResetSecondFactor.class})
final class PeopleCommand {

    /** Shortest password accepted: 12 characters (a passphrase of a few words is easier to remember and longer). */
    static final int MIN_PASSWORD_LENGTH = 12;

    @CommandLine.ParentCommand
    ReceiverMain parent;

    ReceiverConfig config() {
        return parent.config();
    }

    /** The care gate on {@code database}: every change a command makes is recorded through it. */
    static CareGate gate(ReceiverConfig config, Database database) {
        return new CareGate(database, new AuditLog(database, AnchorFile.in(config.dataDir())), Clock.systemUTC());
    }

    static void audited(CareGate gate, String action, String subjectType, String subjectId, String detail) {
        gate.record(CliActor.name(), action, subjectType, subjectId, detail);
    }

    @Command(name = "add-organisation", mixinStandardHelpOptions = true,
            description = "Add a substance-abuse service (--kind substance-abuse) or a child-protection unit (--kind child-protection).")
    static final class AddOrganisation implements Callable<Integer> {
        @CommandLine.ParentCommand
        PeopleCommand people;
        @Option(names = "--id", required = true, description = "Stable id, e.g. sa-sodankyla.")
        String id;
        @Option(names = "--name", required = true, description = "Name shown to workers.")
        String name;
        @Option(names = "--kind", required = true, description = "substance-abuse or child-protection.")
        String kind;

        @Override
        public Integer call() {
            OrganisationKind k = organisationKind(kind);
            ReceiverConfig config = people.config();
            try (Database database = Database.open(config.database().jdbcUrl())) {
                new Organisations(database).add(new Organisation(id, name, k));
                audited(gate(config, database), "organisation.created", "organisation", id, k.name());
            }
            System.out.println("added organisation " + id + " (" + k + ")");
            return 0;
        }
    }

    @Command(name = "add-user", mixinStandardHelpOptions = true,
            description = "Add a user account and print an invitation link with which the person sets their own password.")
    static final class AddUser implements Callable<Integer> {
        @CommandLine.ParentCommand
        PeopleCommand people;
        @Option(names = "--id", required = true, description = "User id (what they sign in with), e.g. anna.virtanen.")
        String id;
        @Option(names = "--role", required = true,
                description = "substance-abuse-worker, child-protection-worker, technician, administrator or parent.")
        String role;
        @Option(names = "--organisation", description = "The worker's organisation (workers only).")
        String organisation;
        @Option(names = "--client", description = "The parent's own client id (parents only).")
        String client;
        @Option(names = "--email", description = "Where alerts are e-mailed (workers); absent: in-app inbox only.")
        String email;
        @Option(names = "--language", defaultValue = "fi", description = "fi, sv or en (default fi).")
        String language;
        @Option(names = "--name", description = "The person's name, as a parent may be shown it (signin.show-worker-names-to-parents).")
        String name;
        @Option(names = "--password-stdin", description = "For scripted set-ups only: read a password from the first line of standard"
                + " input instead of printing an invitation link.")
        boolean passwordStdin;

        @Override
        public Integer call() {
            Actor actor = new Actor(id, role(role), organisation, client);
            UserAccount.checkEmail(email);
            String lang = UserAccount.checkLanguage(language);
            ReceiverConfig config = people.config();
            char[] password = passwordStdin ? readNewPassword() : null;
            Accounts.Invited invited = null;
            try (Database database = Database.open(config.database().jdbcUrl())) {
                if (organisation != null && new Organisations(database).find(organisation).isEmpty()) {
                    throw new IllegalArgumentException("no organisation " + organisation + "; add it first (people add-organisation)");
                }
                if (client != null && new Clients(database).find(client).isEmpty()) {
                    throw new IllegalArgumentException("no client " + client + "; add it first (people add-client)");
                }
                if (password != null) {
                    new Users(database, new PasswordHasher(PasswordHasher.Cost.OWASP_MINIMUM, new SecureRandom()))
                            .add(actor, password, email, lang, Instant.now());
                    if (name != null) {
                        new Users(database, new PasswordHasher(PasswordHasher.Cost.OWASP_MINIMUM, new SecureRandom())).setDisplayName(id, name);
                    }
                    audited(gate(config, database), "user.created", "user", id, actor.role().name()
                            + (organisation == null ? "" : " of " + organisation) + (client == null ? "" : " for client " + client)
                            + (email == null ? ", no e-mail" : ", e-mail set") + ", language " + lang + ", password from standard input");
                } else {
                    invited = gate(config, database).runAsReceiver(CliActor.name(), "adding user " + id,
                            visit -> Accounts.createInvited(visit, actor, email, lang, name));
                }
            } finally {
                if (password != null) {
                    Arrays.fill(password, '\0');
                }
            }
            System.out.println("added user " + id + " (" + actor.role() + (organisation == null ? "" : ", " + organisation) + ")");
            if (invited != null) {
                printLink(config, invited);
            }
            return 0;
        }
    }

    /** Prints an invitation link: shown once, kept only as a hash. */
    static void printLink(ReceiverConfig config, Accounts.Invited invited) {
        String base = config.web().publicUrl() != null ? config.web().publicUrl() : "https://" + config.web().host() + ":" + config.web().port();
        System.out.println("invitation link (give it to the person; it works once, until " + invited.expiresAt() + "):");
        System.out.println("  " + base + "/invite?code=" + invited.code());
    }

    @Command(name = "invite", mixinStandardHelpOptions = true,
            description = "A new invitation link for an existing account (a forgotten password); earlier unused links stop working.")
    static final class Invite implements Callable<Integer> {
        @CommandLine.ParentCommand
        PeopleCommand people;
        @Option(names = "--id", required = true, description = "The user id.")
        String id;

        @Override
        public Integer call() {
            ReceiverConfig config = people.config();
            try (Database database = Database.open(config.database().jdbcUrl())) {
                printLink(config, gate(config, database).runAsReceiver(CliActor.name(), "inviting " + id, visit -> Accounts.invite(visit, id)));
            }
            return 0;
        }
    }

    @Command(name = "reset-second-factor", mixinStandardHelpOptions = true,
            description = "Remove a user's authenticator and recovery codes (a lost phone): they set up a new one at their next sign-in.")
    static final class ResetSecondFactor implements Callable<Integer> {
        @CommandLine.ParentCommand
        PeopleCommand people;
        @Option(names = "--id", required = true, description = "The user id.")
        String id;

        @Override
        public Integer call() {
            ReceiverConfig config = people.config();
            try (Database database = Database.open(config.database().jdbcUrl())) {
                gate(config, database).runAsReceiver(CliActor.name(), "resetting the second factor of " + id, visit -> {
                    Accounts.resetSecondFactor(visit, id);
                    return null;
                });
            }
            System.out.println("the authenticator of " + id + " is removed; they set up a new one at their next sign-in");
            return 0;
        }
    }

    @Command(name = "bind-identity", mixinStandardHelpOptions = true,
            description = "Bind a worker's account to their subject at an identity provider (signin.oidc.<provider>.*).")
    static final class BindIdentity implements Callable<Integer> {
        @CommandLine.ParentCommand
        PeopleCommand people;
        @Option(names = "--id", required = true, description = "The user id.")
        String id;
        @Option(names = "--provider", required = true, description = "The provider's id in the configuration.")
        String provider;
        @Option(names = "--subject", description = "The provider's subject (its sub claim; Entra ID: the oid-based sub of this app).")
        String subject;
        @Option(names = "--email", description = "A verified e-mail address (providers with match = email).")
        String email;
        @Option(names = "--upn", description = "The user principal name (providers with match = upn).")
        String upn;

        @Override
        public Integer call() {
            int given = (subject == null ? 0 : 1) + (email == null ? 0 : 1) + (upn == null ? 0 : 1);
            if (given != 1) {
                throw new IllegalArgumentException("give exactly one of --subject, --email and --upn");
            }
            String kind = subject != null ? "sub" : email != null ? "email" : "upn";
            String value = subject != null ? subject : email != null ? email : upn;
            ReceiverConfig config = people.config();
            try (Database database = Database.open(config.database().jdbcUrl())) {
                gate(config, database).runAsReceiver(CliActor.name(), "binding an identity to " + id, visit -> {
                    Accounts.bindStaff(visit, config.signIn().providers(), id, provider, kind, value);
                    return null;
                });
            }
            System.out.println("bound " + kind + " at " + provider + " to " + id);
            return 0;
        }
    }

    @Command(name = "parent-code", mixinStandardHelpOptions = true,
            description = "A one-time code for a client's parent to bind their strong identification once (hand it over in person).")
    static final class ParentCode implements Callable<Integer> {
        @CommandLine.ParentCommand
        PeopleCommand people;
        @Option(names = "--client", required = true, description = "The client id.")
        String client;

        @Override
        public Integer call() {
            ReceiverConfig config = people.config();
            Accounts.Invited invited;
            try (Database database = Database.open(config.database().jdbcUrl())) {
                invited = gate(config, database).runAsReceiver(CliActor.name(), "a parent's code for " + client,
                        visit -> Accounts.parentCode(visit, client));
            }
            System.out.println("parent's one-time code for " + client + " (works once, until " + invited.expiresAt() + "): " + invited.code());
            return 0;
        }
    }

    @Command(name = "set-contact", mixinStandardHelpOptions = true, description = "Change a user's e-mail address and language.")
    static final class SetContact implements Callable<Integer> {
        @CommandLine.ParentCommand
        PeopleCommand people;
        @Option(names = "--id", required = true)
        String id;
        @Option(names = "--email", description = "New address; absent: no e-mail.")
        String email;
        @Option(names = "--language", required = true, description = "fi, sv or en.")
        String language;

        @Override
        public Integer call() {
            ReceiverConfig config = people.config();
            try (Database database = Database.open(config.database().jdbcUrl())) {
                new Users(database, new PasswordHasher(PasswordHasher.Cost.OWASP_MINIMUM, new SecureRandom())).setContact(id, email, language);
                audited(gate(config, database), "user.contact_changed", "user", id,
                        (email == null ? "no e-mail" : "e-mail set") + ", language " + UserAccount.checkLanguage(language));
            }
            System.out.println("changed the contact of user " + id);
            return 0;
        }
    }

    @Command(name = "add-client", mixinStandardHelpOptions = true, description = "Add a client (a parent) of a substance-abuse service.")
    static final class AddClient implements Callable<Integer> {
        @CommandLine.ParentCommand
        PeopleCommand people;
        @Option(names = "--id", required = true, description = "Client reference, e.g. a case number; it appears in alert e-mail, so not a name.")
        String id;
        @Option(names = "--name", required = true, description = "Display name, shown to signed-in workers only.")
        String name;
        @Option(names = "--organisation", required = true, description = "The substance-abuse service.")
        String organisation;
        @Option(names = "--threshold-mg-l", description = "Alert threshold in mg/L of breath (default 0.10).")
        String threshold;
        @Option(names = "--factor", description = "Per-mille factor: FI-RL-23 (default) or 2100:1.")
        String factor;

        @Override
        public Integer call() {
            Client c = Client.open(id, name, organisation);
            if (threshold != null) {
                int ugL;
                try {
                    ugL = new BigDecimal(threshold).movePointRight(3).intValueExact();
                } catch (ArithmeticException | NumberFormatException e) {
                    throw new IllegalArgumentException("--threshold-mg-l must be mg/L with at most 3 decimals, e.g. 0.10, was " + threshold);
                }
                c = c.withAlertThreshold(new BreathAlcohol(ugL));
            }
            if (factor != null) {
                if (factor.equals(PerMilleFactor.PARTITION_2100.name())) {
                    c = c.withPerMilleFactor(PerMilleFactor.PARTITION_2100);
                } else if (!factor.equals(PerMilleFactor.FINNISH_CRIMINAL_CODE.name())) {
                    throw new IllegalArgumentException("--factor must be FI-RL-23 or 2100:1, was " + factor);
                }
            }
            ReceiverConfig config = people.config();
            try (Database database = Database.open(config.database().jdbcUrl())) {
                if (new Organisations(database).find(organisation).filter(o -> o.kind() == OrganisationKind.SUBSTANCE_ABUSE_SERVICE).isEmpty()) {
                    throw new IllegalArgumentException("no substance-abuse service " + organisation + "; add it first (people add-organisation)");
                }
                new Clients(database).add(c, Instant.now());
                audited(gate(config, database), "client.created", "client", id, "of " + organisation);
            }
            System.out.println("added client " + id + " of " + organisation);
            return 0;
        }
    }

    @Command(name = "assign-device", mixinStandardHelpOptions = true, description = "Lend a device to a client from now (or --from).")
    static final class AssignDevice implements Callable<Integer> {
        @CommandLine.ParentCommand
        PeopleCommand people;
        @Option(names = "--device", required = true)
        String device;
        @Option(names = "--client", required = true)
        String client;
        @Option(names = "--from", description = "ISO-8601 instant, e.g. 2026-03-01T00:00:00Z (default now).")
        Instant from;

        @Override
        public Integer call() {
            ReceiverConfig config = people.config();
            try (Database database = Database.open(config.database().jdbcUrl())) {
                if (new Clients(database).find(client).isEmpty()) {
                    throw new IllegalArgumentException("no client " + client + "; add it first (people add-client)");
                }
                Assignment a = new DeviceAssignments(database).assign(device, client, from == null ? Instant.now() : from);
                audited(gate(config, database), "device.assigned", "client", client, device + " from " + a.from());
                System.out.println("lent " + device + " to " + client + " from " + a.from());
            }
            return 0;
        }
    }

    @Command(name = "list-users", mixinStandardHelpOptions = true, description = "List user accounts (never their passwords).")
    static final class ListUsers implements Callable<Integer> {
        @CommandLine.ParentCommand
        PeopleCommand people;

        @Override
        public Integer call() {
            try (Database database = Database.open(people.config().database().jdbcUrl())) {
                for (UserAccount u : new Users(database, new PasswordHasher(PasswordHasher.Cost.OWASP_MINIMUM, new SecureRandom())).all()) {
                    Actor a = u.actor();
                    System.out.println(a.userId() + "\t" + a.role() + "\t" + (a.organisationId() != null ? a.organisationId()
                            : a.clientId() != null ? a.clientId() : "-") + "\t" + (u.email() == null ? "-" : u.email()) + "\t" + u.language());
                }
            }
            return 0;
        }
    }

    static OrganisationKind organisationKind(String text) {
        switch (text.toLowerCase(Locale.ROOT).replace('_', '-')) {
            case "substance-abuse":
            case "substance-abuse-service":
                return OrganisationKind.SUBSTANCE_ABUSE_SERVICE;
            case "child-protection":
            case "child-protection-unit":
                return OrganisationKind.CHILD_PROTECTION_UNIT;
            default:
                throw new IllegalArgumentException("--kind must be substance-abuse or child-protection, was " + text);
        }
    }

    static Role role(String text) {
        try {
            return Role.valueOf(text.toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--role must be substance-abuse-worker, child-protection-worker, technician, administrator"
                    + " or parent, was " + text);
        }
    }

    /**
     * A new password: from the console, asked twice, or else the first line of standard input (for scripts:
     * {@code printf '%s\n' "$PW" | breathgate-receiver people add-user ...}).
     */
    static char[] readNewPassword() {
        Console console = System.console();
        char[] password;
        if (console != null) {
            password = console.readPassword("New password (at least %d characters): ", MIN_PASSWORD_LENGTH);
            char[] again = console.readPassword("The same again: ");
            boolean same = password != null && again != null && Arrays.equals(password, again);
            if (again != null) {
                Arrays.fill(again, '\0');
            }
            if (!same) {
                throw new IllegalArgumentException("the two passwords differ");
            }
        } else {
            try {
                BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
                String line = in.readLine();
                if (line == null) {
                    throw new IllegalArgumentException("no password on standard input (give it as the first line)");
                }
                password = line.toCharArray();
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read the password from standard input: " + e.getMessage(), e);
            }
        }
        if (password == null || password.length < MIN_PASSWORD_LENGTH) {
            throw new IllegalArgumentException("the password must have at least " + MIN_PASSWORD_LENGTH + " characters");
        }
        return password;
    }
}
