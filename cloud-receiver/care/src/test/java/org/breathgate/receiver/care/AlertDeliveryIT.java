package org.breathgate.receiver.care;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import com.sun.net.httpserver.HttpServer;
import jakarta.mail.Message;
import jakarta.mail.internet.MimeMessage;
import org.breathgate.care.access.Actor;
import org.breathgate.care.account.PasswordHasher;
import org.breathgate.care.consent.ConsentVersion;
import org.breathgate.care.consent.Scope;
import org.breathgate.care.webhook.RetryBackoff;
import org.breathgate.receiver.evidence.db.TestDatabases;
import org.breathgate.receiver.care.scheduler.CareScheduler;
import org.breathgate.receiver.care.delivery.Delivery;
import org.breathgate.receiver.care.delivery.DeliveryAdmin;
import org.breathgate.receiver.care.delivery.DeliveryStore;
import org.breathgate.receiver.care.delivery.DeliveryWorker;
import org.breathgate.receiver.care.delivery.DeviceOfflineNotices;
import org.breathgate.receiver.care.delivery.MailSender;
import org.breathgate.receiver.care.delivery.MailSettings;
import org.breathgate.receiver.care.delivery.Webhook;
import org.breathgate.receiver.care.delivery.WebhookSender;
import org.breathgate.receiver.care.delivery.Webhooks;
import org.breathgate.receiver.care.people.Users;
import org.breathgate.receiver.evidence.db.Database;
import org.breathgate.testkit.Ports;
import org.breathgate.testkit.SampleMessages;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import static org.breathgate.receiver.care.CareFixture.CP1;
import static org.breathgate.receiver.care.CareFixture.SA;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Alert delivery against real servers in the test JVM: GreenMail for SMTP, the JDK's HTTP server for webhooks, on
 * real SQLite files (and PostgreSQL for the store-level cases). The worker runs round by round ({@code runOnce}) with
 * a clock the test moves, except in the wake-up test, which uses the worker's own threads.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AlertDeliveryIT {

    private static final Instant POSITIVE_AT = Instant.parse("2026-03-09T06:00:00Z");
    private static final Instant RETEST_AT = Instant.parse("2026-03-09T06:21:00Z");
    private static final String SIGN_IN = "https://care.example.org/";
    private static final PasswordHasher CHEAP = new PasswordHasher(new PasswordHasher.Cost(64, 1, 1), new SecureRandom());
    private static final ObjectMapper JSON = new ObjectMapper();

    private final TestDatabases databases = new TestDatabases();
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private GreenMail mail;
    private int smtpPort;

    @AfterEach
    void closeServers() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
        toClose.clear();
        if (mail != null) {
            mail.stop();
            mail = null;
        }
    }

    @AfterAll
    void closeDatabases() {
        databases.close();
    }

    // ------------------------------------------------------------------ fixtures

    private CareFixture fixture(Database.Dialect dialect) {
        CareFixture f = new CareFixture(databases.newUrl(dialect), databases.newFolder());
        toClose.add(f);
        Users users = new Users(f.database, CHEAP);
        users.add(SA, "correct horse battery".toCharArray(), "sa.worker@example.org", "sv", CareFixture.LENT);
        users.add(Actor.substanceAbuseWorker("worker-sa-fi", "sa-1"), "correct horse battery".toCharArray(), "sa.fi@example.org", "fi",
                CareFixture.LENT);
        users.add(Actor.substanceAbuseWorker("worker-sa-nomail", "sa-1"), "correct horse battery".toCharArray(), CareFixture.LENT);
        users.add(CP1, "correct horse battery".toCharArray(), "cp1.worker@example.org", "en", CareFixture.LENT);
        return f;
    }

    private void startMail() {
        if (smtpPort == 0) {
            smtpPort = Ports.free();
        }
        mail = new GreenMail(new ServerSetup(smtpPort, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        mail.start();
    }

    private DeliveryWorker worker(CareFixture f, int maxAttempts) {
        return worker(f, f.database, maxAttempts);
    }

    private DeliveryWorker worker(CareFixture f, Database database, int maxAttempts) {
        MailSender sender = new MailSender(new MailSettings("127.0.0.1", smtpPort == 0 ? (smtpPort = Ports.free()) : smtpPort,
                MailSettings.Security.NONE, null, null, "Breathgate <alerts@care.example.org>", Duration.ofSeconds(5)));
        return new DeliveryWorker(database, database == f.database ? f.gate
                : new org.breathgate.receiver.care.gate.CareGate(database, new org.breathgate.receiver.care.gate.AuditLog(database, null), f.clock), sender, new WebhookSender(Duration.ofSeconds(5), f.clock),
                new DeliveryWorker.Settings(new RetryBackoff(Duration.ofSeconds(30), Duration.ofHours(1), maxAttempts), 2,
                        Duration.ofSeconds(5), SIGN_IN, ZoneId.of("Europe/Helsinki")), f.clock, new Random(8));
    }

    private static void positive(CareFixture f) throws Exception {
        SampleMessages first = f.home.at(POSITIVE_AT);
        f.clock.set(POSITIVE_AT.plusSeconds(5));
        f.ingest(first.sign(first.positiveReading(1)), POSITIVE_AT.plusSeconds(5));
    }

    private static void failedRetest(CareFixture f) throws Exception {
        SampleMessages retest = f.home.at(RETEST_AT);
        f.clock.set(RETEST_AT.plusSeconds(5));
        f.ingest(retest.sign(CareFixture.failedRetest(retest, 2, 1, 1)), RETEST_AT.plusSeconds(5));
    }

    private static List<Delivery> rows(CareFixture f, String channel) throws Exception {
        return f.database.read(c -> DeliveryStore.ofAlert(c, "chain:home-0001:1")).stream()
                .filter(d -> d.channel().equals(channel)).collect(Collectors.toList());
    }

    private List<MimeMessage> mailTo(String address) throws Exception {
        List<MimeMessage> to = new ArrayList<>();
        for (MimeMessage m : mail.getReceivedMessages()) {
            if (Arrays.stream(m.getRecipients(Message.RecipientType.TO)).anyMatch(a -> a.toString().equals(address))) {
                to.add(m);
            }
        }
        return to;
    }

    // ------------------------------------------------------------------ e-mail

    @ParameterizedTest
    @EnumSource(Database.Dialect.class)
    void an_alert_is_emailed_to_each_worker_in_their_language_and_says_only_what_is_needed(Database.Dialect dialect) throws Exception {
        CareFixture f = fixture(dialect);
        startMail();
        DeliveryWorker worker = worker(f, 24);
        positive(f);

        assertEquals(2, worker.runOnce(), "one e-mail per worker with an address; the worker without one is not mailed");

        List<MimeMessage> sv = mailTo("sa.worker@example.org");
        assertEquals(1, sv.size());
        assertEquals("Breathgate: nytt larm", sv.get(0).getSubject());
        String body = (String) sv.get(0).getContent();
        assertTrue(body.contains("Testresultat över klientens larmgräns"), body);
        assertTrue(body.contains("Klient: client-a"), body);
        assertTrue(body.contains("9.3.2026 kl. 08.00 (Europe/Helsinki)"), body);
        assertTrue(body.contains(SIGN_IN), body);
        assertEquals("sv", sv.get(0).getHeader("Content-Language")[0]);
        // Nothing more than needed: no value, no per mille, no display name.
        assertFalse(body.contains("0.250") || body.contains("mg/L") || body.contains("‰") || body.contains("Parent A"), body);

        List<MimeMessage> fi = mailTo("sa.fi@example.org");
        assertEquals(1, fi.size());
        assertEquals("Breathgate: uusi hälytys", fi.get(0).getSubject());
        assertTrue(((String) fi.get(0).getContent()).contains("Testitulos yli asiakkaan hälytysrajan"));
        assertTrue(mailTo("cp1.worker@example.org").isEmpty(), "no consent: child protection is not mailed");

        assertEquals(2, rows(f, Delivery.EMAIL).stream().filter(d -> d.state().equals(Delivery.DELIVERED)).count());
        assertEquals(2, f.auditCount(DeliveryWorker.AUDIT_DELIVERED));
        assertEquals(0, worker.runOnce(), "delivered rows are not sent again");
        assertEquals(2, mail.getReceivedMessages().length);
        assertTrue(f.audit.verify().intact());
    }

    @Test
    void mail_server_down_and_back_nothing_lost_nothing_twice() throws Exception {
        CareFixture f = fixture(Database.Dialect.SQLITE);
        DeliveryWorker worker = worker(f, 24); // SMTP port chosen, nothing listening: the server is down
        positive(f);

        assertEquals(2, worker.runOnce());
        for (Delivery d : rows(f, Delivery.EMAIL)) {
            assertEquals(Delivery.PENDING, d.state(), "a failed attempt keeps the delivery");
            assertEquals(1, d.attempts());
            assertNotNull(d.lastError());
            assertTrue(d.lastError().startsWith("SMTP 127.0.0.1:" + smtpPort), d.lastError());
            assertFalse(d.nextAttemptAt().isBefore(f.clock.instant()), "retried later, with backoff");
            assertFalse(d.nextAttemptAt().isAfter(f.clock.instant().plusSeconds(30)), "first retry within the 30 s ceiling");
        }
        assertEquals(0, worker.runOnce(), "not retried before its time");

        f.clock.advance(Duration.ofSeconds(31));
        assertEquals(2, worker.runOnce(), "second attempt, server still down");
        assertTrue(rows(f, Delivery.EMAIL).stream().allMatch(d -> d.attempts() == 2 && d.state().equals(Delivery.PENDING)));

        startMail(); // back, on the same port
        f.clock.advance(Duration.ofMinutes(2));
        // A restart in between: a new connection and a new worker know only what the database holds.
        Database reopened = Database.open(f.url);
        toClose.add(reopened);
        worker = worker(f, reopened, 24);
        assertEquals(2, worker.runOnce());
        assertEquals(1, mailTo("sa.worker@example.org").size());
        assertEquals(1, mailTo("sa.fi@example.org").size());
        for (Delivery d : rows(f, Delivery.EMAIL)) {
            assertEquals(Delivery.DELIVERED, d.state());
            assertEquals(3, d.attempts());
        }
        f.clock.advance(Duration.ofHours(3));
        assertEquals(0, worker.runOnce());
        assertEquals(2, mail.getReceivedMessages().length, "none twice");
    }

    @Test
    void a_consent_revoked_between_raise_and_delivery_withholds_the_child_protection_mail() throws Exception {
        CareFixture f = fixture(Database.Dialect.SQLITE);
        startMail();
        DeliveryWorker worker = worker(f, 24);
        f.clock.set(Instant.parse("2026-02-25T10:00:00Z"));
        ConsentVersion consent = f.care.consents().record(SA, "client-a", "cp-1", Instant.parse("2026-03-01T00:00:00Z"),
                Instant.parse("2026-06-01T00:00:00Z"), Set.of(Scope.RESULTS, Scope.ALERTS));
        List<Received> received = new CopyOnWriteArrayList<>();
        HttpServer hook = hookServer(0, received, new AtomicInteger(200));
        Webhook cpHook = new Webhooks(f.database, new SecureRandom()).add("cp-1", hookUrl(hook), f.clock.instant());
        positive(f);
        failedRetest(f); // confirmed positive: shared with cp-1 under the consent

        worker.fanOut();
        List<Delivery> cp = rows(f, Delivery.EMAIL).stream().filter(d -> d.recipient().equals(CP1.userId())).toList();
        assertFalse(cp.isEmpty(), "while the consent held, the child-protection worker was in the audience");
        List<Delivery> cpWebhook = rows(f, Delivery.WEBHOOK).stream().filter(d -> d.recipient().equals(cpHook.id())).toList();
        assertFalse(cpWebhook.isEmpty(), "and the unit's webhook");

        f.clock.set(RETEST_AT.plusSeconds(60));
        f.care.consents().revoke(SA, consent.consentId(), RETEST_AT.plusSeconds(60));
        worker.runOnce();

        assertTrue(mailTo("cp1.worker@example.org").isEmpty(), "revoked: not mailed");
        for (Delivery d : cp) {
            Delivery withheld = f.database.read(c -> DeliveryStore.find(c, d.id())).orElseThrow();
            assertEquals(Delivery.WITHHELD, withheld.state());
            assertEquals("denied.consent.revoked", withheld.lastError());
        }
        assertEquals(cp.size(), f.audit.entriesAbout("chain:home-0001:1").stream()
                .filter(e -> e.action().equals(DeliveryWorker.AUDIT_WITHHELD) && e.detail().contains(CP1.userId())).count());
        assertTrue(received.isEmpty(), "the unit's case-management system is not told either");
        for (Delivery d : cpWebhook) {
            assertEquals(Delivery.WITHHELD, f.database.read(c -> DeliveryStore.find(c, d.id())).orElseThrow().state());
        }
        assertFalse(mailTo("sa.worker@example.org").isEmpty(), "the substance-abuse service is still told");
        assertEquals(0, new DeliveryAdmin(f.database, f.gate).list(Delivery.DEAD, 10).size(), "withheld is not dead");
    }

    @Test
    void an_escalation_reaches_the_audience_by_mail_and_webhook() throws Exception {
        CareFixture f = fixture(Database.Dialect.SQLITE);
        startMail();
        List<Received> received = new CopyOnWriteArrayList<>();
        HttpServer hook = hookServer(0, received, new AtomicInteger(200));
        Webhook webhook = new Webhooks(f.database, new SecureRandom()).add("sa-1", hookUrl(hook), f.clock.instant());
        DeliveryWorker worker = worker(f, 24);
        positive(f);
        worker.runOnce();
        assertEquals(2, mail.getReceivedMessages().length);
        assertEquals(1, received.size());

        f.clock.advance(Duration.ofHours(8).plusMinutes(1)); // an unacknowledged single result escalates after 8 hours
        f.processor.tick();
        assertEquals(3, worker.runOnce());
        List<MimeMessage> sv = mailTo("sa.worker@example.org");
        assertEquals(2, sv.size());
        assertEquals("Breathgate: ett larm har ännu inte kvitterats", sv.get(1).getSubject());
        assertEquals(2, received.size());
        JsonNode body = JSON.readTree(received.get(1).body);
        assertEquals("alert.escalated", body.get("type").asText());
        assertTrue(verifies(webhook.secret(), received.get(1)));
    }

    @Test
    void an_alert_reaches_the_responsible_worker_and_deputy_not_the_rest_of_the_service_and_escalates_to_distinct_contacts()
            throws Exception {
        CareFixture f = fixture(Database.Dialect.SQLITE);
        Users users = new Users(f.database, CHEAP);
        for (String id : List.of("worker-sa-deputy", "worker-sa-lead", "worker-sa-oncall")) {
            users.add(Actor.substanceAbuseWorker(id, "sa-1"), "correct horse battery".toCharArray(), id + "@example.org", "en",
                    CareFixture.LENT);
        }
        f.care.routing().setDuties(SA, "client-a", List.of("worker-sa"), "worker-sa-deputy");
        Actor admin = Actor.administrator("admin-1");
        f.care.routing().setContacts(admin, "sa-1", org.breathgate.receiver.care.routing.AlertRouting.Contacts.ESCALATION,
                List.of("worker-sa-lead"));
        f.care.routing().setContacts(admin, "sa-1", org.breathgate.receiver.care.routing.AlertRouting.Contacts.ON_CALL,
                List.of("worker-sa-oncall"));
        startMail();
        DeliveryWorker worker = worker(f, 24);
        positive(f); // Monday 9 March 2026, 08:00 in Helsinki: office hours
        worker.runOnce();
        assertEquals(1, mailTo("sa.worker@example.org").size(), "the responsible worker");
        assertEquals(1, mailTo("worker-sa-deputy@example.org").size(), "and the deputy");
        assertEquals(0, mailTo("sa.fi@example.org").size(), "not the rest of the service");
        assertEquals(0, mailTo("worker-sa-lead@example.org").size());
        assertEquals(0, mailTo("worker-sa-oncall@example.org").size(), "on call only outside office hours");

        f.clock.advance(Duration.ofHours(8).plusMinutes(1)); // 16:01, after office hours: the single result escalates
        f.processor.tick();
        worker.runOnce();
        assertEquals(1, mailTo("worker-sa-lead@example.org").size(), "the escalation contact, distinct from the first recipients");
        assertEquals(1, mailTo("worker-sa-oncall@example.org").size(), "and, after hours, the on-call worker");
        assertEquals(1, mailTo("sa.worker@example.org").size(), "escalation does not go back to the same people");
        assertEquals(1, mailTo("worker-sa-deputy@example.org").size());
        assertEquals(0, mailTo("sa.fi@example.org").size());
        assertEquals(1, f.auditCount("client.workers_set"));
        assertEquals(2, f.auditCount("contacts.set"));
    }

    @Test
    void outside_office_hours_a_new_alert_also_reaches_the_on_call_list_and_a_handover_moves_the_caseload() throws Exception {
        CareFixture f = fixture(Database.Dialect.SQLITE);
        Users users = new Users(f.database, CHEAP);
        users.add(Actor.substanceAbuseWorker("worker-sa-oncall", "sa-1"), "correct horse battery".toCharArray(),
                "worker-sa-oncall@example.org", "en", CareFixture.LENT);
        f.care.routing().setDuties(SA, "client-a", List.of("worker-sa"), null);
        f.care.routing().setContacts(Actor.administrator("admin-1"), "sa-1",
                org.breathgate.receiver.care.routing.AlertRouting.Contacts.ON_CALL, List.of("worker-sa-oncall"));
        assertEquals(List.of("client-a"), f.care.routing().handover(SA, "worker-sa", "worker-sa-fi"));
        assertEquals(List.of("worker-sa-fi"), f.care.routing().duties(SA, "client-a").responsible());
        startMail();
        DeliveryWorker worker = worker(f, 24);
        Instant night = Instant.parse("2026-03-09T21:00:00Z"); // 23:00 in Helsinki
        SampleMessages late = f.home.at(night);
        f.clock.set(night.plusSeconds(5));
        f.ingest(late.sign(late.positiveReading(1)), night.plusSeconds(5));
        worker.runOnce();
        assertEquals(1, mailTo("sa.fi@example.org").size(), "the worker the caseload was handed to");
        assertEquals(1, mailTo("worker-sa-oncall@example.org").size(), "and the on-call worker, at night");
        assertEquals(0, mailTo("sa.worker@example.org").size(), "not the worker who handed the caseload over");
        assertEquals(1, f.auditCount("caseload.handed_over"));
    }

    @Test
    void a_device_offline_longer_than_three_heartbeats_reaches_the_technicians_at_once_and_once() throws Exception {
        CareFixture f = fixture(Database.Dialect.SQLITE);
        Users users = new Users(f.database, CHEAP);
        users.add(Actor.technician("tech-1"), "correct horse battery".toCharArray(), "tech@example.org", "fi", CareFixture.LENT);
        startMail();
        Instant heard = Instant.parse("2026-03-09T06:00:00Z");
        SampleMessages device = f.home.at(heard);
        f.store.write(List.of(new org.breathgate.receiver.evidence.store.Write.Status(device.sign(device.status(0)), heard)));
        MailSender sender = new MailSender(new MailSettings("127.0.0.1", smtpPort, MailSettings.Security.NONE, null, null,
                "Breathgate <alerts@care.example.org>", Duration.ofSeconds(5)));
        DeviceOfflineNotices notices = new DeviceOfflineNotices(f.database, f.gate, f.registry, sender, 3, SIGN_IN,
                ZoneId.of("Europe/Helsinki"), f.clock);
        f.clock.set(heard.plus(Duration.ofMinutes(179)));
        assertEquals(List.of(), notices.check(), "not yet three heartbeats of an hour (the interval the receiver sends)");
        f.clock.set(heard.plus(Duration.ofMinutes(180)));
        assertEquals(List.of("home-0001"), notices.check());
        assertEquals(List.of(), notices.check(), "one outage, one notice");
        List<MimeMessage> mails = mailTo("tech@example.org");
        assertEquals(1, mails.size());
        assertEquals("Breathgate: laite ei ole yhteydessä", mails.get(0).getSubject());
        String body = (String) mails.get(0).getContent();
        assertTrue(body.contains("home-0001") && !body.contains("client-a") && !body.contains("Parent A"), body);
        assertEquals(0, mailTo("sa.worker@example.org").size(), "a device outage is the technicians' news");
        assertEquals(1, f.auditCount("device.offline_reported"));
    }

    @ParameterizedTest
    @EnumSource(Database.Dialect.class)
    void upgrading_to_v31_keeps_the_outbox_and_does_not_mail_alerts_from_before(Database.Dialect dialect) throws Exception {
        String url = databases.newUrl(dialect);
        org.flywaydb.core.Flyway.configure(Database.class.getClassLoader()).dataSource(url, null, null)
                .locations("classpath:db/migration/" + (dialect == Database.Dialect.SQLITE ? "sqlite" : "postgresql"))
                .target("30").load().migrate();
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(url); java.sql.Statement s = c.createStatement()) {
            s.executeUpdate("insert into care_alert_deliveries (alert_key, channel, reason, state, attempts, created_at_ms, "
                    + "delivered_at_ms) values ('chain:home-0001:1', 'inbox', 'raise', 'delivered', 1, 1000, 1000)");
        }
        try (Database database = Database.open(url)) { // migrates to the newest version
            Delivery old = database.read(c -> DeliveryStore.ofAlert(c, "chain:home-0001:1")).get(0);
            assertEquals(Delivery.INBOX, old.channel());
            assertEquals(Delivery.DELIVERED, old.state());
            assertTrue(database.read(c -> DeliveryStore.toFanOut(c, 10)).isEmpty(), "an upgrade sends no mail about old alerts");
            // The new state is allowed, and new rows get ids after the old ones.
            database.inTransaction(c -> {
                try (java.sql.Statement s = c.createStatement()) {
                    s.executeUpdate("insert into care_alert_deliveries (alert_key, channel, reason, state, attempts, created_at_ms) "
                            + "values ('chain:home-0001:1', 'email', 'raise', 'withheld', 0, 2000)");
                }
                return null;
            });
            List<Delivery> all = database.read(c -> DeliveryStore.ofAlert(c, "chain:home-0001:1"));
            assertEquals(Delivery.WITHHELD, all.get(1).state());
            assertTrue(all.get(1).id() > old.id());
        }
    }

    // ------------------------------------------------------------------ webhooks

    @ParameterizedTest
    @EnumSource(Database.Dialect.class)
    void a_webhook_is_signed_and_retried_after_a_500_until_delivered(Database.Dialect dialect) throws Exception {
        CareFixture f = fixture(dialect);
        List<Received> received = new CopyOnWriteArrayList<>();
        AtomicInteger status = new AtomicInteger(500);
        HttpServer hook = hookServer(0, received, status);
        Webhook webhook = new Webhooks(f.database, new SecureRandom()).add("sa-1", hookUrl(hook), f.clock.instant());
        DeliveryWorker worker = worker(f, 24);
        positive(f);

        worker.runOnce(); // mail server down too: those rows just wait
        Delivery row = rows(f, Delivery.WEBHOOK).get(0);
        assertEquals(Delivery.PENDING, row.state());
        assertEquals("webhook " + webhook.id() + " " + webhook.url() + " answered HTTP 500", row.lastError());

        status.set(204);
        f.clock.advance(Duration.ofMinutes(1));
        worker.runOnce();
        assertEquals(Delivery.DELIVERED, rows(f, Delivery.WEBHOOK).get(0).state());
        assertEquals(2, received.size(), "one refused, one taken");
        Received last = received.get(1);
        assertTrue(verifies(webhook.secret(), last), "signature checks out with plain javax.crypto");
        assertEquals(received.get(0).body, last.body, "the same bytes on every attempt");
        JsonNode body = JSON.readTree(last.body);
        assertEquals("bg-delivery-" + row.id(), body.get("id").asText());
        assertEquals(body.get("id").asText(), last.headers.get("idempotency-key"));
        assertEquals("alert.raised", body.get("type").asText());
        assertEquals("chain:home-0001:1", body.get("alert").get("key").asText());
        assertEquals("OVER_THRESHOLD", body.get("alert").get("kind").asText());
        assertEquals("sa-1", body.get("organisationId").asText());
        assertEquals(SIGN_IN, body.get("link").asText());
        assertFalse(last.body.contains("250") || last.body.contains("Parent A"), "no value, no name: " + last.body);
        String t = last.signature.split(",")[0].substring(2);
        assertEquals(f.clock.instant().getEpochSecond(), Long.parseLong(t), "t is the time of sending");
    }

    @Test
    void a_webhook_down_past_the_last_attempt_goes_dead_and_a_replay_delivers_it() throws Exception {
        CareFixture f = fixture(Database.Dialect.SQLITE);
        int port = Ports.free(); // nothing listening: connection refused
        Webhook webhook = new Webhooks(f.database, new SecureRandom()).add("sa-1", URI.create("http://127.0.0.1:" + port + "/hook"),
                f.clock.instant());
        DeliveryWorker worker = worker(f, 3);
        positive(f);
        for (int i = 0; i < 3; i++) {
            worker.runOnce();
            f.clock.advance(Duration.ofHours(2));
        }
        Delivery dead = rows(f, Delivery.WEBHOOK).get(0);
        assertEquals(Delivery.DEAD, dead.state());
        assertEquals(3, dead.attempts());
        assertTrue(dead.lastError().contains("ConnectException"), dead.lastError());
        DeliveryAdmin admin = new DeliveryAdmin(f.database, f.gate);
        assertEquals(List.of(dead.id()), admin.list(Delivery.DEAD, 10).stream().filter(d -> d.channel().equals(Delivery.WEBHOOK))
                .map(Delivery::id).toList());
        assertEquals(1, f.audit.entries().stream()
                .filter(e -> e.action().equals(DeliveryWorker.AUDIT_DEAD) && e.detail().startsWith("webhook")).count());
        worker.runOnce();
        assertEquals(Delivery.DEAD, rows(f, Delivery.WEBHOOK).get(0).state(), "dead stays dead until replayed");

        List<Received> received = new CopyOnWriteArrayList<>();
        HttpServer hook = hookServer(port, received, new AtomicInteger(200)); // back, on the same port
        Delivery replayed = admin.replay(dead.id(), "admin-1");
        assertEquals(Delivery.PENDING, replayed.state());
        assertEquals(0, replayed.attempts());
        worker.runOnce();
        assertEquals(Delivery.DELIVERED, rows(f, Delivery.WEBHOOK).get(0).state());
        assertEquals(1, received.size());
        assertTrue(verifies(webhook.secret(), received.get(0)));
        assertEquals("bg-delivery-" + dead.id(), received.get(0).headers.get("idempotency-key"));
        assertEquals(1, f.auditCount(DeliveryWorker.AUDIT_REPLAYED));
        assertTrue(f.audit.verify().intact());
        hook.stop(0);
    }

    // ------------------------------------------------------------------ latency path

    @Test
    void stored_alerts_wake_the_worker_at_once_without_waiting_for_a_poll() throws Exception {
        CareFixture f = fixture(Database.Dialect.SQLITE);
        startMail();
        MailSender sender = new MailSender(new MailSettings("127.0.0.1", smtpPort, MailSettings.Security.NONE, null, null,
                "alerts@care.example.org", Duration.ofSeconds(5)));
        // A poll interval of an hour: only the wake-up can deliver within the test's patience.
        DeliveryWorker worker = new DeliveryWorker(f.database, f.gate, sender, new WebhookSender(Duration.ofSeconds(5), f.clock),
                new DeliveryWorker.Settings(RetryBackoff.DEFAULT, 2, Duration.ofHours(1), SIGN_IN, ZoneId.of("Europe/Helsinki")), f.clock,
                new Random(1)).start();
        toClose.add(worker);
        CareScheduler scheduler = new CareScheduler(f.processor, f.audit, null, f.clock, worker::wake);
        toClose.add(scheduler);
        Thread.sleep(200); // let the start-up round find nothing and go to sleep
        SampleMessages first = f.home.at(POSITIVE_AT);
        f.clock.set(POSITIVE_AT.plusSeconds(5));
        f.store.write(List.of(new org.breathgate.receiver.evidence.store.Write.Evidence(first.sign(first.positiveReading(1)), POSITIVE_AT.plusSeconds(5))));
        long start = System.nanoTime();
        scheduler.onStored(f.reader.event("home-0001", 1).orElseThrow());
        assertTrue(mail.waitForIncomingEmail(30_000, 2), "mailed after the wake-up, not after the hour's poll");
        System.out.printf("stored event -> 2 alert mails received by GreenMail: %.1f ms%n", (System.nanoTime() - start) / 1e6);
        // A second alert (a tamper signal), now that everything is loaded: the figure a running receiver shows.
        f.store.write(List.of(new org.breathgate.receiver.evidence.store.Write.Evidence(first.sign(first.tamper(2)), POSITIVE_AT.plusSeconds(6))));
        start = System.nanoTime();
        scheduler.onStored(f.reader.event("home-0001", 2).orElseThrow());
        assertTrue(mail.waitForIncomingEmail(30_000, 4), "the second alert was mailed too");
        System.out.printf("stored event -> 2 alert mails received by GreenMail, warm: %.1f ms%n", (System.nanoTime() - start) / 1e6);
    }

    // ------------------------------------------------------------------ helpers

    private record Received(String body, String signature, Map<String, String> headers) {
    }

    private HttpServer hookServer(int port, List<Received> received, AtomicInteger status) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        server.createContext("/hook", exchange -> {
            try (InputStream in = exchange.getRequestBody()) {
                String body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                Map<String, String> headers = exchange.getRequestHeaders().entrySet().stream()
                        .collect(Collectors.toMap(e -> e.getKey().toLowerCase(java.util.Locale.ROOT), e -> e.getValue().get(0)));
                received.add(new Received(body, exchange.getRequestHeaders().getFirst("Breathgate-Signature"), headers));
            }
            exchange.sendResponseHeaders(status.get(), -1);
            exchange.close();
        });
        server.start();
        toClose.add(() -> server.stop(0));
        return server;
    }

    private static URI hookUrl(HttpServer server) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/hook");
    }

    /** Verifies the way docs/care-workflow.md tells integrators to: HMAC-SHA256(secret, t + "." + body), constant-time compare. */
    private static boolean verifies(String secret, Received r) throws Exception {
        String t = null;
        List<String> v1 = new ArrayList<>();
        for (String part : r.signature.split(",")) {
            String[] kv = part.split("=", 2);
            if (kv[0].equals("t")) {
                t = kv[1];
            } else if (kv[0].equals("v1")) {
                v1.add(kv[1]);
            }
        }
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        byte[] expected = mac.doFinal((t + "." + r.body).getBytes(StandardCharsets.UTF_8));
        for (String candidate : v1) {
            if (MessageDigest.isEqual(expected, HexFormat.of().parseHex(candidate))) {
                return true;
            }
        }
        return false;
    }
}
