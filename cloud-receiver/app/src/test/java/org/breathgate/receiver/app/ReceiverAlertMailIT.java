package org.breathgate.receiver.app;

import org.breathgate.receiver.evidence.db.TestDatabases;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.internet.MimeMessage;
import org.breathgate.care.access.Role;
import org.breathgate.care.account.PasswordHasher;
import org.breathgate.protocol.Ack;
import org.breathgate.receiver.care.people.UserAccount;
import org.breathgate.receiver.care.people.Users;
import org.breathgate.receiver.app.config.ReceiverConfig;
import org.breathgate.receiver.evidence.db.Database;
import org.breathgate.testkit.Ports;
import org.breathgate.testkit.SampleMessages;
import org.breathgate.testkit.TestKeys;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import picocli.CommandLine;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A service set up with the {@code people} commands only (no SQL), then a positive reading over MQTT e-mailed by the
 * running receiver to the worker through a real SMTP server (GreenMail): the whole path from reading to mail.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReceiverAlertMailIT {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String DEVICE = "home-0001";
    private static final String PASSWORD = "kolme iloista kirahvia";

    private final TestDatabases databases = new TestDatabases();

    @AfterAll
    void closeDatabases() {
        databases.close();
    }

    /** Runs {@code breathgate-receiver <args>} with {@code stdin}; returns its exit code and keeps its output. */
    private static int cli(List<String> out, String stdin, String... args) {
        InputStream in = System.in;
        PrintStream stdout = System.out;
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        try {
            System.setIn(new ByteArrayInputStream((stdin == null ? "" : stdin).getBytes(StandardCharsets.UTF_8)));
            System.setOut(new PrintStream(buffer, true, StandardCharsets.UTF_8));
            return new CommandLine(new ReceiverMain()).execute(args);
        } finally {
            System.setIn(in);
            System.setOut(stdout);
            out.add(buffer.toString(StandardCharsets.UTF_8));
        }
    }

    @Test
    void people_commands_set_up_a_service_whose_worker_is_mailed_a_positive_reading() throws Exception {
        Path dataDir = databases.newFolder();
        String jdbcUrl = databases.newUrl(Database.Dialect.SQLITE);
        String[] base = {"--data-dir", dataDir.toString(), "--jdbc-url", jdbcUrl};
        List<String> out = new ArrayList<>();
        Instant lent = Instant.now().minus(Duration.ofDays(1)).truncatedTo(ChronoUnit.SECONDS);
        assertEquals(0, cli(out, null, concat(base, "people", "add-organisation", "--id", "sa-1", "--name", "Päihdepalvelut",
                "--kind", "substance-abuse")));
        assertEquals(0, cli(out, null, concat(base, "people", "add-client", "--id", "case-2026-17", "--name", "Parent A",
                "--organisation", "sa-1", "--threshold-mg-l", "0.10")));
        assertEquals(0, cli(out, PASSWORD + "\n", concat(base, "people", "add-user", "--id", "anna", "--role", "substance-abuse-worker",
                "--organisation", "sa-1", "--email", "anna@example.org", "--language", "en", "--password-stdin")));
        assertEquals(0, cli(out, null, concat(base, "people", "assign-device", "--device", DEVICE, "--client", "case-2026-17",
                "--from", lent.toString())));
        // Refused: a password too short, and a password on the command line is not even an option.
        assertNotEquals(0, cli(out, "short\n", concat(base, "people", "add-user", "--id", "bob", "--role", "technician", "--password-stdin")));
        assertNotEquals(0, cli(out, null, concat(base, "people", "add-user", "--id", "bob", "--role", "technician",
                "--password", "kolme iloista kirahvia")));

        try (Database database = Database.open(jdbcUrl)) {
            Users users = new Users(database, new PasswordHasher(PasswordHasher.Cost.OWASP_MINIMUM, new SecureRandom()));
            UserAccount anna = users.find("anna").orElseThrow();
            assertEquals(Role.SUBSTANCE_ABUSE_WORKER, anna.actor().role());
            assertEquals("sa-1", anna.actor().organisationId());
            assertEquals("anna@example.org", anna.email());
            assertEquals("en", anna.language());
            assertTrue(anna.passwordHash().startsWith("$argon2id$"));
            assertTrue(users.passwordMatches("anna", PASSWORD.toCharArray()), "the account can sign in with the password given");
            assertFalse(users.passwordMatches("anna", "kolme iloista kirahvia!".toCharArray()));
            assertTrue(users.find("bob").isEmpty());
        }

        int smtpPort = Ports.free();
        GreenMail mail = new GreenMail(new ServerSetup(smtpPort, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        mail.start();
        Map<String, String> settings = new HashMap<>();
        settings.put(ReceiverConfig.DATA_DIR, dataDir.toString());
        settings.put(ReceiverConfig.JDBC_URL, jdbcUrl);
        settings.put(ReceiverConfig.EMBEDDED_PORT, Integer.toString(Ports.free()));
        settings.put(ReceiverConfig.EMBEDDED_TLS_PORT, "0"); // devices' TLS listener on a free port
        settings.put(ReceiverConfig.MQTT_CLIENT_ID, "mail-it");
        settings.put(ReceiverConfig.WEB_ENABLED, "false");
        settings.put(ReceiverConfig.MAIL_SMTP_HOST, "127.0.0.1");
        settings.put(ReceiverConfig.MAIL_SMTP_PORT, Integer.toString(smtpPort));
        settings.put(ReceiverConfig.MAIL_SMTP_SECURITY, "none");
        settings.put(ReceiverConfig.MAIL_FROM, "Breathgate <alerts@care.example.org>");
        settings.put(ReceiverConfig.DELIVERY_SIGN_IN_URL, "https://care.example.org/");
        try (Receiver receiver = Receiver.start(ReceiverConfig.from(settings), Clock.systemUTC(), List.of())) {
            assertTrue(receiver.awaitReady(WAIT), "receiver did not subscribe");
            assertTrue(receiver.delivery().mailEnabled());
            receiver.registry().enroll(TestKeys.device(DEVICE).verificationKey());
            SampleMessages sample = SampleMessages.of(DEVICE).at(Instant.now().minusSeconds(30).truncatedTo(ChronoUnit.SECONDS));
            try (FakeDevice device = FakeDevice.loggedIn(receiver, TestKeys.device(DEVICE))) {
                long sent = System.nanoTime();
                device.send(sample.positiveReading(1));
                assertEquals(new Ack.Entry(1, Ack.Result.STORED, null), device.nextAck(WAIT));
                assertTrue(mail.waitForIncomingEmail(WAIT.toMillis(), 1), "the alert e-mail did not arrive");
                System.out.printf("reading sent -> alert e-mail received by GreenMail: %.1f ms%n", (System.nanoTime() - sent) / 1e6);
            }
            MimeMessage message = mail.getReceivedMessages()[0];
            assertEquals("Breathgate: new alert", message.getSubject());
            assertEquals("anna@example.org", message.getAllRecipients()[0].toString());
            String body = (String) message.getContent();
            assertTrue(body.contains("Client: case-2026-17"), body);
            assertTrue(body.contains("https://care.example.org/"), body);
            assertFalse(body.contains("Parent A"), body);
        } finally {
            mail.stop();
        }
        out.clear();
        assertEquals(0, cli(out, null, concat(base, "deliveries", "list")));
        assertTrue(out.get(0).contains("delivered\temail\tanna\traise"), out.get(0));
    }

    private static String[] concat(String[] a, String... b) {
        String[] all = new String[a.length + b.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
