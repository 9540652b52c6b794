package org.breathgate.receiver.app;

import org.breathgate.receiver.care.people.UserAccount;
import org.breathgate.receiver.care.people.Users;
import org.breathgate.receiver.care.signin.IdentityBindings;
import org.breathgate.receiver.care.signin.Invitations;
import org.breathgate.receiver.evidence.db.Database;
import org.breathgate.receiver.evidence.db.Sql;
import org.breathgate.receiver.evidence.db.TestDatabases;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The people commands of sign-in: invitation links, a new link, binding an identity, a parent's code, resetting a second factor. */
class PeopleSignInCommandsIT {

    private static final Pattern CODE = Pattern.compile("/invite\\?code=([a-z0-9-]+)");
    private final TestDatabases databases = new TestDatabases();

    @AfterEach
    void close() {
        databases.close();
    }

    private static String cli(String... args) {
        PrintStream stdout = System.out;
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(buffer, true, StandardCharsets.UTF_8));
            int exit = new CommandLine(new ReceiverMain()).execute(args);
            return exit + "\n" + buffer.toString(StandardCharsets.UTF_8);
        } finally {
            System.setOut(stdout);
        }
    }

    private static String code(String out) {
        Matcher m = CODE.matcher(out);
        assertTrue(m.find(), out);
        return m.group(1);
    }

    private static Invitations.Invitation invitation(Database db, String code) {
        return Sql.read(db, "reading", c -> Invitations.find(c, Invitations.hash(code)).orElseThrow());
    }

    @Test
    void accounts_get_invitation_links_identities_are_bound_to_staff_only_and_parents_get_codes() throws Exception {
        Path data = databases.newFolder();
        String url = databases.newUrl(Database.Dialect.SQLITE);
        Path secret = Files.writeString(data.resolve("client-secret"), "s\n");
        Path config = Files.writeString(data.resolve("receiver.properties"), "data.dir = " + data + "\njdbc.url = " + url + "\n"
                + "web.public-url = https://care.example.fi\n"
                + "signin.oidc.lappi.issuer = https://login.example.fi/tenant/v2.0\nsignin.oidc.lappi.client-id = bg\n"
                + "signin.oidc.lappi.client-secret-file = " + secret + "\nsignin.oidc.lappi.organisations = sa-1\n");
        String[] base = {"--config", config.toString()};
        assertTrue(cli(concat(base, "people", "add-organisation", "--id", "sa-1", "--name", "Palvelu", "--kind", "substance-abuse")).startsWith("0"));
        assertTrue(cli(concat(base, "people", "add-client", "--id", "case-1", "--name", "Parent A", "--organisation", "sa-1")).startsWith("0"));

        String added = cli(concat(base, "people", "add-user", "--id", "anna", "--role", "substance-abuse-worker", "--organisation", "sa-1",
                "--name", "Anna Virtanen"));
        assertTrue(added.startsWith("0") && added.contains("https://care.example.fi/invite?code="), added);
        String first = code(added);
        try (Database db = Database.open(url)) {
            UserAccount anna = new Users(db, new org.breathgate.care.account.PasswordHasher(org.breathgate.care.account.PasswordHasher.Cost.OWASP_MINIMUM,
                    new SecureRandom())).find("anna").orElseThrow();
            assertFalse(anna.hasPassword(), "nobody typed a password for her");
            assertEquals("Anna Virtanen", anna.displayName());
            assertEquals(Invitations.State.USABLE, invitation(db, first).stateAt(Instant.now()));

            String again = cli(concat(base, "people", "invite", "--id", "anna"));
            assertTrue(again.startsWith("0"), again);
            assertEquals(Invitations.State.USED, invitation(db, first).stateAt(Instant.now()), "a new link withdraws the old one");
            assertEquals(Invitations.State.USABLE, invitation(db, code(again)).stateAt(Instant.now()));

            assertTrue(cli(concat(base, "people", "bind-identity", "--id", "anna", "--provider", "lappi", "--subject", "anna-sub")).startsWith("0"));
            assertEquals("anna", Sql.read(db, "reading", c -> IdentityBindings.find(c, "lappi", "sub", "anna-sub")).orElseThrow());
            assertNotEquals("0", cli(concat(base, "people", "bind-identity", "--id", "anna", "--provider", "nowhere", "--subject", "x"))
                    .substring(0, 1), "an unknown provider");
            assertNotEquals("0", cli(concat(base, "people", "bind-identity", "--id", "anna", "--provider", "lappi", "--email", "a@x.fi"))
                    .substring(0, 1), "lappi names accounts by sub");
            cli(concat(base, "people", "add-user", "--id", "parent-a", "--role", "parent", "--client", "case-1"));
            assertNotEquals("0", cli(concat(base, "people", "bind-identity", "--id", "parent-a", "--provider", "lappi", "--subject", "p"))
                    .substring(0, 1), "parents bind themselves with a code");

            String parent = cli(concat(base, "people", "parent-code", "--client", "case-1"));
            assertTrue(parent.startsWith("0"), parent);
            String parentCode = parent.substring(parent.lastIndexOf(": ") + 2).strip();
            Invitations.Invitation p = invitation(db, parentCode);
            assertEquals("parent_identity", p.kind());
            assertEquals("case-1", p.clientId());

            assertTrue(cli(concat(base, "people", "reset-second-factor", "--id", "anna")).startsWith("0"));
            long audited = Sql.read(db, "reading", c -> {
                try (var q = c.prepareStatement("select count(*) from care_audit_log where action in ('invitation.created', "
                        + "'identity.bound', 'second_factor.reset', 'user.created')"); var rs = q.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            });
            assertTrue(audited >= 7, "each change is audited: " + audited);
        }
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
