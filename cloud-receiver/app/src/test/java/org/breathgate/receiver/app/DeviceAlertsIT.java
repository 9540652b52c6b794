package org.breathgate.receiver.app;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.internet.MimeMessage;
import org.breathgate.care.access.Actor;
import org.breathgate.care.access.Client;
import org.breathgate.care.access.Organisation;
import org.breathgate.care.access.OrganisationKind;
import org.breathgate.care.account.PasswordHasher;
import org.breathgate.care.alert.Alert;
import org.breathgate.care.alert.AlertKind;
import org.breathgate.protocol.Ack;
import org.breathgate.receiver.app.config.ReceiverConfig;
import org.breathgate.receiver.care.people.Clients;
import org.breathgate.receiver.care.people.DeviceAssignments;
import org.breathgate.receiver.care.people.Organisations;
import org.breathgate.receiver.care.people.Users;
import org.breathgate.receiver.evidence.db.Database;
import org.breathgate.receiver.evidence.db.TestDatabases;
import org.breathgate.testkit.Ports;
import org.breathgate.testkit.SampleMessages;
import org.breathgate.testkit.TestKeys;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What used to reach no one now reaches the substance-abuse service and the technicians, by the existing alert path (care
 * rules, inbox, e-mail through a real SMTP server): a reused sequence number (a cloned device), and evidence that belongs to
 * no client's period; evidence of a device never lent is counted and logged.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DeviceAlertsIT {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final Actor ANNA = Actor.substanceAbuseWorker("anna", "sa-1");

    private final TestDatabases databases = new TestDatabases();

    @AfterAll
    void closeDatabases() {
        databases.close();
    }

    @Test
    void a_cloned_device_and_evidence_outside_every_period_alert_the_service_and_the_technicians_by_email() throws Exception {
        int smtpPort = Ports.free();
        GreenMail mail = new GreenMail(new ServerSetup(smtpPort, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        mail.start();
        Map<String, String> settings = new HashMap<>();
        settings.put(ReceiverConfig.DATA_DIR, databases.newFolder().toString());
        settings.put(ReceiverConfig.EMBEDDED_PORT, Integer.toString(Ports.free()));
        settings.put(ReceiverConfig.EMBEDDED_TLS_PORT, "0");
        settings.put(ReceiverConfig.MQTT_CLIENT_ID, "device-alerts-it");
        settings.put(ReceiverConfig.WEB_ENABLED, "false");
        settings.put(ReceiverConfig.MAIL_SMTP_HOST, "127.0.0.1");
        settings.put(ReceiverConfig.MAIL_SMTP_PORT, Integer.toString(smtpPort));
        settings.put(ReceiverConfig.MAIL_SMTP_SECURITY, "none");
        settings.put(ReceiverConfig.MAIL_FROM, "Breathgate <alerts@care.example.org>");
        try (Receiver receiver = Receiver.start(ReceiverConfig.from(settings), Clock.systemUTC(), List.of())) {
            assertTrue(receiver.awaitReady(WAIT));
            Database database = receiver.database();
            Instant lent = Instant.now().minus(Duration.ofDays(10)).truncatedTo(ChronoUnit.SECONDS);
            new Organisations(database).add(new Organisation("sa-1", "Substance-abuse service", OrganisationKind.SUBSTANCE_ABUSE_SERVICE));
            Users users = new Users(database, new PasswordHasher(PasswordHasher.Cost.OWASP_MINIMUM, new SecureRandom()));
            users.add(ANNA, "kolme iloista kirahvia".toCharArray(), "anna@example.org", "en", lent);
            users.add(Actor.technician("bob"), "kolme iloista kirahvia".toCharArray(), "bob@example.org", "en", lent);
            new Clients(database).add(Client.open("case-17", "Parent A", "sa-1"), lent);
            new Clients(database).add(Client.open("case-18", "Parent B", "sa-1"), lent);
            DeviceAssignments assignments = new DeviceAssignments(database);
            assignments.assign("home-0001", "case-17", lent);
            assignments.assign("home-0002", "case-18", lent);
            assignments.end("home-0002", lent.plus(Duration.ofDays(2))); // returned eight days ago
            for (String id : List.of("home-0001", "home-0002", "home-0003")) {
                receiver.registry().enroll(TestKeys.device(id).verificationKey());
            }
            SampleMessages home1 = SampleMessages.of("home-0001").at(Instant.now().minusSeconds(60).truncatedTo(ChronoUnit.SECONDS));

            // A clone: another content under a number already stored.
            try (FakeDevice device = FakeDevice.loggedIn(receiver, TestKeys.device("home-0001"))) {
                device.send(home1.soberReading(1));
                assertEquals(new Ack.Entry(1, Ack.Result.STORED, null), device.nextAck(WAIT));
                device.send(home1.positiveReading(1));
                assertEquals(new Ack.Entry(1, Ack.Result.QUARANTINED, "seq_reused"), device.nextAck(WAIT));
            }
            receiver.awaitCareIdle(WAIT);
            assertTrue(mail.waitForIncomingEmail(WAIT.toMillis(), 2), "the integrity alert was not mailed to both");
            Map<String, String> bodies = new HashMap<>();
            for (MimeMessage m : mail.getReceivedMessages()) {
                bodies.put(m.getAllRecipients()[0].toString(), (String) m.getContent());
            }
            assertEquals(java.util.Set.of("anna@example.org", "bob@example.org"), bodies.keySet());
            assertTrue(bodies.get("anna@example.org").contains("Client: case-17"), bodies.get("anna@example.org"));
            assertTrue(bodies.get("bob@example.org").contains("Device: home-0001"), bodies.get("bob@example.org"));
            assertFalse(bodies.get("bob@example.org").contains("case-17"), "a technician is not told whose case it is");
            assertTrue(bodies.values().stream().allMatch(b -> b.contains("could not be kept as evidence")), bodies.toString());

            // After a rotation, a copy of the old key signs a number above one the new key signed: the device never does that.
            receiver.registry().enroll(TestKeys.device("home-0001", 2).verificationKey());
            try (FakeDevice device = FakeDevice.loggedIn(receiver, TestKeys.device("home-0001", 2))) {
                device.send(home1.soberReading(2));
                assertEquals(new Ack.Entry(2, Ack.Result.STORED, null), device.nextAck(WAIT));
            }
            try (FakeDevice copy = FakeDevice.loggedIn(receiver, TestKeys.device("home-0001", 1))) {
                copy.send(home1.soberReading(3));
                assertEquals(new Ack.Entry(3, Ack.Result.QUARANTINED, "key_superseded"), copy.nextAck(WAIT));
            }
            receiver.awaitCareIdle(WAIT);
            assertTrue(receiver.store().event("home-0001", 3).isEmpty(), "not kept as evidence");
            Alert oldKey = receiver.care().alerts().alertsFor(ANNA).stream()
                    .filter(a -> a.kind() == AlertKind.DEVICE_INTEGRITY && a.summary().contains("old key")).findFirst()
                    .orElseThrow(() -> new AssertionError("no integrity alert for the old key"));
            assertEquals(List.of(3L), oldKey.evidence().stream().map(e -> e.seq()).toList());
            assertTrue(mail.waitForIncomingEmail(WAIT.toMillis(), 4), "the old key's alert was not mailed to both");

            // A returned device still sending: evidence in no period, alerted on the client it was last lent to.
            SampleMessages home2 = SampleMessages.of("home-0002").at(Instant.now().minusSeconds(30).truncatedTo(ChronoUnit.SECONDS));
            try (FakeDevice device = FakeDevice.loggedIn(receiver, TestKeys.device("home-0002"))) {
                device.send(home2.soberReading(5));
                assertEquals(Ack.Result.STORED, device.nextAck(WAIT).result());
            }
            // A device never lent: counted and logged, nobody to alert.
            SampleMessages home3 = SampleMessages.of("home-0003").at(Instant.now().minusSeconds(30).truncatedTo(ChronoUnit.SECONDS));
            try (FakeDevice device = FakeDevice.loggedIn(receiver, TestKeys.device("home-0003"))) {
                device.send(home3.soberReading(1));
                assertEquals(Ack.Result.STORED, device.nextAck(WAIT).result());
            }
            receiver.awaitCareIdle(WAIT);
            List<Alert> inbox = receiver.care().alerts().alertsFor(ANNA);
            List<Alert> unassigned = inbox.stream().filter(a -> a.kind() == AlertKind.UNASSIGNED_EVIDENCE).toList();
            assertEquals(1, unassigned.size(), inbox.toString());
            assertEquals("case-18", unassigned.get(0).clientId());
            assertEquals(List.of(5L), unassigned.get(0).evidence().stream().map(e -> e.seq()).toList());
            assertEquals(2, receiver.unassignedEvidence(), "both counted");
            assertTrue(mail.waitForIncomingEmail(WAIT.toMillis(), 6), "the unassigned-evidence alert was not mailed to both: "
                    + Arrays.toString(mail.getReceivedMessages()));
        } finally {
            mail.stop();
        }
    }
}
