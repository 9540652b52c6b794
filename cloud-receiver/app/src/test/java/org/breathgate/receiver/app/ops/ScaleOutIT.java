package org.breathgate.receiver.app.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import com.sun.net.httpserver.HttpServer;
import jakarta.mail.internet.MimeMessage;
import org.breathgate.care.access.Actor;
import org.breathgate.care.access.Client;
import org.breathgate.care.access.Organisation;
import org.breathgate.care.access.OrganisationKind;
import org.breathgate.care.account.PasswordHasher;
import org.breathgate.protocol.MessageType;
import org.breathgate.protocol.Topics;
import org.breathgate.receiver.app.FakeDevice;
import org.breathgate.receiver.app.Receiver;
import org.breathgate.receiver.app.ReceiverMain;
import org.breathgate.receiver.app.config.ReceiverConfig;
import org.breathgate.receiver.care.delivery.Webhooks;
import org.breathgate.receiver.care.people.Clients;
import org.breathgate.receiver.care.people.DeviceAssignments;
import org.breathgate.receiver.care.people.Organisations;
import org.breathgate.receiver.care.people.Users;
import org.breathgate.receiver.evidence.db.Database;
import org.breathgate.receiver.evidence.db.TestDatabases;
import org.breathgate.receiver.evidence.device.DeviceRegistry;
import org.breathgate.testkit.MosquittoBroker;
import org.breathgate.testkit.Ports;
import org.breathgate.testkit.SampleMessages;
import org.breathgate.testkit.TestKeys;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Several receivers, one database, each thing done once (docs/operations.md, "Scale out"): two receivers on one PostgreSQL
 * behind Mosquitto's shared subscription, one worker with an e-mail address (GreenMail) and one webhook (the JDK's HTTP
 * server). 200 positive readings from 200 homes raise 200 alerts: each is e-mailed and posted exactly once, whichever
 * receiver stored the reading. Then 200 more while one receiver, in a JVM of its own, is killed (SIGKILL) mid-way: the
 * other finishes, every delivery arrives, and the only repeats are of sends the dead one had under way when it died
 * (at most its sender threads; each carries the same idempotency key, so a case-management system sees it once).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(600)
class ScaleOutIT {

    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final int ALERTS = 200;
    private static final int THREADS = 4;
    /**
     * Lent minutes before the test, not on a fixed day: a device lent long ago and not yet heard from is silent, and the
     * care scheduler's minute tick would raise device_silent alerts (more e-mails than readings) for the homes whose
     * reading is not stored yet when it runs.
     */
    private static final Instant LENT = Instant.now().minus(Duration.ofMinutes(5)).truncatedTo(ChronoUnit.SECONDS);

    private final TestDatabases databases = new TestDatabases();

    @AfterAll
    void closeDatabases() {
        databases.close();
    }

