package org.breathgate.receiver.app;

import org.breathgate.receiver.evidence.db.TestDatabases;

import org.breathgate.protocol.Ack;
import org.breathgate.protocol.MessageType;
import org.breathgate.protocol.Topics;
import org.breathgate.receiver.app.config.ReceiverConfig;
import org.breathgate.receiver.evidence.store.EvidenceListener;
import org.breathgate.receiver.evidence.db.Database;
import org.breathgate.receiver.evidence.store.SeqRange;
import org.breathgate.receiver.evidence.store.StoredEvent;
import org.breathgate.testkit.MosquittoBroker;
import org.breathgate.testkit.Ports;
import org.breathgate.testkit.SampleMessages;
import org.breathgate.testkit.TestKeys;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The receiver end to end: a real broker, real devices' signed messages, a real database. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReceiverIngestIT {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private final TestDatabases databases = new TestDatabases();
    private final SampleMessages home1 = SampleMessages.of("home-0001");
    /** One receiver key for all instances, as in a scaled-out deployment. */
    private final Path receiverKeyFile = databases.newFolder().resolve("receiver-key.pem");

    @AfterAll
    void closeDatabases() {
        databases.close();
    }

    private Receiver startReceiver(String brokerUri, String jdbcUrl, String clientId, EvidenceListener... listeners) throws InterruptedException {
        Path dataDir = databases.newFolder();
        Map<String, String> settings = new HashMap<>();
        settings.put(ReceiverConfig.DATA_DIR, dataDir.toString());
        settings.put(ReceiverConfig.BROKER_URI, brokerUri);
        settings.put(ReceiverConfig.JDBC_URL, jdbcUrl);
        settings.put(ReceiverConfig.MQTT_CLIENT_ID, clientId);
        settings.put(ReceiverConfig.RECEIVER_KEY_FILE, receiverKeyFile.toString());
        settings.put(ReceiverConfig.WEB_ENABLED, "false"); // about ingest; the web server would take port 8443
        Receiver receiver = Receiver.start(ReceiverConfig.from(settings), Clock.systemUTC(), List.of(listeners));
        assertTrue(receiver.awaitReady(WAIT), "receiver did not subscribe");
        return receiver;
    }

    private static void enroll(Receiver receiver, String... deviceIds) {
        for (String id : deviceIds) {
            receiver.registry().enroll(TestKeys.device(id).verificationKey());
        }
    }

    @ParameterizedTest
    @EnumSource(Database.Dialect.class)
    void a_genuine_reading_is_stored_once_and_redelivery_is_acked_as_duplicate(Database.Dialect dialect) throws Exception {
        List<StoredEvent> heard = new CopyOnWriteArrayList<>();
        try (MosquittoBroker broker = MosquittoBroker.start();
             Receiver receiver = startReceiver(broker.uri(), databases.newUrl(dialect), "r1", heard::add)) {
            enroll(receiver, "home-0001");
            try (FakeDevice device = new FakeDevice(broker.uri(), TestKeys.device("home-0001"), receiver.receiverKey())) {
                byte[] sent = device.send(home1.soberReading(1));
                assertEquals(new Ack.Entry(1, Ack.Result.STORED, null), device.nextAck(WAIT));
                device.publish(Topics.uplink("home-0001", MessageType.READING), sent);
                assertEquals(new Ack.Entry(1, Ack.Result.DUPLICATE, null), device.nextAck(WAIT));

                assertEquals(1, receiver.store().count("home-0001"));
                assertEquals(new String(sent, StandardCharsets.US_ASCII), receiver.store().event("home-0001", 1).orElseThrow().compact());
                assertEquals(1, heard.size());
                assertEquals(0, device.badAcks());
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Database.Dialect.class)
    void every_rejection_cause_is_quarantined_with_its_reason_unknown_devices_are_dropped_and_only_authenticated_devices_are_acked(Database.Dialect dialect)
            throws Exception {
        try (MosquittoBroker broker = MosquittoBroker.start();
             Receiver receiver = startReceiver(broker.uri(), databases.newUrl(dialect), "r1")) {
            enroll(receiver, "home-0001", "home-0002", "home-0003");
            receiver.registry().revokeDevice("home-0003");
            SampleMessages home2 = SampleMessages.of("home-0002");
            SampleMessages home3 = SampleMessages.of("home-0003");
            SampleMessages stranger = SampleMessages.of("home-0099");
            String readingTopic = Topics.uplink("home-0001", MessageType.READING);
            try (FakeDevice device1 = new FakeDevice(broker.uri(), TestKeys.device("home-0001"), receiver.receiverKey());
                 FakeDevice device2 = new FakeDevice(broker.uri(), TestKeys.device("home-0002"), receiver.receiverKey());
                 FakeDevice device3 = new FakeDevice(broker.uri(), TestKeys.device("home-0003"), receiver.receiverKey())) {
                String genuine = home1.sign(home1.soberReading(1)).compact();
                String forged = genuine.substring(0, genuine.length() - 1) + (genuine.endsWith("A") ? "B" : "A");
                device1.publish(readingTopic, forged.getBytes(StandardCharsets.US_ASCII));                      // bad_signature
                device1.publish(Topics.uplink("home-0099", MessageType.READING), stranger.sign(stranger.soberReading(1)).bytes()); // dropped: no such device
                device1.publish(readingTopic, new org.breathgate.protocol.MessageSigner(TestKeys.device("home-0001", 5))
                        .sign(home1.soberReading(9)).bytes());                                                  // unknown_key
                device3.send(home3.soberReading(1));                                                            // revoked_device
                device1.publish(readingTopic, "{\"not\":\"a jws\"}".getBytes(StandardCharsets.UTF_8));          // malformed_compact
                device1.publish(readingTopic, new byte[20_000]);                                                // oversized
                device2.publish(readingTopic, home2.sign(home2.soberReading(1)).bytes());                       // kid_mismatch
                device1.publish(Topics.uplink("home-0001", MessageType.STATUS), home1.sign(home1.soberReading(2)).bytes()); // misrouted: stored
                device1.send(home1.soberReading(3));
                device1.send(home1.positiveReading(3));                                                         // seq_reused

                Eventually.await(WAIT, "ten messages handled",
                        () -> receiver.stats().stored() == 2 && receiver.stats().quarantined().values().stream().mapToLong(Long::longValue).sum() == 7
                                && receiver.stats().dropped().getOrDefault("unknown_device", 0L) == 1,
                        () -> receiver.stats().toString());
                Map<String, Long> expected = Map.of("bad_signature", 1L, "unknown_key", 1L, "revoked_device", 1L,
                        "malformed_compact", 1L, "oversized", 1L, "kid_mismatch", 1L, "seq_reused", 1L);
                assertEquals(expected, receiver.store().quarantineCounts());
                assertEquals(expected, receiver.stats().quarantined());

                List<Ack.Entry> acks = new ArrayList<>();
                Eventually.await(WAIT, "three acks to home-0001", () -> {
                    acks.addAll(device1.drainAcks());
                    return acks.size() >= 3;
                }, acks::toString);
                assertTrue(acks.contains(new Ack.Entry(2, Ack.Result.STORED, null)), "a genuine reading on the status topic is"
                        + " stored by its signed type, never acked quarantined: " + acks);
                assertTrue(acks.contains(new Ack.Entry(3, Ack.Result.STORED, null)), acks.toString());
                assertTrue(acks.contains(new Ack.Entry(3, Ack.Result.QUARANTINED, "seq_reused")), acks.toString());
                assertNull(device2.pollAck(Duration.ofMillis(300)), "a kid mismatch must not be acked");
                assertNull(device3.pollAck(Duration.ofMillis(1)), "a revoked device must not be acked");
                assertNull(device1.pollAck(Duration.ofMillis(1)), "unverifiable messages must not be acked");
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Database.Dialect.class)
    void two_receivers_on_one_shared_subscription_store_each_reading_exactly_once(Database.Dialect dialect) throws Exception {
        int devices = 6;
        int perDevice = 100;
        String url = databases.newUrl(dialect);
        try (MosquittoBroker broker = MosquittoBroker.start();
             Receiver first = startReceiver(broker.uri(), url, "r1");
             Receiver second = startReceiver(broker.uri(), url, "r2")) {
            List<FakeDevice> fleet = new ArrayList<>();
            try {
                for (int d = 1; d <= devices; d++) {
                    String id = "home-%04d".formatted(d);
                    enroll(first, id);
                    fleet.add(new FakeDevice(broker.uri(), TestKeys.device(id), first.receiverKey()));
                }
                for (int seq = 1; seq <= perDevice; seq++) {
                    for (FakeDevice device : fleet) {
                        SampleMessages samples = SampleMessages.of(device.deviceId());
                        device.publishAsync(Topics.uplink(device.deviceId(), MessageType.READING),
                                samples.sign(samples.soberReading(seq)).bytes());
                    }
                }
                Eventually.await(Duration.ofSeconds(60), "every reading acked",
                        () -> fleet.stream().allMatch(d -> d.ackedCount() == perDevice),
                        () -> "first " + first.stats() + ", second " + second.stats());
                for (FakeDevice device : fleet) {
                    assertEquals(perDevice, first.store().count(device.deviceId()));
                    assertEquals(List.<SeqRange>of(), first.store().gaps(device.deviceId()));
                }
                assertEquals((long) devices * perDevice, first.stats().stored() + second.stats().stored());
                assertEquals(0, fleet.stream().mapToInt(FakeDevice::badAcks).sum());
                assertTrue(first.stats().stored() > 0 && second.stats().stored() > 0,
                        "the broker should share the load: first " + first.stats() + ", second " + second.stats());
            } finally {
                for (FakeDevice device : fleet) {
                    device.close();
                }
            }
        }
    }

    @Test
    void gaps_include_the_tail_a_status_reports_and_the_status_is_kept_as_latest() throws Exception {
        try (MosquittoBroker broker = MosquittoBroker.start();
             Receiver receiver = startReceiver(broker.uri(), databases.newUrl(Database.Dialect.SQLITE), "r1")) {
            enroll(receiver, "home-0001");
            try (FakeDevice device = new FakeDevice(broker.uri(), TestKeys.device("home-0001"), receiver.receiverKey())) {
                device.send(home1.soberReading(1));
                device.send(home1.missedTest(3));
                device.send(home1.status(5));
                Eventually.await(WAIT, "two events and a status", () -> receiver.stats().stored() == 2 && receiver.stats().statuses() == 1,
                        () -> receiver.stats().toString());
                assertEquals(List.of(new SeqRange(2, 2), new SeqRange(4, 5)), receiver.store().gaps("home-0001"));
                assertEquals(5, receiver.store().latestStatus("home-0001").orElseThrow().status().lastSeq());
            }
        }
    }

    @Test
    void after_a_broker_restart_the_receiver_reconnects_and_ingests_again() throws Exception {
        try (MosquittoBroker broker = MosquittoBroker.start();
             Receiver receiver = startReceiver(broker.uri(), databases.newUrl(Database.Dialect.SQLITE), "r1")) {
            enroll(receiver, "home-0001");
            broker.restart();
            Eventually.await(WAIT, "receiver reconnected and resubscribed", () -> {
                try (FakeDevice device = new FakeDevice(broker.uri(), TestKeys.device("home-0001"), receiver.receiverKey())) {
                    device.send(home1.soberReading(1));
                    return device.pollAck(Duration.ofMillis(500)) != null;
                } catch (Exception e) {
                    return false;
                }
            }, () -> receiver.stats().toString());
            assertEquals(1, receiver.store().count("home-0001"));
        }
    }

    @Test
    void the_receiver_with_its_embedded_broker_ingests_and_keeps_evidence_and_key_across_restarts() throws Exception {
        Path dataDir = databases.newFolder();
        int port = Ports.free();
        ReceiverConfig config = ReceiverConfig.from(Map.of(ReceiverConfig.DATA_DIR, dataDir.toString(),
                ReceiverConfig.EMBEDDED_PORT, Integer.toString(port), ReceiverConfig.EMBEDDED_TLS_PORT, "0", ReceiverConfig.MQTT_CLIENT_ID, "embedded-test",
                ReceiverConfig.WEB_ENABLED, "false"));
        org.breathgate.protocol.VerificationKey firstKey;
        try (Receiver receiver = Receiver.start(config, Clock.systemUTC(), List.of())) {
            assertTrue(receiver.awaitReady(WAIT));
            enroll(receiver, "home-0001");
            firstKey = receiver.receiverKey();
            try (FakeDevice device = FakeDevice.loggedIn(receiver, TestKeys.device("home-0001"))) {
                device.send(home1.soberReading(1));
                assertEquals(Ack.Result.STORED, device.nextAck(WAIT).result());
            }
        }
        try (Receiver again = Receiver.start(config, Clock.systemUTC(), List.of())) {
            assertTrue(again.awaitReady(WAIT));
            assertEquals(firstKey, again.receiverKey());
            assertEquals(1, again.store().count("home-0001"));
            try (FakeDevice device = FakeDevice.loggedIn(again, TestKeys.device("home-0001"))) {
                device.send(home1.soberReading(1));
                assertEquals(Ack.Result.DUPLICATE, device.nextAck(WAIT).result());
            }
        }
    }
}
