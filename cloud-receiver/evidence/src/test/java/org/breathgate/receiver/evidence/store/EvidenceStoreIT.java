package org.breathgate.receiver.evidence.store;

import org.breathgate.receiver.evidence.db.Database;

import org.breathgate.protocol.DeviceStatus;
import org.breathgate.protocol.KeyId;
import org.breathgate.protocol.MessageSigner;
import org.breathgate.protocol.SigningKey;
import org.breathgate.protocol.VerificationKey;
import org.breathgate.protocol.MessageType;
import org.breathgate.protocol.Reading;
import org.breathgate.protocol.SignedMessage;
import org.breathgate.receiver.evidence.db.TestDatabases;
import org.breathgate.testkit.SampleMessages;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.sql.SQLException;
import java.util.Base64;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EvidenceStoreIT {

    private static final Instant NOW = Instant.parse("2026-03-02T08:00:00Z");
    private final TestDatabases databases = new TestDatabases();
    private final SampleMessages home = SampleMessages.of("home-0001");

    @AfterAll
    void closeDatabases() {
        databases.close();
    }

    private static Write.Evidence evidence(SignedMessage signed) {
        return new Write.Evidence(signed, NOW);
    }

    @ParameterizedTest
    @EnumSource(Database.Dialect.class)
    void a_reading_is_stored_once_with_its_exact_bytes_and_again_is_a_duplicate(Database.Dialect dialect) throws SQLException {
        try (Database database = databases.open(dialect)) {
            EvidenceStore store = new EvidenceStore(database);
            EvidenceReader reader = new EvidenceReader(database);
            SignedMessage reading = home.sign(home.soberReading(1));
            assertEquals(List.of(Write.Result.STORED), store.write(List.of(evidence(reading))));
            assertEquals(List.of(Write.Result.DUPLICATE), store.write(List.of(evidence(reading))));

            StoredEvent stored = reader.event("home-0001", 1).orElseThrow();
            assertEquals(reading.compact(), stored.compact());
            assertEquals(reading.message(), stored.event());
            assertEquals(reading.keyId(), stored.keyId());
            assertEquals(1, reader.count("home-0001"));
        }
    }

    @ParameterizedTest
    @EnumSource(Database.Dialect.class)
    void the_same_seq_in_one_batch_twice_is_stored_then_a_duplicate(Database.Dialect dialect) throws SQLException {
        try (Database database = databases.open(dialect)) {
            SignedMessage reading = home.sign(home.soberReading(1));
            assertEquals(List.of(Write.Result.STORED, Write.Result.DUPLICATE),
                    new EvidenceStore(database).write(List.of(evidence(reading), evidence(reading))));
        }
    }

    /** A P-256 key whose signatures are randomised, as a TPM's are (JCA's SHA256withECDSA, not RFC 6979). */
    private static SigningKey randomisedP256(KeyId kid) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair pair = generator.generateKeyPair();
        VerificationKey publicKey = VerificationKey.fromPem(kid, "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder().encodeToString(pair.getPublic().getEncoded()) + "\n-----END PUBLIC KEY-----\n");
        return SigningKey.external(publicKey, data -> {
            Signature ecdsa = Signature.getInstance("SHA256withECDSA");
            ecdsa.initSign(pair.getPrivate());
            ecdsa.update(data);
            return ecdsa.sign();
        });
    }

    @ParameterizedTest
    @EnumSource(Database.Dialect.class)
    void an_es256_reading_signed_again_with_other_signature_bytes_is_a_duplicate_not_a_reused_seq(Database.Dialect dialect)
            throws Exception {
        MessageSigner signer = new MessageSigner(randomisedP256(new KeyId("home-0001", 1)));
        Reading reading = home.soberReading(7);
        SignedMessage first = signer.sign(reading);
        SignedMessage again = signer.sign(reading);
        assertEquals(first.compact().substring(0, first.compact().lastIndexOf('.')),
                again.compact().substring(0, again.compact().lastIndexOf('.')), "the same header and payload");
        assertNotEquals(first.compact(), again.compact(), "ECDSA signed the same content with other signature bytes");
        try (Database database = databases.open(dialect)) {
            EvidenceStore store = new EvidenceStore(database);
            EvidenceReader reader = new EvidenceReader(database);
            assertEquals(List.of(Write.Result.STORED), store.write(List.of(evidence(first))));
            assertEquals(List.of(Write.Result.DUPLICATE), store.write(List.of(evidence(again))));
            assertEquals(first.compact(), reader.event("home-0001", 7).orElseThrow().compact(), "the first signed bytes are kept");
            assertEquals(Map.of(), reader.quarantineCounts());
            // other content under the same seq is still a reused seq, whatever the signature
            assertEquals(List.of(Write.Result.SEQ_REUSED), store.write(List.of(evidence(signer.sign(home.positiveReading(7))))));
        }
    }

    @ParameterizedTest
    @EnumSource(Database.Dialect.class)
    void a_seq_reused_with_other_content_is_quarantined_and_the_original_kept(Database.Dialect dialect) throws SQLException {
        try (Database database = databases.open(dialect)) {
            EvidenceStore store = new EvidenceStore(database);
            EvidenceReader reader = new EvidenceReader(database);
            SignedMessage original = home.sign(home.soberReading(5));
            SignedMessage other = home.sign(home.positiveReading(5));
            store.write(List.of(evidence(original)));

            assertEquals(List.of(Write.Result.SEQ_REUSED), store.write(List.of(evidence(other))));

            assertEquals(original.compact(), reader.event("home-0001", 5).orElseThrow().compact());
            assertEquals(Map.of("seq_reused", 1L), reader.quarantineCounts());
            QuarantineRecord record = reader.quarantine("home-0001").get(0);
            assertEquals(5L, record.seq());
            assertArrayEquals(other.bytes(), record.raw());
        }
    }

    /** Evidence signed by version 1 of home-0001 after a rotation to version 2: ingest marks it superseded. */
    private static Write.Evidence byOldKey(SignedMessage signed) {
        return new Write.Evidence(signed, NOW, null, null, true);
    }

    @ParameterizedTest
    @EnumSource(Database.Dialect.class)
    void the_old_key_signing_above_a_number_the_new_key_signed_is_quarantined_and_the_outbox_tail_stored(Database.Dialect dialect)
            throws SQLException {
        MessageSigner newKey = new MessageSigner(org.breathgate.testkit.TestKeys.device("home-0001", 2));
        try (Database database = databases.open(dialect)) {
            EvidenceStore store = new EvidenceStore(database);
            EvidenceReader reader = new EvidenceReader(database);
            store.write(List.of(evidence(home.sign(home.soberReading(1))), evidence(home.sign(home.soberReading(2)))));
            // rotated: until the new key's first event is stored, nothing tells an old-key event from the outbox's tail
            assertEquals(List.of(Write.Result.STORED), store.write(List.of(byOldKey(home.sign(home.soberReading(3))))));
            assertEquals(List.of(Write.Result.STORED), store.write(List.of(evidence(newKey.sign(home.soberReading(5))))));

            // the outbox's tail, signed before the rotation, arrives late: below 5, it is the device's
            assertEquals(List.of(Write.Result.STORED), store.write(List.of(byOldKey(home.sign(home.soberReading(4))))));
            assertEquals(List.of(Write.Result.DUPLICATE), store.write(List.of(byOldKey(home.sign(home.soberReading(3))))));
            // above 5, the old key signed after the new one: the device never does that
            SignedMessage forged = home.sign(home.soberReading(6));
            assertEquals(List.of(Write.Result.KEY_SUPERSEDED), store.write(List.of(byOldKey(forged))));

            assertTrue(reader.event("home-0001", 6).isEmpty(), "not evidence");
            assertEquals(5, reader.count("home-0001"));
            assertEquals(Map.of("key_superseded", 1L), reader.quarantineCounts());
            QuarantineRecord record = reader.quarantine("home-0001").get(0);
            assertEquals(6L, record.seq());
            assertArrayEquals(forged.bytes(), record.raw());
            assertTrue(record.detail().contains("home-0001:1") && record.detail().contains("above 5") && record.detail().contains("home-0001:2"),
                    record.detail());

            // in one batch the new key's event counts before it is stored
            assertEquals(List.of(Write.Result.STORED, Write.Result.KEY_SUPERSEDED), store.write(List.of(
                    evidence(newKey.sign(home.soberReading(10))), byOldKey(home.sign(home.soberReading(12))))));
            // a write not marked superseded (the latest key's) is never checked
            assertEquals(List.of(Write.Result.STORED), store.write(List.of(evidence(home.sign(home.soberReading(13))))));
        }
    }

    @ParameterizedTest
    @EnumSource(Database.Dialect.class)
    void gaps_show_holes_and_the_tail_the_status_reported(Database.Dialect dialect) throws SQLException {
        try (Database database = databases.open(dialect)) {
            EvidenceStore store = new EvidenceStore(database);
            EvidenceReader reader = new EvidenceReader(database);
            store.write(List.of(evidence(home.sign(home.soberReading(2))), evidence(home.sign(home.soberReading(3))),
                    evidence(home.sign(home.soberReading(7)))));
            assertEquals(List.of(new SeqRange(1, 1), new SeqRange(4, 6)), reader.gaps("home-0001"));

            store.write(List.of(new Write.Status(home.sign(home.status(10)), NOW)));
            assertEquals(List.of(new SeqRange(1, 1), new SeqRange(4, 6), new SeqRange(8, 10)), reader.gaps("home-0001"));
            assertEquals(List.of(), reader.gaps("home-0099"));
        }
    }

    @ParameterizedTest
    @EnumSource(Database.Dialect.class)
    void an_older_status_arriving_late_does_not_replace_the_newer_one_but_its_offline_flag_counts(Database.Dialect dialect)
            throws SQLException {
        try (Database database = databases.open(dialect)) {
            EvidenceStore store = new EvidenceStore(database);
            EvidenceReader reader = new EvidenceReader(database);
            DeviceStatus newer = home.at(SampleMessages.T0.plusSeconds(600)).status(9);
            DeviceStatus olderWill = withOnline(home.status(4), false);
            store.write(List.of(new Write.Status(home.sign(newer), NOW)));
            store.write(List.of(new Write.Status(home.sign(olderWill), NOW.plusSeconds(5))));

            LatestStatus latest = reader.latestStatus("home-0001").orElseThrow();
            assertEquals(newer, latest.status());
            assertFalse(latest.online());
            assertEquals(9, latest.highestSeqReported());
            assertEquals(NOW.plusSeconds(5), latest.lastSeenAt());
        }
    }

    @ParameterizedTest
    @EnumSource(Database.Dialect.class)
    void readings_are_found_by_device_time_range_and_other_events_are_left_out(Database.Dialect dialect) throws SQLException {
        try (Database database = databases.open(dialect)) {
            EvidenceStore store = new EvidenceStore(database);
            EvidenceReader reader = new EvidenceReader(database);
            Instant t0 = SampleMessages.T0;
            store.write(List.of(
                    evidence(home.sign(home.at(t0).soberReading(1))),
                    evidence(home.sign(home.at(t0.plusSeconds(3600)).positiveReading(2))),
                    evidence(home.sign(home.at(t0.plusSeconds(3700)).supportRequest(3))),
                    evidence(home.sign(home.at(t0.plusSeconds(7200)).soberReading(4)))));

            List<StoredEvent> readings = reader.readings("home-0001", t0.plusSeconds(1), t0.plusSeconds(7200));
            assertEquals(List.of(2L), readings.stream().map(StoredEvent::seq).toList());
            assertTrue(((Reading) readings.get(0).event()).positive());
            List<StoredEvent> events = reader.events("home-0001", t0, t0.plusSeconds(7201));
            assertEquals(List.of(1L, 2L, 3L, 4L), events.stream().map(StoredEvent::seq).toList());
            assertEquals(MessageType.SUPPORT_REQUEST, events.get(2).event().type());
        }
    }

    @ParameterizedTest
    @EnumSource(Database.Dialect.class)
    void quarantined_raw_bytes_are_capped_and_the_full_length_recorded(Database.Dialect dialect) throws SQLException {
        try (Database database = databases.open(dialect)) {
            EvidenceStore store = new EvidenceStore(database);
            EvidenceReader reader = new EvidenceReader(database);
            byte[] huge = new byte[EvidenceStore.MAX_QUARANTINE_BYTES + 1000];
            store.write(List.of(new Write.Quarantine("oversized", "breathgate/v1/devices/home-0001/up/reading", "home-0001",
                    null, "too big", huge, NOW)));
            QuarantineRecord record = reader.quarantine(10).get(0);
            assertEquals(EvidenceStore.MAX_QUARANTINE_BYTES, record.raw().length);
            assertEquals(huge.length, record.rawLength());
            assertEquals("oversized", record.reason());
        }
    }

    @ParameterizedTest
    @EnumSource(Database.Dialect.class)
    void a_quarantine_flood_stays_within_its_caps_per_device_and_class_and_overall_and_is_counted(Database.Dialect dialect)
            throws SQLException {
        try (Database database = databases.open(dialect)) {
            EvidenceStore store = new EvidenceStore(database, new EvidenceStore.QuarantineLimits(3, 5, java.time.Duration.ofDays(1)));
            EvidenceReader reader = new EvidenceReader(database);
            java.util.function.BiFunction<String, Boolean, Write.Quarantine> junk = (device, verified) -> new Write.Quarantine("bad_signature",
                    "breathgate/v1/devices/" + device + "/up/reading", device, null, "junk", new byte[100], NOW, verified);
            List<Write.Result> flood = new java.util.ArrayList<>();
            for (int i = 0; i < 10; i++) {
                flood.addAll(store.write(List.of(junk.apply("home-0001", false))));
            }
            assertEquals(3, flood.stream().filter(r -> r == Write.Result.QUARANTINED).count(), flood.toString());
            assertEquals(7, flood.stream().filter(r -> r == Write.Result.QUARANTINE_FULL).count());
            // The junk did not crowd out the device's own signed records, nor another device's.
            assertEquals(List.of(Write.Result.QUARANTINED), store.write(List.of(junk.apply("home-0001", true))));
            assertEquals(List.of(Write.Result.QUARANTINED), store.write(List.of(junk.apply("home-0002", false))));
            // The overall cap (5) is reached now.
            assertEquals(List.of(Write.Result.QUARANTINE_FULL), store.write(List.of(junk.apply("home-0003", false))));

            EvidenceReader.QuarantineTally tally = reader.quarantineTally();
            assertEquals(5, tally.kept());
            assertEquals(8, tally.dropped());
            assertEquals(Map.of("home-0001|unverified", 7L, "home-0003|unverified", 1L), tally.droppedBy());
            assertEquals(5, reader.quarantine(100).size());

            // Retention frees the room: a day later the old rows go and new ones are kept again.
            assertEquals(5, store.pruneQuarantine(NOW.plus(java.time.Duration.ofDays(2))));
            assertEquals(0, reader.quarantineTally().kept());
            assertEquals(List.of(Write.Result.QUARANTINED), store.write(List.of(junk.apply("home-0001", false))));
            assertEquals(8, reader.quarantineTally().dropped(), "what was dropped stays counted");
        }
    }

    @ParameterizedTest
    @EnumSource(Database.Dialect.class)
    void a_verified_event_on_another_topic_is_stored_and_the_mismatch_counted_each_time(Database.Dialect dialect) throws SQLException {
        try (Database database = databases.open(dialect)) {
            EvidenceStore store = new EvidenceStore(database);
            SignedMessage reading = home.sign(home.soberReading(1));
            String status = "breathgate/v1/devices/home-0001/up/status";
            assertEquals(List.of(Write.Result.STORED), store.write(List.of(new Write.Evidence(reading, NOW, status, null))));
            assertEquals(List.of(Write.Result.DUPLICATE), store.write(List.of(evidence(reading))));
            assertEquals(List.of(Write.Result.DUPLICATE), store.write(List.of(new Write.Evidence(reading, NOW, status, null))));
            try (var q = database.read(c -> c.prepareStatement("select arrived_topic, misrouted from evidence where seq = 1")).executeQuery()) {
                assertTrue(q.next());
                assertEquals(status, q.getString(1));
                assertEquals(2, q.getInt(2));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Database.Dialect.class)
    void an_event_whose_clock_was_doubted_is_filed_by_its_receive_time(Database.Dialect dialect) throws SQLException {
        try (Database database = databases.open(dialect)) {
            EvidenceStore store = new EvidenceStore(database);
            SampleMessages ahead = SampleMessages.of("home-0001").at(NOW.plus(java.time.Duration.ofHours(6)));
            store.write(List.of(new Write.Evidence(ahead.sign(ahead.soberReading(1)), NOW, null, "ahead: 21600 s")));
            StoredEvent stored = new EvidenceReader(database).event("home-0001", 1).orElseThrow();
            assertEquals("ahead: 21600 s", stored.clockCheck());
            assertEquals(NOW, stored.attributionTime());
            List<StoredEvent> attributed = database.read(c -> EvidenceReader.attributedTo(c, "home-0001", NOW, NOW.plusSeconds(1)));
            assertEquals(1, attributed.size(), "found by its receive time");
            assertEquals(0, database.read(c -> EvidenceReader.attributedTo(c, "home-0001", NOW.plus(java.time.Duration.ofHours(5)),
                    NOW.plus(java.time.Duration.ofHours(7)))).size(), "not by the device's claimed time");
        }
    }

    @ParameterizedTest
    @EnumSource(Database.Dialect.class)
    void reopening_the_database_keeps_the_evidence_and_migrates_nothing_twice(Database.Dialect dialect) throws SQLException {
        String url = databases.newUrl(dialect);
        SignedMessage reading = home.sign(home.soberReading(1));
        try (Database database = Database.open(url)) {
            new EvidenceStore(database).write(List.of(evidence(reading)));
        }
        try (Database database = Database.open(url)) {
            assertEquals(reading.compact(), new EvidenceReader(database).event("home-0001", 1).orElseThrow().compact());
        }
    }

    private static DeviceStatus withOnline(DeviceStatus s, boolean online) {
        return new DeviceStatus(s.deviceId(), s.clock(), online, s.uptimeSeconds(), s.lastSeq(), s.outboxDepth(), s.outboxBytes(),
                s.outboxBudgetBytes(), s.diskFreeBytes(), s.sensorState(), s.calibrationDue(), s.agentVersion(), s.configVersion(),
                s.warnings());
    }
}
