package org.breathgate.receiver.app.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.breathgate.receiver.app.FakeDevice;
import org.breathgate.receiver.app.Receiver;
import org.breathgate.receiver.app.config.ReceiverConfig;
import org.breathgate.receiver.evidence.db.Database;
import org.breathgate.receiver.evidence.db.TestDatabases;
import org.breathgate.testkit.MosquittoBroker;
import org.breathgate.testkit.SampleMessages;
import org.breathgate.testkit.TcpProxy;
import org.breathgate.testkit.TestKeys;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The operator's listener of a whole receiver: {@code /health/ready} turns 503 when the database (PostgreSQL behind a
 * proxy that is cut) or the broker (Mosquitto behind another) goes away and 200 when it returns, naming the failing check;
 * {@code /health/live} stays 200 throughout; {@code /metrics} is valid Prometheus text (checked by Prometheus's own
 * {@code promtool check metrics}, or, where it is not installed, by the format's line grammar here) and its counters move
 * with traffic: readings stored, a duplicate, a quarantined message, acks.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HealthAndMetricsIT {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();
    private final TestDatabases databases = new TestDatabases();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @AfterAll
    void closeDatabases() {
        databases.close();
    }

    private Receiver start(String brokerUri, String jdbcUrl) throws InterruptedException {
        Map<String, String> settings = new HashMap<>();
        settings.put(ReceiverConfig.DATA_DIR, databases.newFolder().toString());
        settings.put(ReceiverConfig.BROKER_URI, brokerUri);
        settings.put(ReceiverConfig.JDBC_URL, jdbcUrl);
        settings.put(ReceiverConfig.MQTT_CLIENT_ID, "health-it");
        settings.put(ReceiverConfig.WEB_ENABLED, "false");
        settings.put(ReceiverConfig.HEALTH_PORT, "0");
        Receiver receiver = Receiver.start(ReceiverConfig.from(settings), Clock.systemUTC(), List.of());
        assertTrue(receiver.awaitReady(WAIT), "receiver did not subscribe");
        return receiver;
    }

    @Test
    void readiness_follows_the_database_and_the_broker_away_and_back() throws Exception {
        try (MosquittoBroker broker = MosquittoBroker.start();
             TcpProxy brokerLink = TcpProxy.start(broker.port())) {
            String pgUrl = databases.newUrl(Database.Dialect.POSTGRESQL);
            int pgPort = Integer.parseInt(pgUrl.replaceAll("^jdbc:postgresql://127\\.0\\.0\\.1:(\\d+)/.*$", "$1"));
            try (TcpProxy dbLink = TcpProxy.start(pgPort);
                 Receiver receiver = start(brokerLink.uri(), pgUrl.replace(":" + pgPort + "/", ":" + dbLink.port() + "/"))) {
                int port = receiver.health().orElseThrow().port();
                awaitReady(port, true, r -> true);

                dbLink.cut();
                JsonNode down = awaitReady(port, false, r -> !r.at("/checks/database/ok").asBoolean());
                assertTrue(down.at("/checks/database/detail").asText().startsWith("unreachable"), down.toString());
                assertEquals(200, get(port, "/health/live").statusCode(), "alive while the database is away");
                dbLink.restore();
                JsonNode back = awaitReady(port, true, r -> true);
                assertTrue(back.at("/checks/migrations/ok").asBoolean(), back.toString());

                brokerLink.cut();
                JsonNode noBroker = awaitReady(port, false, r -> !r.at("/checks/broker/ok").asBoolean());
                assertTrue(noBroker.at("/checks/database/ok").asBoolean(), "only the broker is away: " + noBroker);
                brokerLink.restore();
                awaitReady(port, true, r -> true);
            }
        }
    }

    @Test
    void metrics_are_prometheus_text_and_count_the_traffic() throws Exception {
        SampleMessages home = SampleMessages.of("home-0001");
        try (MosquittoBroker broker = MosquittoBroker.start();
             Receiver receiver = start(broker.uri(), databases.newUrl(Database.Dialect.SQLITE))) {
            int port = receiver.health().orElseThrow().port();
            receiver.registry().enroll(TestKeys.device("home-0001").verificationKey());
            String before = metrics(port);
            checkPrometheusText(before);
            assertEquals(0.0, value(before, "breathgate_evidence_stored_total", ""), before);
            assertEquals(0.0, value(before, "breathgate_devices_online", ""), before);
            try (FakeDevice device = new FakeDevice(broker.uri(), TestKeys.device("home-0001"), receiver.receiverKey())) {
                device.send(home.soberReading(1));
                device.send(home.soberReading(2));
                device.send(home.soberReading(1)); // the same reading again: a duplicate
                device.send(home.status(2, 1, 7_200)); // one reading has waited two hours for its ack
                device.publish("breathgate/v1/devices/home-0001/up/reading", "not a signed message".getBytes(StandardCharsets.UTF_8));
                for (int i = 0; i < 3; i++) {
                    device.nextAck(WAIT);
                }
            }
            long deadline = System.nanoTime() + WAIT.toNanos();
            String page;
            do {
                page = metrics(port);
                if (value(page, "breathgate_messages_received_total", "") >= 5 && value(page, "breathgate_statuses_received_total", "") >= 1
                        && sumOf(page, "breathgate_messages_quarantined_total") >= 1) {
                    break;
                }
                Thread.sleep(200);
            } while (System.nanoTime() < deadline);
            checkPrometheusText(page);
            assertEquals(2.0, value(page, "breathgate_evidence_stored_total", ""), page);
            assertEquals(1.0, value(page, "breathgate_evidence_duplicates_total", ""), page);
            assertTrue(value(page, "breathgate_acks_sent_total", "") >= 1, page);
            assertEquals(5.0, value(page, "breathgate_messages_received_total", ""), page);
            assertEquals(1.0, sumOf(page, "breathgate_messages_quarantined_total"), page);
            assertTrue(value(page, "breathgate_verify_seconds_count", "") >= 5, page);
            assertTrue(value(page, "breathgate_commit_seconds_count", "") >= 1, page);
            assertTrue(value(page, "breathgate_commit_seconds_sum", "") > 0, page);
            assertEquals(0.0, value(page, "breathgate_deliveries_pending", "channel=\"email\""), page);
            assertEquals(0.0, value(page, "breathgate_alerts_open", "kind=\"confirmed_positive\""), page);
            // The database figures are refreshed at most every 10 s: the heartbeat shows within that.
            deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (value(page, "breathgate_devices_online", "") < 1 && System.nanoTime() < deadline) {
                Thread.sleep(500);
                page = metrics(port);
            }
            assertEquals(1.0, value(page, "breathgate_devices_online", ""), page);
            assertEquals(1.0, value(page, "breathgate_device_outbox_depth_max", ""), page);
            assertEquals(7_200.0, value(page, "breathgate_device_outbox_oldest_seconds_max", ""), page);
            assertTrue(page.contains("jvm_memory_used_bytes"), "the JVM's own meters are there too");
            checkAlertRules(page);
        }
    }

    /**
     * The alert rules docs/operations.md gives (config/prometheus/breathgate-alerts.yml, shown in the doc as they are) are
     * valid Prometheus rules ({@code promtool check rules}, where installed) and use only metrics this page has.
     */
    private static void checkAlertRules(String page) throws Exception {
        Path root = Path.of(System.getProperty("user.dir")).resolve("../..").normalize();
        Path rules = root.resolve("config/prometheus/breathgate-alerts.yml");
        String text = Files.readString(rules);
        String doc = Files.readString(root.resolve("docs/operations.md"));
        assertTrue(doc.contains(text.substring(text.indexOf("groups:"))), "docs/operations.md shows " + rules + " as it is");
        Matcher names = Pattern.compile("\\bbreathgate_[a-z_]+").matcher(text);
        int used = 0;
        while (names.find()) {
            used++;
            assertTrue(Pattern.compile("^" + names.group() + "[{ ]", Pattern.MULTILINE).matcher(page).find(),
                    "the rule's metric " + names.group() + " is on the page");
        }
        assertTrue(used >= 10, "the rules use the receiver's metrics: " + used);
        Path promtool = Path.of("/usr/bin/promtool");
        if (Files.isExecutable(promtool)) {
            Process p = new ProcessBuilder(promtool.toString(), "check", "rules", rules.toString()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
            assertEquals(0, p.exitValue(), "promtool check rules:\n" + out);
        }
    }

    private JsonNode awaitReady(int port, boolean ready, Predicate<JsonNode> also) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        JsonNode last = null;
        int lastStatus = 0;
        while (System.nanoTime() < deadline) {
            HttpResponse<String> r = get(port, "/health/ready");
            lastStatus = r.statusCode();
            last = JSON.readTree(r.body());
            if ((lastStatus == 200) == ready && last.get("ready").asBoolean() == ready && also.test(last)) {
                return last;
            }
            Thread.sleep(200);
        }
        fail("readiness did not turn " + (ready ? "ready" : "unready") + " within " + WAIT + "; last: " + lastStatus + " " + last);
        return last;
    }

    private String metrics(int port) throws Exception {
        HttpResponse<String> r = get(port, "/metrics");
        assertEquals(200, r.statusCode());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"), r.headers().toString());
        return r.body();
    }

    private HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The sample's value, e.g. {@code value(page, "breathgate_alerts_open", "kind=\"tamper\"")}; fails if absent. */
    private static double value(String page, String name, String labels) {
        Pattern p = Pattern.compile("^" + Pattern.quote(name) + (labels.isEmpty() ? "" : "\\{[^}]*" + Pattern.quote(labels) + "[^}]*\\}")
                + " (\\S+)$", Pattern.MULTILINE);
        Matcher m = p.matcher(page);
        if (!m.find()) {
            fail("no sample " + name + (labels.isEmpty() ? "" : "{" + labels + "}") + " on the page");
        }
        return Double.parseDouble(m.group(1));
    }

    private static double sumOf(String page, String name) {
        Matcher m = Pattern.compile("^" + Pattern.quote(name) + "\\{[^}]*\\} (\\S+)$", Pattern.MULTILINE).matcher(page);
        double sum = 0;
        while (m.find()) {
            sum += Double.parseDouble(m.group(1));
        }
        return sum;
    }

    /**
     * The page is Prometheus's text format: {@code promtool check metrics} (Debian's {@code prometheus}) when it is
     * installed, which .ci/run does; otherwise, outside CI, every line against the format's grammar.
     */
    private static void checkPrometheusText(String page) throws Exception {
        Path promtool = Path.of("/usr/bin/promtool");
        if (Files.isExecutable(promtool)) {
            Process p = new ProcessBuilder(promtool.toString(), "check", "metrics").redirectErrorStream(true).start();
            try (var in = p.getOutputStream()) {
                in.write(page.getBytes(StandardCharsets.UTF_8));
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
            // promtool exits 3 for lint warnings only (e.g. a counter's help text); 1 is a parse error.
            assertTrue(p.exitValue() == 0 || p.exitValue() == 3, "promtool check metrics (" + p.exitValue() + "):\n" + out);
            assertTrue(!out.contains("error while linting") && !out.contains("parse error"), out);
            return;
        }
        assumeTrue(!"root".equals(System.getProperty("user.name")) || !"true".equals(System.getenv("CI")),
                "promtool is missing in CI: .ci/run installs Debian's prometheus");
        Pattern sample = Pattern.compile("^[a-zA-Z_:][a-zA-Z0-9_:]*(\\{([a-zA-Z_][a-zA-Z0-9_]*=\"([^\"\\\\\\n]|\\\\[\"\\\\n])*\",?)*\\})? "
                + "(NaN|[+-]Inf|[+-]?[0-9.]+([eE][+-]?[0-9]+)?)( -?[0-9]+)?$");
        Pattern comment = Pattern.compile("^# (HELP [a-zA-Z_:][a-zA-Z0-9_:]* .*|TYPE [a-zA-Z_:][a-zA-Z0-9_:]* (counter|gauge|histogram|summary|untyped)|EOF)$");
        for (String line : page.split("\n")) {
            assertTrue(line.isEmpty() || sample.matcher(line).matches() || comment.matcher(line).matches(), "not Prometheus text: " + line);
        }
    }
}
