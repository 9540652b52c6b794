package org.breathgate.receiver.ingest.mqtt;

import org.breathgate.protocol.KeyId;
import org.breathgate.protocol.MessageType;
import org.breathgate.protocol.Topics;
import org.breathgate.receiver.evidence.db.TestDatabases;
import org.breathgate.receiver.evidence.device.DeviceRegistry;
import org.breathgate.receiver.evidence.db.Database;
import org.breathgate.receiver.evidence.store.Write;
import org.breathgate.testkit.SampleMessages;
import org.breathgate.testkit.TestKeys;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IngestorTest {

    private static final Instant NOW = Instant.parse("2026-03-02T08:00:00Z");
    private static final String READING_TOPIC = Topics.uplink("home-0001", MessageType.READING);

    private final TestDatabases databases = new TestDatabases();
    private final SampleMessages home = SampleMessages.of("home-0001");
    private Database database;
    private DeviceRegistry registry;
    private Ingestor ingestor;

    @BeforeEach
    void enrollDevices() {
        database = databases.open(Database.Dialect.SQLITE);
        registry = new DeviceRegistry(database, Clock.fixed(NOW, ZoneOffset.UTC));
        registry.enroll(TestKeys.device("home-0001").verificationKey());
        registry.enroll(TestKeys.device("home-0002").verificationKey());
        ingestor = new Ingestor(registry, java.time.Duration.ofMinutes(5));
    }

    @AfterEach
    void close() {
        database.close();
        databases.close();
    }

    private Ingestor.Decision classify(String topic, byte[] payload) {
        return ingestor.classify(topic, payload, NOW);
    }

    private static Write.Quarantine quarantined(Ingestor.Decision decision, String reason) {
        Write.Quarantine q = assertInstanceOf(Write.Quarantine.class, decision.write());
        assertEquals(reason, q.reason(), q.detail());
        return q;
    }

    @Test
    void a_genuine_reading_is_evidence_and_is_acked() {
        Ingestor.Decision decision = classify(READING_TOPIC, home.sign(home.soberReading(1)).bytes());
        Write.Evidence evidence = assertInstanceOf(Write.Evidence.class, decision.write());
        assertEquals(1, evidence.event().seq());
        assertTrue(decision.ackable());
    }

    @Test
    void a_status_is_saved_and_not_acked() {
        Ingestor.Decision decision = classify(Topics.uplink("home-0001", MessageType.STATUS), home.sign(home.status(3)).bytes());
        assertInstanceOf(Write.Status.class, decision.write());
        assertFalse(decision.ackable());
    }

    @Test
    void a_bad_signature_is_quarantined_and_not_acked() {
        String compact = home.sign(home.soberReading(1)).compact();
        char last = compact.charAt(compact.length() - 2);
        String forged = compact.substring(0, compact.length() - 2) + (last == 'A' ? 'B' : 'A') + compact.charAt(compact.length() - 1);
        Ingestor.Decision decision = classify(READING_TOPIC, forged.getBytes(StandardCharsets.US_ASCII));
        quarantined(decision, "bad_signature");
        assertFalse(decision.ackable());
    }

    @Test
    void traffic_for_a_device_nobody_enrolled_is_dropped_without_a_write() {
        SampleMessages stranger = SampleMessages.of("home-0099");
        Ingestor.Decision decision = classify(Topics.uplink("home-0099", MessageType.READING),
                stranger.sign(stranger.soberReading(1)).bytes());
        assertEquals(Ingestor.UNKNOWN_DEVICE, decision.dropped());
        assertNull(decision.write());
        assertFalse(decision.ackable());
    }

    @Test
    void a_key_version_never_enrolled_of_a_known_device_is_quarantined_as_unknown_key() {
        byte[] unknownVersion = new org.breathgate.protocol.MessageSigner(TestKeys.device("home-0001", 7)).sign(home.soberReading(1)).bytes();
        quarantined(classify(READING_TOPIC, unknownVersion), "unknown_key");
    }

    @Test
    void a_revoked_device_is_quarantined_as_revoked_device() {
        registry.revokeDevice("home-0001");
        quarantined(classify(READING_TOPIC, home.sign(home.soberReading(1)).bytes()), QuarantineReasons.REVOKED_DEVICE);
    }

    @Test
    void a_revoked_key_version_is_quarantined_as_revoked_key_while_the_new_one_works() {
        registry.enroll(TestKeys.device("home-0001", 2).verificationKey());
        registry.revokeKey(new KeyId("home-0001", 1));
        quarantined(classify(READING_TOPIC, home.sign(home.soberReading(1)).bytes()), QuarantineReasons.REVOKED_KEY);

        byte[] rotated = new org.breathgate.protocol.MessageSigner(TestKeys.device("home-0001", 2)).sign(home.soberReading(2)).bytes();
        assertInstanceOf(Write.Evidence.class, classify(READING_TOPIC, rotated).write());
    }

    @Test
    void malformed_json_is_quarantined_with_the_protocol_code() {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String compact = b64.encodeToString("{\"alg\":".getBytes(StandardCharsets.UTF_8)) + "." + b64.encodeToString("{}".getBytes(StandardCharsets.UTF_8))
                + "." + b64.encodeToString(new byte[64]);
        quarantined(classify(READING_TOPIC, compact.getBytes(StandardCharsets.US_ASCII)), "malformed_json");
    }

    @Test
    void bytes_that_are_no_jws_at_all_are_quarantined_as_malformed_compact() {
        quarantined(classify(READING_TOPIC, "hello world".getBytes(StandardCharsets.UTF_8)), "malformed_compact");
    }

    @Test
    void an_oversized_payload_is_quarantined_as_oversized() {
        quarantined(classify(READING_TOPIC, new byte[20_000]), "oversized");
    }

    @Test
    void a_genuine_reading_on_the_status_topic_is_evidence_by_its_signed_type_and_the_mismatch_is_recorded() {
        String statusTopic = Topics.uplink("home-0001", MessageType.STATUS);
        Ingestor.Decision decision = classify(statusTopic, home.sign(home.soberReading(4)).bytes());
        Write.Evidence evidence = assertInstanceOf(Write.Evidence.class, decision.write());
        assertEquals(4, evidence.event().seq());
        assertEquals(statusTopic, evidence.misroutedTopic());
        assertTrue(decision.misrouted());
        assertTrue(decision.ackable(), "acked as what it is: stored or duplicate, never quarantined");
    }

    @Test
    void a_status_on_the_reading_topic_is_still_a_status() {
        Ingestor.Decision decision = classify(READING_TOPIC, home.sign(home.status(3)).bytes());
        assertInstanceOf(Write.Status.class, decision.write());
        assertTrue(decision.misrouted());
    }

    @Test
    void a_topic_that_is_not_a_device_uplink_is_dropped_and_an_unknown_type_word_decides_nothing() {
        Write.Evidence e = assertInstanceOf(Write.Evidence.class,
                classify("breathgate/v1/devices/home-0001/up/bogus", home.sign(home.soberReading(1)).bytes()).write());
        assertEquals("breathgate/v1/devices/home-0001/up/bogus", e.misroutedTopic());
        assertEquals(Ingestor.NOT_AN_UPLINK, classify(Topics.downlink("home-0001", MessageType.ACK), home.sign(home.soberReading(1)).bytes())
                .dropped());
        assertEquals(Ingestor.NOT_AN_UPLINK, classify("elsewhere/entirely", home.sign(home.soberReading(1)).bytes()).dropped());
    }

    @Test
    void a_synchronised_device_clock_six_hours_ahead_is_doubted_and_one_in_step_is_not() {
        SampleMessages ahead = SampleMessages.of("home-0001").at(NOW.plus(java.time.Duration.ofHours(6)));
        Write.Evidence flagged = assertInstanceOf(Write.Evidence.class,
                classify(READING_TOPIC, ahead.sign(ahead.soberReading(1)).bytes()).write());
        assertTrue(flagged.clockCheck() != null && flagged.clockCheck().startsWith("ahead"), flagged.clockCheck());

        SampleMessages inStep = SampleMessages.of("home-0002").at(NOW.minusSeconds(30));
        Write.Evidence fine = assertInstanceOf(Write.Evidence.class, classify(Topics.uplink("home-0002", MessageType.READING),
                inStep.sign(inStep.soberReading(1)).bytes()).write());
        assertNull(fine.clockCheck());
    }

    @Test
    void a_device_publishing_on_another_devices_topic_is_a_kid_mismatch_and_not_acked() {
        SampleMessages other = SampleMessages.of("home-0002");
        Ingestor.Decision decision = classify(READING_TOPIC, other.sign(other.soberReading(1)).bytes());
        Write.Quarantine q = quarantined(decision, "kid_mismatch");
        assertNull(q.seq());
        assertFalse(decision.ackable());
    }
}