    @Test
    void two_receivers_send_each_alert_once_and_one_finishes_when_the_other_is_killed() throws Exception {
        String jdbcUrl = databases.newUrl(Database.Dialect.POSTGRESQL);
        Path keyFile = databases.newFolder().resolve("receiver-key.pem");
        Map<String, AtomicInteger> webhookKeys = new ConcurrentHashMap<>();
        AtomicLong webhookDelayMs = new AtomicLong(0);
        HttpServer hook = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        hook.setExecutor(Executors.newFixedThreadPool(16));
        hook.createContext("/hook", exchange -> {
            try (exchange; InputStream in = exchange.getRequestBody()) {
                in.readAllBytes();
                sleep(webhookDelayMs.get());
                webhookKeys.computeIfAbsent(exchange.getRequestHeaders().getFirst("Idempotency-Key"), k -> new AtomicInteger()).incrementAndGet();
                exchange.sendResponseHeaders(204, -1);
            }
        });
        hook.start();
        int smtpPort = Ports.free();
        GreenMail mail = new GreenMail(new ServerSetup(smtpPort, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        mail.start();
        setUpService(jdbcUrl, URI.create("http://127.0.0.1:" + hook.getAddress().getPort() + "/hook"));
        Process killable = null;
        try (MosquittoBroker broker = MosquittoBroker.start()) {
            Map<String, String> settings = settings(jdbcUrl, broker.uri(), keyFile, smtpPort);
            settings.put(ReceiverConfig.MQTT_CLIENT_ID, "receiver-one");
            settings.put(ReceiverConfig.HEALTH_PORT, Integer.toString(Ports.free()));
            killable = startChild(settings);
            settings.put(ReceiverConfig.MQTT_CLIENT_ID, "receiver-two");
            settings.remove(ReceiverConfig.HEALTH_PORT);
            try (Receiver two = Receiver.start(ReceiverConfig.from(settings), Clock.systemUTC(), List.of());
                 FakeDevice publisher = new FakeDevice(broker.uri(), TestKeys.device("home-0000"), two.receiverKey())) {
                assertTrue(two.awaitReady(WAIT), "receiver two did not subscribe");
                awaitReady(Integer.parseInt(settingsOf(killable).get(ReceiverConfig.HEALTH_PORT)));

                // Both alive: every alert once by e-mail and once by webhook.
                long start = System.nanoTime();
                publishPositives(publisher, 0, ALERTS);
                await(() -> mail.getReceivedMessages().length >= ALERTS && webhookKeys.size() >= ALERTS, "200 e-mails and 200 webhooks");
                Thread.sleep(3_000); // anything sent twice would arrive meanwhile
                System.out.printf("scale-out: %d alerts through two receivers, e-mailed and posted in %.1f s%n", ALERTS,
                        (System.nanoTime() - start) / 1e9);
                Map<String, Integer> mails = messageIds(mail);
                assertEquals(ALERTS, mails.size(), "each alert e-mailed");
                assertEquals(ALERTS, mail.getReceivedMessages().length, "and only once: " + repeats(mails));
                assertEquals(ALERTS, webhookKeys.size(), "each alert posted");
                assertEquals(ALERTS, webhookKeys.values().stream().mapToInt(AtomicInteger::get).sum(), "and only once");
                assertEquals(2, deliverers(jdbcUrl), "both receivers sent some (the work is shared, not just guarded)");

                // One killed mid-way: the other finishes.
                webhookDelayMs.set(150);
                publishPositives(publisher, ALERTS, 2 * ALERTS);
                await(() -> webhookKeys.size() >= ALERTS + 30, "the second round under way");
                killable.destroyForcibly().waitFor();
                Instant killedAt = Instant.now();
                await(() -> mail.getReceivedMessages().length >= 2 * ALERTS && webhookKeys.size() >= 2 * ALERTS
                        && pending(jdbcUrl) == 0, "receiver two finishing what receiver one left");
                System.out.printf("scale-out: receiver one killed; receiver two finished %.1f s later%n",
                        Duration.between(killedAt, Instant.now()).toMillis() / 1e3);
                Map<String, Integer> allMails = messageIds(mail);
                assertEquals(2 * ALERTS, allMails.size(), "every alert e-mailed");
                assertEquals(2 * ALERTS, webhookKeys.size(), "every alert posted");
                int mailRepeats = mail.getReceivedMessages().length - allMails.size();
                int hookRepeats = webhookKeys.values().stream().mapToInt(AtomicInteger::get).sum() - webhookKeys.size();
                System.out.printf("scale-out: repeats after the kill: %d e-mail(s), %d webhook(s) (at most %d each: sends under way)%n",
                        mailRepeats, hookRepeats, THREADS);
                assertTrue(mailRepeats <= THREADS && hookRepeats <= THREADS, "only sends under way at the kill repeat: " + mailRepeats
                        + " e-mails, " + hookRepeats + " webhooks");
            }
        } finally {
            if (killable != null) {
                killable.destroyForcibly();
            }
            mail.stop();
            hook.stop(0);
        }
    }

    /** An organisation, a worker with an e-mail address, a webhook, and 400 clients each with a home device. */
    private void setUpService(String jdbcUrl, URI webhook) {
        try (Database database = Database.open(jdbcUrl)) {
            new Organisations(database).add(new Organisation("sa-1", "Substance-abuse service", OrganisationKind.SUBSTANCE_ABUSE_SERVICE));
            new Users(database, new PasswordHasher(new PasswordHasher.Cost(64, 1, 1), new SecureRandom()))
                    .add(Actor.substanceAbuseWorker("anna", "sa-1"), "kolme iloista kirahvia".toCharArray(), "anna@example.org", "en", LENT);
            new Webhooks(database, new SecureRandom()).add("sa-1", webhook, LENT);
            Clients clients = new Clients(database);
            DeviceAssignments assignments = new DeviceAssignments(database);
            DeviceRegistry registry = new DeviceRegistry(database, Clock.systemUTC());
            for (int i = 0; i < 2 * ALERTS; i++) {
                clients.add(Client.open("client-" + i, "Parent " + i, "sa-1"), LENT);
                registry.enroll(TestKeys.device(device(i)).verificationKey());
                assignments.assign(device(i), "client-" + i, LENT);
            }
        }
    }

    private static String device(int i) {
        return String.format("home-%04d", i + 1);
    }

    private static void publishPositives(FakeDevice publisher, int from, int to) throws Exception {
        Instant at = Instant.now().minusSeconds(30).truncatedTo(ChronoUnit.SECONDS);
        for (int i = from; i < to; i++) {
            SampleMessages home = SampleMessages.of(device(i)).at(at);
            publisher.publishAsync(Topics.uplink(device(i), MessageType.READING), home.sign(home.positiveReading(1)).bytes());
        }
    }

    private Map<String, String> settings(String jdbcUrl, String brokerUri, Path keyFile, int smtpPort) {
        Map<String, String> s = new HashMap<>();
        s.put(ReceiverConfig.DATA_DIR, databases.newFolder().toString());
        s.put(ReceiverConfig.JDBC_URL, jdbcUrl);
        s.put(ReceiverConfig.BROKER_URI, brokerUri);
        s.put(ReceiverConfig.RECEIVER_KEY_FILE, keyFile.toString());
        s.put(ReceiverConfig.WEB_ENABLED, "false");
        s.put(ReceiverConfig.MAIL_SMTP_HOST, "127.0.0.1");
        s.put(ReceiverConfig.MAIL_SMTP_PORT, Integer.toString(smtpPort));
        s.put(ReceiverConfig.MAIL_SMTP_SECURITY, "none");
        s.put(ReceiverConfig.MAIL_FROM, "Breathgate <alerts@care.example.org>");
        s.put(ReceiverConfig.DELIVERY_THREADS, Integer.toString(THREADS));
        // A short send timeout, so the dead receiver's claims lapse soon (claim lease: twice this and 30 s).
        s.put(ReceiverConfig.DELIVERY_TIMEOUT_SECONDS, "2");
        return s;
    }

    private final Map<Process, Map<String, String>> children = new ConcurrentHashMap<>();

    /** {@code breathgate-receiver --config FILE} in a JVM of its own, so that it can be killed as a crash would. */
    private Process startChild(Map<String, String> settings) throws IOException {
        Path dir = databases.newFolder();
        Properties p = new Properties();
        p.putAll(settings);
        p.put(ReceiverConfig.DATA_DIR, dir.resolve("data").toString());
        Path config = dir.resolve("receiver.properties");
        try (var out = Files.newBufferedWriter(config)) {
            p.store(out, "ScaleOutIT: the receiver that is killed");
        }
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process process = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", ReceiverMain.class.getName(), "--config", config.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("receiver-one.log").toFile()).start();
        children.put(process, Map.copyOf(settings));
        return process;
    }

    private Map<String, String> settingsOf(Process process) {
        return children.get(process);
    }

    private static void awaitReady(int healthPort) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + healthPort + "/health/ready")).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    Thread.sleep(1_000); // ready means connected; give the subscription a moment to be acknowledged
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        fail("receiver one did not become ready");
    }

    private static void await(BooleanSupplier done, String what) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out waiting for " + what);
            }
            Thread.sleep(100);
        }
    }

    private static Map<String, Integer> messageIds(GreenMail mail) throws Exception {
        Map<String, Integer> ids = new HashMap<>();
        for (MimeMessage m : mail.getReceivedMessages()) {
            ids.merge(m.getMessageID(), 1, Integer::sum);
        }
        return ids;
    }

    private static List<String> repeats(Map<String, Integer> counts) {
        List<String> repeated = new ArrayList<>();
        counts.forEach((id, n) -> {
            if (n > 1) {
                repeated.add(id + " x" + n);
            }
        });
        return repeated;
    }

    private static long pending(String jdbcUrl) {
        return count(jdbcUrl, "select count(*) from care_alert_deliveries where state = 'pending'");
    }

    /** How many receivers' names the delivered e-mails' audit entries carry: the one that claimed each row. */
    private static long deliverers(String jdbcUrl) {
        return count(jdbcUrl, "select count(distinct claimed_by_at_delivery) from (select substring(detail from ' by ([a-z0-9-]+)$') as"
                + " claimed_by_at_delivery from care_audit_log where action = 'alert.delivered') d where claimed_by_at_delivery is not null");
    }

    private static long count(String jdbcUrl, String sql) {
        try (var c = java.sql.DriverManager.getConnection(jdbcUrl); PreparedStatement q = c.prepareStatement(sql); ResultSet rs = q.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
