package org.breathgate.receiver.app;

import org.breathgate.protocol.Ack;
import org.breathgate.protocol.MessageType;
import org.breathgate.protocol.Topics;
import org.breathgate.receiver.evidence.db.TestDatabases;
import org.breathgate.testkit.SampleMessages;
import org.breathgate.testkit.TestKeys;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.breathgate.receiver.app.BrokerBench.WAIT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Devices known to the broker (issue 16), proven on both real brokers: the receiver's embedded HiveMQ and Debian's
 * Mosquitto with the dynamic security plugin, each with devices on its TLS listener, logins made by the receiver.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BrokerSecurityIT {

    private final TestDatabases folders = new TestDatabases();
    private final SampleMessages home1 = SampleMessages.of("home-0001");
    private final SampleMessages home2 = SampleMessages.of("home-0002");

    @AfterAll
    void cleanUp() {
        folders.close();
    }

    private BrokerBench bench(BrokerBench.Kind kind) throws Exception {
        return BrokerBench.start(kind, folders.newFolder(), Clock.systemUTC(), Map.of());
    }

    @ParameterizedTest
    @EnumSource(BrokerBench.Kind.class)
    void anonymous_clients_are_refused_and_cannot_read_the_devices_topics(BrokerBench.Kind kind) throws Exception {
        try (BrokerBench bench = bench(kind)) {
            bench.enroll("home-0001");
            MqttException refused = assertThrows(MqttException.class, () -> bench.deviceAs("home-0001", "snoop", null, null));
            assertTrue(refused.getReasonCode() == MqttException.REASON_CODE_NOT_AUTHORIZED
                    || refused.getReasonCode() == MqttException.REASON_CODE_FAILED_AUTHENTICATION, "reason " + refused.getReasonCode());
            // Nor on the receiver's own plain listener (the embedded broker's loopback one, or Mosquitto's).
            MqttClient snoop = new MqttClient(bench.receiver.brokerUri(), "snoop", new MemoryPersistence());
            assertThrows(MqttException.class, snoop::connect);
            snoop.close();
        }
    }

    @ParameterizedTest
    @EnumSource(BrokerBench.Kind.class)
    void a_device_reading_or_publishing_on_another_devices_topics_is_refused(BrokerBench.Kind kind) throws Exception {
        try (BrokerBench bench = bench(kind)) {
            String pw1 = bench.enroll("home-0001");
            String pw2 = bench.enroll("home-0002");
            try (FakeDevice device1 = bench.device("home-0001", pw1); FakeDevice device2 = bench.device("home-0002", pw2)) {
                for (String filter : List.of(Topics.downlinkFilter("home-0001"), "breathgate/v1/devices/#", Topics.RECEIVER_SHARED_SUBSCRIPTION)) {
                    try {
                        device2.subscribe(filter);
                    } catch (MqttException e) {
                        // refused outright: as good
                    }
                }
                // MQTT 3.1.1 cannot refuse a publish: the broker drops it (or closes the connection).
                try {
                    device2.publish(Topics.uplink("home-0001", MessageType.READING), home2.sign(home2.soberReading(1)).bytes());
                    // Junk, retained, on home-0001's configuration topic: it would make home-0001 sign config_rejected
                    // tamper events (false alerts), or erase its retained configuration.
                    device2.publishRetained(Topics.downlink("home-0001", MessageType.CONFIG), "junk".getBytes(StandardCharsets.US_ASCII));
                } catch (MqttException e) {
                    // closed: refused all the same
                }
                device1.subscribe(Topics.downlink("home-0001", MessageType.CONFIG));
                device1.send(home1.soberReading(1));
                assertEquals(new Ack.Entry(1, Ack.Result.STORED, null), device1.nextAck(WAIT));
                assertNull(device2.pollAck(Duration.ofMillis(500)), "home-0002 read home-0001's ack");
                assertEquals(0, device2.badAcks(), "home-0002 read something of home-0001's, or the receivers' uplink");
                assertEquals(0, device1.badAcks(), "home-0001 got the junk configuration");
                assertEquals(1, bench.receiver.stats().stored());
                assertEquals(Map.of(), bench.receiver.stats().quarantined(), "the receiver saw the cross-device publish");
            }
        }
    }

    @ParameterizedTest
    @EnumSource(BrokerBench.Kind.class)
    void a_device_cannot_take_the_receivers_or_another_devices_client_id(BrokerBench.Kind kind) throws Exception {
        try (BrokerBench bench = bench(kind)) {
            String pw1 = bench.enroll("home-0001");
            String pw2 = bench.enroll("home-0002");
            try (FakeDevice device2 = bench.device("home-0002", pw2)) {
                assertThrows(MqttException.class, () -> bench.deviceAs("home-0001", "home-0002", "home-0001", pw1), "another device's id");
                assertThrows(MqttException.class, () -> bench.deviceAs("home-0001", "receiver-bench", "home-0001", pw1), "the receiver's id");
                assertThrows(MqttException.class, () -> bench.deviceAs("home-0001", "receiver-bench-ack", "home-0001", pw1),
                        "the receiver's ack connection's id");
                Thread.sleep(300);
                assertTrue(device2.isConnected(), "home-0002 lost its session to an impostor");
                assertTrue(bench.receiver.awaitReady(Duration.ofSeconds(1)) && isConnected(bench), "the receiver lost its session");
                device2.send(home2.soberReading(1));
                assertEquals(new Ack.Entry(1, Ack.Result.STORED, null), device2.nextAck(WAIT));
            }
        }
    }

    private static boolean isConnected(BrokerBench bench) {
        return bench.receiver.brokerConnected();
    }

    @ParameterizedTest
    @EnumSource(BrokerBench.Kind.class)
    void a_one_megabyte_publish_is_refused_without_harm(BrokerBench.Kind kind) throws Exception {
        try (BrokerBench bench = bench(kind)) {
            String pw1 = bench.enroll("home-0001");
            try (FakeDevice device = bench.device("home-0001", pw1)) {
                try {
                    device.publish(Topics.uplink("home-0001", MessageType.READING), new byte[1024 * 1024]);
                } catch (MqttException e) {
                    // the broker closes the connection: refused
                }
                Eventually.await(Duration.ofSeconds(5), "the broker closes the connection", () -> !device.isConnected(), bench::log);
            }
            assertTrue(bench.receiver.brokerConnected(), "the receiver was harmed");
            assertEquals(Map.of(), bench.receiver.stats().quarantined(), "nothing of it reached the receiver");
            try (FakeDevice again = bench.device("home-0001", pw1)) {
                again.send(home1.soberReading(1));
                assertEquals(new Ack.Entry(1, Ack.Result.STORED, null), again.nextAck(WAIT));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(BrokerBench.Kind.class)
    void a_revoked_device_is_disconnected_within_a_second_and_its_login_stops_working(BrokerBench.Kind kind) throws Exception {
        try (BrokerBench bench = bench(kind)) {
            String pw1 = bench.enroll("home-0001");
            try (FakeDevice device = bench.device("home-0001", pw1)) {
                long start = System.nanoTime();
                String out = admin(bench, "revoke", "home-0001"); // another "process": the admin command opens the database itself
                assertTrue(out.contains("revoked home-0001"), out);
                Eventually.await(Duration.ofSeconds(5), "the device disconnected", () -> !device.isConnected(), bench::log);
                java.time.Instant gone = java.time.Instant.now();
                long command = (System.nanoTime() - start) / 1_000_000;
                java.time.Instant revoked = bench.receiver.registry().device("home-0001").orElseThrow().revokedAt();
                long millis = Duration.between(revoked, gone).toMillis();
                System.out.printf("revocation (%s): disconnected %d ms after the revocation was committed (%d ms after the admin"
                        + " command began, which opens the database first)%n", bench.kind, millis, command);
                assertTrue(millis < 1_000, "disconnected only " + millis + " ms after the revocation");
            }
            assertThrows(MqttException.class, () -> bench.device("home-0001", pw1), "the revoked login still works");
        }
    }

    @ParameterizedTest
    @EnumSource(BrokerBench.Kind.class)
    void the_admin_command_enroll_prints_a_login_that_works_with_no_file_edited(BrokerBench.Kind kind) throws Exception {
        try (BrokerBench bench = bench(kind)) {
            Path pem = bench.dataDir.resolve("home-0001.pub.pem");
            Files.writeString(pem, TestKeys.device("home-0001").verificationKey().toPem());
            String out = admin(bench, "enroll", "home-0001:1", pem.toString());
            Matcher login = Pattern.compile("broker login: user (\\S+) password (\\S+)").matcher(out);
            assertTrue(login.find(), out);
            assertEquals("home-0001", login.group(1));
            try (FakeDevice device = bench.device("home-0001", login.group(2))) {
                device.send(home1.soberReading(1));
                assertEquals(new Ack.Entry(1, Ack.Result.STORED, null), device.nextAck(WAIT));
            }
            // A new login replaces the old one, which stops working at once.
            String again = admin(bench, "broker-login", "home-0001");
            Matcher second = Pattern.compile("broker login: user (\\S+) password (\\S+)").matcher(again);
            assertTrue(second.find(), again);
            assertThrows(MqttException.class, () -> bench.device("home-0001", login.group(2)));
            try (FakeDevice device = bench.device("home-0001", second.group(2))) {
                device.send(home1.soberReading(2));
                assertEquals(new Ack.Entry(2, Ack.Result.STORED, null), device.nextAck(WAIT));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(BrokerBench.Kind.class)
    void a_device_enrolled_over_https_logs_in_with_the_login_in_its_answer(BrokerBench.Kind kind) throws Exception {
        try (BrokerBench bench = BrokerBench.start(kind, folders.newFolder(), Clock.systemUTC(),
                Map.of(org.breathgate.receiver.app.config.ReceiverConfig.DEVICE_API_ENABLED, "true",
                        org.breathgate.receiver.app.config.ReceiverConfig.DEVICE_API_PORT, "0"))) {
            var api = bench.receiver.deviceApi().orElseThrow();
            var http = java.net.http.HttpClient.newBuilder().sslContext(org.breathgate.testkit.PinnedTls.trusting(api.identity().certificate()))
                    .build();
            String base = "https://127.0.0.1:" + api.port();
            String token = bench.receiver.adminToken().orElseThrow().issue(java.time.Instant.now());
            var json = new com.fasterxml.jackson.databind.ObjectMapper();
            var code = json.readTree(http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "/api/v1/enrollment-codes"))
                    .header("Authorization", "Bearer " + token).POST(java.net.http.HttpRequest.BodyPublishers.noBody()).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString()).body()).get("code").asText();
            var key = org.breathgate.protocol.SigningKey.generate(new org.breathgate.protocol.KeyId("unnamed", 1), new java.security.SecureRandom());
            var jwk = (com.fasterxml.jackson.databind.node.ObjectNode) json.readTree(key.verificationKey().toJwk());
            jwk.remove("kid");
            jwk.remove("use");
            jwk.remove("alg");
            var request = json.createObjectNode().put("code", code).put("agent_version", "test");
            request.set("public_key", jwk);
            request.putObject("sensor").put("driver", "line").put("model", "Sim").put("serial", "S-1");
            var answer = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "/api/v1/enrollments"))
                    .header("Content-Type", "application/json").POST(java.net.http.HttpRequest.BodyPublishers.ofString(request.toString())).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertEquals(201, answer.statusCode(), answer.body());
            var enrolled = json.readTree(answer.body());
            String id = enrolled.get("device_id").asText();
            assertEquals(id, enrolled.get("mqtt_username").asText());
            assertEquals(bench.deviceUri(), enrolled.get("broker_uri").asText().replace("localhost", "127.0.0.1"));
            assertEquals(bench.receiver.deviceBrokerCaPem().orElseThrow(), enrolled.get("broker_ca_pem").asText());
            var signing = org.breathgate.protocol.SigningKey.fromPem(new org.breathgate.protocol.KeyId(id, 1), key.toPem());
            try (FakeDevice device = new FakeDevice(bench.deviceUri(), id, signing, bench.receiver.receiverKey(),
                    bench.login(id, enrolled.get("mqtt_password").asText()), true)) {
                device.send(SampleMessages.of(id).soberReading(1));
                assertEquals(new Ack.Entry(1, Ack.Result.STORED, null), device.nextAck(WAIT));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(BrokerBench.Kind.class)
    void a_genuine_reading_republished_on_another_topic_is_stored_and_never_acked_quarantined(BrokerBench.Kind kind) throws Exception {
        try (BrokerBench bench = bench(kind)) {
            String pw1 = bench.enroll("home-0001");
            try (FakeDevice device = bench.device("home-0001", pw1)) {
                // The exact signed bytes of a positive reading, first on up/status (whoever holds the device's login), then
                // where they belong.
                byte[] genuine = home1.sign(home1.positiveReading(1)).bytes();
                device.publish(Topics.uplink("home-0001", MessageType.STATUS), genuine);
                assertEquals(new Ack.Entry(1, Ack.Result.STORED, null), device.nextAck(WAIT), "stored by its signed type");
                device.publish(Topics.uplink("home-0001", MessageType.READING), genuine);
                assertEquals(new Ack.Entry(1, Ack.Result.DUPLICATE, null), device.nextAck(WAIT));
                device.publish("breathgate/v1/devices/home-0001/up/tamper", genuine);
                assertEquals(new Ack.Entry(1, Ack.Result.DUPLICATE, null), device.nextAck(WAIT));
                assertNull(device.pollAck(Duration.ofMillis(300)));
            }
            assertEquals(1, bench.receiver.store().count("home-0001"));
            assertTrue(bench.receiver.store().event("home-0001", 1).orElseThrow().event() instanceof org.breathgate.protocol.Reading);
            assertEquals(Map.of(), bench.receiver.store().quarantineCounts(), "nothing of it was quarantined");
            assertEquals(2, bench.receiver.stats().misrouted());
            var routing = org.breathgate.receiver.evidence.db.Sql.read(bench.receiver.database(), "routing", c -> {
                try (var q = c.prepareStatement("select arrived_topic, misrouted from evidence where device_id = 'home-0001' and seq = 1");
                     var rs = q.executeQuery()) {
                    rs.next();
                    return rs.getString(1) + " " + rs.getInt(2);
                }
            });
            assertEquals(Topics.uplink("home-0001", MessageType.STATUS) + " 2", routing, "the mismatch is recorded");
        }
    }

    @ParameterizedTest
    @EnumSource(BrokerBench.Kind.class)
    void a_quarantine_flood_stays_within_its_cap_and_is_counted(BrokerBench.Kind kind) throws Exception {
        try (BrokerBench bench = BrokerBench.start(kind, folders.newFolder(), Clock.systemUTC(),
                Map.of(org.breathgate.receiver.app.config.ReceiverConfig.QUARANTINE_MAX_ROWS_PER_DEVICE, "20",
                        org.breathgate.receiver.app.config.ReceiverConfig.QUARANTINE_MAX_ROWS, "30"))) {
            String pw1 = bench.enroll("home-0001");
            int flood = 300;
            try (FakeDevice device = bench.device("home-0001", pw1)) {
                for (int i = 0; i < flood; i++) {
                    device.publishAsync(Topics.uplink("home-0001", MessageType.READING), ("junk " + i).getBytes(StandardCharsets.US_ASCII));
                }
                Eventually.await(Duration.ofSeconds(60), "the flood handled",
                        () -> bench.receiver.stats().quarantined("malformed_compact") == flood, () -> bench.receiver.stats().toString());
                device.send(home1.soberReading(1));
                assertEquals(new Ack.Entry(1, Ack.Result.STORED, null), device.nextAck(WAIT), "genuine evidence still gets through");
            }
            var tally = bench.receiver.store().quarantineTally();
            System.out.printf("quarantine flood (%s): %d junk messages, %d rows kept (cap 20), %d counted and dropped%n", kind, flood,
                    tally.kept(), tally.dropped());
            assertEquals(20, tally.kept());
            assertEquals(flood - 20, tally.dropped());
            assertEquals(Map.of("home-0001|unverified", (long) flood - 20), tally.droppedBy());
            assertEquals(flood - 20, bench.receiver.stats().quarantineFull());
        }
    }

    @ParameterizedTest
    @EnumSource(BrokerBench.Kind.class)
    void a_device_clock_six_hours_ahead_is_flagged_filed_by_receive_time_and_alerted(BrokerBench.Kind kind) throws Exception {
        try (BrokerBench bench = bench(kind)) {
            java.time.Instant lent = java.time.Instant.now().minus(Duration.ofDays(1));
            var database = bench.receiver.database();
            new org.breathgate.receiver.care.people.Organisations(database).add(new org.breathgate.care.access.Organisation("sa-1",
                    "Substance-abuse service", org.breathgate.care.access.OrganisationKind.SUBSTANCE_ABUSE_SERVICE));
            new org.breathgate.receiver.care.people.Clients(database).add(org.breathgate.care.access.Client.open("client-a", "Parent A", "sa-1"),
                    lent);
            new org.breathgate.receiver.care.people.DeviceAssignments(database).assign("home-0001", "client-a", lent);
            String pw1 = bench.enroll("home-0001");
            java.time.Instant now = java.time.Instant.now();
            SampleMessages ahead = SampleMessages.of("home-0001").at(now.plus(Duration.ofHours(6)));
            try (FakeDevice device = bench.device("home-0001", pw1)) {
                device.send(ahead.positiveReading(1));
                assertEquals(new Ack.Entry(1, Ack.Result.STORED, null), device.nextAck(WAIT), "stored all the same: it is evidence");
            }
            var stored = bench.receiver.store().event("home-0001", 1).orElseThrow();
            assertTrue(stored.clockDoubted() && stored.clockCheck().startsWith("ahead"), String.valueOf(stored.clockCheck()));
            assertTrue(Duration.between(now, stored.attributionTime()).abs().compareTo(Duration.ofMinutes(1)) < 0,
                    "filed by its receive time, not six hours on: " + stored.attributionTime());
            bench.receiver.awaitCareIdle(WAIT);
            var alerts = bench.receiver.care().alerts().alertsFor(org.breathgate.care.access.Actor.substanceAbuseWorker("w", "sa-1"));
            assertTrue(alerts.stream().anyMatch(a -> a.kind() == org.breathgate.care.alert.AlertKind.CLOCK_DOUBTED
                    && a.audience().technicians()), alerts.toString());
            assertTrue(alerts.stream().anyMatch(a -> a.kind() == org.breathgate.care.alert.AlertKind.OVER_THRESHOLD), "the result itself"
                    + " still alerts, in the client's period: " + alerts);
        }
    }

    /** Runs {@code breathgate-receiver} with the bench's configuration, as an admin would; returns what it printed. */
    static String admin(BrokerBench bench, String... args) {
        List<String> all = new ArrayList<>();
        all.add("--config");
        all.add(bench.configFile().toString());
        all.addAll(List.of(args));
        PrintStream before = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int exit;
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            exit = new CommandLine(new ReceiverMain()).execute(all.toArray(String[]::new));
        } finally {
            System.setOut(before);
        }
        String printed = out.toString(StandardCharsets.UTF_8);
        assertEquals(0, exit, "breathgate-receiver " + String.join(" ", args) + " failed: " + printed);
        assertFalse(printed.isEmpty());
        return printed;
    }
}
