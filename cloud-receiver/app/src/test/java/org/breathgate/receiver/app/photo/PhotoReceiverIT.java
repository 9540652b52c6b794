package org.breathgate.receiver.app.photo;

import org.breathgate.receiver.care.gate.CareGate;

import org.breathgate.receiver.evidence.photo.TestPhotos;

import org.breathgate.receiver.care.photo.PhotoService;
import org.breathgate.receiver.care.photo.ReviewVerdict;
import org.breathgate.receiver.evidence.photo.PhotoSettings;
import org.breathgate.receiver.evidence.photo.PhotoStore;
import org.breathgate.receiver.evidence.photo.StoredPhoto;
import org.breathgate.receiver.ingest.photo.PhotoIngest;

import org.breathgate.care.access.AccessDeniedException;
import org.breathgate.care.access.Actor;
import org.breathgate.care.access.Client;
import org.breathgate.care.access.Organisation;
import org.breathgate.care.access.OrganisationKind;
import org.breathgate.care.alert.Alert;
import org.breathgate.care.alert.AlertKind;
import org.breathgate.care.consent.Scope;
import org.breathgate.care.retention.DeletionTask;
import org.breathgate.care.retention.RetentionPolicy;
import org.breathgate.protocol.Ack;
import org.breathgate.protocol.PhotoAbsence;
import org.breathgate.protocol.PhotoChunk;
import org.breathgate.protocol.Reading;
import org.breathgate.protocol.ReadingPhoto;
import org.breathgate.protocol.photo.Photos;
import org.breathgate.receiver.app.Receiver;
import org.breathgate.receiver.evidence.db.TestDatabases;
import org.breathgate.receiver.evidence.db.Sql;
import org.breathgate.receiver.care.gate.AuditLog;
import org.breathgate.receiver.care.people.Clients;
import org.breathgate.receiver.care.people.DeviceAssignments;
import org.breathgate.receiver.care.people.Organisations;
import org.breathgate.receiver.care.retention.RetentionJob;
import org.breathgate.receiver.app.config.ReceiverConfig;
import org.breathgate.receiver.evidence.db.Database;
import org.breathgate.testkit.ManualClock;
import org.breathgate.testkit.Ports;
import org.breathgate.testkit.SampleMessages;
import org.breathgate.testkit.TestKeys;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.Period;
import java.time.ZoneId;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The receiver's photo side over a real broker and database: reassembly, the check against the
 * signed reading, photos before and long after their readings, interrupted transfers, quarantine,
 * access under consent, review and retention.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PhotoReceiverIT {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Instant LENT = Instant.parse("2026-01-01T00:00:00Z");
    private static final Instant START = Instant.parse("2026-03-10T06:00:00Z");
    private static final Actor SA = Actor.substanceAbuseWorker("worker-sa", "sa-1");
    private static final Actor SA_OTHER = Actor.substanceAbuseWorker("worker-sa2", "sa-2");
    private static final Actor CP1 = Actor.childProtectionWorker("worker-cp1", "cp-1");

    private final TestDatabases databases = new TestDatabases();

    @AfterAll
    void closeDatabases() {
        databases.close();
    }

    static byte[] jpeg(int size, long seed) {
        return TestPhotos.jpeg(size, seed);
    }

    /** A running receiver on a clock the tests move (only forward). */
    static final class Fixture implements AutoCloseable {
        final ManualClock clock = new ManualClock(START);
        final Path dataDir;
        final Receiver receiver;
        private int devices;

        Fixture(TestDatabases databases, Database.Dialect dialect, boolean inDatabase) throws Exception {
            dataDir = databases.newFolder();
            Map<String, String> settings = new HashMap<>();
            settings.put(ReceiverConfig.DATA_DIR, dataDir.toString());
            settings.put(ReceiverConfig.JDBC_URL, databases.newUrl(dialect));
            settings.put(ReceiverConfig.EMBEDDED_PORT, Integer.toString(Ports.free()));
            settings.put(ReceiverConfig.EMBEDDED_TLS_PORT, "0"); // devices' TLS listener on a free port
            settings.put(ReceiverConfig.MQTT_CLIENT_ID, "photo-it-" + System.nanoTime());
            settings.put(ReceiverConfig.WEB_ENABLED, "false");
            settings.put(ReceiverConfig.PHOTOS_STORAGE, inDatabase ? "database" : "file");
            receiver = Receiver.start(ReceiverConfig.from(settings), clock, List.of());
            assertTrue(receiver.awaitReady(WAIT), "receiver did not subscribe");
            Organisations organisations = new Organisations(receiver.database());
            organisations.add(new Organisation("sa-1", "Substance-abuse service", OrganisationKind.SUBSTANCE_ABUSE_SERVICE));
            organisations.add(new Organisation("sa-2", "Another service", OrganisationKind.SUBSTANCE_ABUSE_SERVICE));
            organisations.add(new Organisation("cp-1", "Child protection unit 1", OrganisationKind.CHILD_PROTECTION_UNIT));
        }

        /** A new client of sa-1 with a new device of their own, enrolled and connected. */
        Dev newDevice() throws Exception {
            devices++;
            String id = String.format("home-%04d", devices);
            String client = "client-" + devices;
            Database db = receiver.database();
            new Clients(db).add(Client.open(client, "Parent " + devices, "sa-1"), LENT);
            new DeviceAssignments(db).assign(id, client, LENT);
            receiver.registry().enroll(TestKeys.device(id).verificationKey());
            return new Dev(this, id, client, new PhotoDevice(receiver, TestKeys.device(id)));
        }

        Instant now() {
            return clock.instant();
        }

        long count(String sql) {
            return Sql.read(receiver.database(), "counting", c -> {
                try (var s = c.createStatement(); var rs = s.executeQuery(sql)) {
                    rs.next();
                    return rs.getLong(1);
                }
            });
        }

        long audits(String action, String subject) {
            return new AuditLog(receiver.database(), null).entries().stream()
                    .filter(e -> e.action().equals(action) && (subject == null || e.subjectId().startsWith(subject))).count();
        }

        @Override
        public void close() {
            receiver.close();
        }
    }

    /** One device of one client, talking to the fixture's receiver. */
    record Dev(Fixture f, String id, String client, PhotoDevice device) implements AutoCloseable {

        SampleMessages home() {
            return SampleMessages.of(id);
        }

        /** A reading at {@code at} with {@code photo} as its statement, sent and acked as stored. */
        Reading sendReading(long seq, Instant at, ReadingPhoto photo) throws Exception {
            Reading reading = home().at(at).soberReading(seq).withPhoto(photo);
            device.send(reading);
            assertEquals(new Ack.Entry(seq, Ack.Result.STORED, null), device.nextEntry(WAIT));
            return reading;
        }

        void sendChunks(long seq, byte[] photo, int... indexes) throws Exception {
            for (int i : indexes) {
                device.send(Photos.chunk(id, home().clockFacts(), seq, photo, i));
            }
        }

        void sendAll(long seq, byte[] photo) throws Exception {
            for (int i = 0; i < PhotoChunk.chunkCount(photo.length); i++) {
                device.send(Photos.chunk(id, home().clockFacts(), seq, photo, i));
            }
        }

        Ack.PhotoEntry nextPhoto() throws InterruptedException {
            return device.nextPhoto(WAIT);
        }

        @Override
        public void close() throws Exception {
            device.close();
        }
    }

    private Fixture shared;

    @org.junit.jupiter.api.BeforeAll
    void startShared() throws Exception {
        shared = new Fixture(databases, Database.Dialect.SQLITE, false);
    }

    @AfterAll
    void stopShared() {
        if (shared != null) {
            shared.close();
        }
    }

    @Test
    void a_photo_after_its_reading_is_checked_stored_beside_it_and_acked() throws Exception {
        storedBesideItsReading(shared, Database.Dialect.SQLITE);
    }

    /** Also run on PostgreSQL with the bytes in the database, by {@link PhotoPostgresIT}. */
    static void storedBesideItsReading(Fixture f, Database.Dialect dialect) throws Exception {
        try (Dev d = f.newDevice()) {
            byte[] photo = jpeg(3 * PhotoChunk.CHUNK_BYTES + 100, 1);
            d.sendReading(1, f.now(), Photos.statementOf(photo));
            d.sendAll(1, photo);
            assertEquals(new Ack.PhotoEntry(1, Ack.PhotoResult.STORED), d.nextPhoto());
            PhotoService.PhotoView view = f.receiver.photos().view(SA, d.id(), 1).orElseThrow();
            assertArrayEquals(photo, view.jpeg());
            assertEquals(d.client(), view.clientId());
            assertEquals(1, f.audits(PhotoService.PHOTO_VIEWED, d.id()));
            assertEquals(0, f.count("select count(*) from photo_chunks where device_id = '" + d.id() + "'"),
                    "chunks are dropped once the photo is stored");
            if (dialect == Database.Dialect.SQLITE) {
                try (Stream<Path> files = Files.walk(f.dataDir.resolve("photos").resolve(d.id()))) {
                    assertEquals(1, files.filter(p -> p.toString().endsWith(".jpg")).count(), "the photo is a file in the data folder");
                }
            } else {
                assertEquals(1, f.count("select count(*) from photos where storage = 'database' and bytes is not null"));
            }
            // Sent again (the device missed the answer): a duplicate, stored once.
            d.sendChunks(1, photo, 3);
            assertEquals(new Ack.PhotoEntry(1, Ack.PhotoResult.DUPLICATE), d.nextPhoto());
            assertEquals(1, f.count("select count(*) from photos where device_id = '" + d.id() + "'"));
        }
    }

    @Test
    void a_photo_swapped_after_signing_is_quarantined_with_its_bytes_and_never_shown() throws Exception {
        Fixture f = shared;
        try (Dev d = f.newDevice()) {
            byte[] signed = jpeg(20_000, 2);
            byte[] swapped = signed.clone();
            swapped[5000] ^= 0x40; // one bit, same size: only the hash tells
            d.sendReading(1, f.now(), Photos.statementOf(signed));
            // The chunks claim the signed hash (a device cannot sign another), but carry other bytes.
            for (int i = 0; i < 3; i++) {
                PhotoChunk honest = Photos.chunk(d.id(), d.home().clockFacts(), 1, signed, i);
                byte[] data = Photos.chunk(d.id(), d.home().clockFacts(), 1, swapped, i).data();
                d.device().send(new PhotoChunk(d.id(), honest.clock(), 1, honest.sha256(), honest.size(), honest.mediaType(), i,
                        honest.count(), data));
            }
            assertEquals(new Ack.PhotoEntry(1, Ack.PhotoResult.HASH_MISMATCH), d.nextPhoto());
            assertTrue(f.receiver.photos().view(SA, d.id(), 1).isEmpty(), "a mismatching photo is never evidence");
            List<PhotoStore.Quarantined> q = Sql.read(f.receiver.database(), "q",
                    c -> new PhotoStore(PhotoSettings.defaults(f.dataDir)).quarantined(c, d.id()));
            assertEquals(1, q.size());
            assertEquals(PhotoIngest.HASH_MISMATCH, q.get(0).reason());
            assertArrayEquals(swapped, q.get(0).bytes());
            assertEquals(Photos.sha256Hex(signed), q.get(0).claimedSha256());
            assertEquals(Photos.sha256Hex(swapped), q.get(0).actualSha256());
            // Asking again gets the same answer; nothing is stored.
            d.sendChunks(1, signed, 2);
            assertEquals(new Ack.PhotoEntry(1, Ack.PhotoResult.HASH_MISMATCH), d.nextPhoto());
            assertEquals(0, f.count("select count(*) from photos where device_id = '" + d.id() + "'"));
            // It reaches people: a device-integrity alert for the substance-abuse service and the technicians (issue 16).
            f.receiver.awaitCareIdle(WAIT);
            List<Alert> alerts = f.receiver.care().alerts().alertsFor(SA).stream().filter(a -> a.clientId().equals(d.client())).toList();
            assertEquals(List.of(AlertKind.DEVICE_INTEGRITY), alerts.stream().map(Alert::kind).toList(), alerts.toString());
            assertEquals("integrity:" + d.id() + ":photo_hash_mismatch:1", alerts.get(0).key());
            assertTrue(alerts.get(0).audience().technicians());
        }
    }

    @Test
    void a_photo_before_its_reading_is_held_and_stored_when_the_reading_comes() throws Exception {
        Fixture f = shared;
        try (Dev d = f.newDevice()) {
            byte[] photo = jpeg(10_000, 3);
            d.sendAll(5, photo);
            assertEquals(new Ack.PhotoEntry(5, Ack.PhotoResult.PENDING), d.nextPhoto());
            assertTrue(f.receiver.photos().view(SA, d.id(), 5).isEmpty());
            d.sendReading(5, f.now(), Photos.statementOf(photo));
            assertEquals(new Ack.PhotoEntry(5, Ack.PhotoResult.STORED), d.nextPhoto());
            assertArrayEquals(photo, f.receiver.photos().view(SA, d.id(), 5).orElseThrow().jpeg());
        }
    }

    @Test
    void a_held_photo_whose_reading_never_comes_is_dropped_after_its_time_and_the_device_is_asked_again() throws Exception {
        Fixture f = shared;
        try (Dev d = f.newDevice()) {
            byte[] photo = jpeg(10_000, 4);
            d.sendAll(6, photo);
            assertEquals(new Ack.PhotoEntry(6, Ack.PhotoResult.PENDING), d.nextPhoto());
            f.clock.advance(Duration.ofDays(15));
            assertTrue(f.receiver.photoIngest().flush(WAIT));
            assertEquals(0, f.count("select count(*) from photo_chunks where device_id = '" + d.id() + "'"), "held chunks are dropped after 14 days");
            d.sendChunks(6, photo, 1);
            assertEquals(new Ack.PhotoEntry(6, Ack.PhotoResult.INCOMPLETE, List.of(0)), d.nextPhoto());
        }
    }

    @Test
    void a_photo_long_after_its_reading_is_still_stored() throws Exception {
        Fixture f = shared;
        try (Dev d = f.newDevice()) {
            byte[] photo = jpeg(9_000, 5);
            Instant readingAt = f.now();
            d.sendReading(7, readingAt, Photos.statementOf(photo));
            f.clock.advance(Duration.ofDays(40)); // the device was offline for weeks after the reading went out
            d.sendAll(7, photo);
            assertEquals(new Ack.PhotoEntry(7, Ack.PhotoResult.STORED), d.nextPhoto());
            StoredPhoto stored = f.receiver.photos().view(SA, d.id(), 7).orElseThrow().photo();
            assertEquals(d.home().at(readingAt).soberReading(7).clock().wall(), stored.takenAt(), "taken at the reading's time");
            assertEquals(readingAt.plus(Duration.ofDays(40)), stored.storedAt());
        }
    }

    @Test
    void an_interrupted_transfer_resumes_and_a_missing_chunk_is_asked_for() throws Exception {
        Fixture f = shared;
        try (Dev d = f.newDevice()) {
            byte[] photo = jpeg(5 * PhotoChunk.CHUNK_BYTES, 6);
            d.sendReading(8, f.now(), Photos.statementOf(photo));
            d.sendChunks(8, photo, 0, 1); // the device stopped here (power cut), then went on after a restart
            d.sendChunks(8, photo, 3, 4);
            assertEquals(new Ack.PhotoEntry(8, Ack.PhotoResult.INCOMPLETE, List.of(2)), d.nextPhoto());
            d.sendChunks(8, photo, 2);
            assertEquals(new Ack.PhotoEntry(8, Ack.PhotoResult.STORED), d.nextPhoto());
            assertArrayEquals(photo, f.receiver.photos().view(SA, d.id(), 8).orElseThrow().jpeg());
        }
    }

    @Test
    void a_photo_for_a_reading_that_took_none_or_for_another_event_is_refused() throws Exception {
        Fixture f = shared;
        try (Dev d = f.newDevice()) {
            byte[] photo = jpeg(5_000, 7);
            d.sendReading(9, f.now(), new ReadingPhoto.NotTaken(PhotoAbsence.CAMERA_TIMEOUT));
            d.sendAll(9, photo);
            assertEquals(new Ack.PhotoEntry(9, Ack.PhotoResult.NOT_EXPECTED), d.nextPhoto());
            d.device().send(d.home().at(f.now()).supportRequest(10));
            assertEquals(Ack.Result.STORED, d.device().nextEntry(WAIT).result());
            d.sendAll(10, photo);
            assertEquals(new Ack.PhotoEntry(10, Ack.PhotoResult.NO_SUCH_READING), d.nextPhoto());
            assertEquals(0, f.count("select count(*) from photos where device_id = '" + d.id() + "'"));
        }
    }

    @Test
    void a_child_protection_worker_sees_a_photo_only_while_consent_covers_its_reading_and_every_look_is_audited()
            throws Exception {
        Fixture f = shared;
        try (Dev d = f.newDevice()) {
            byte[] photo = jpeg(5_000, 8);
            d.sendReading(11, f.now(), Photos.statementOf(photo));
            d.sendAll(11, photo);
            assertEquals(Ack.PhotoResult.STORED, d.nextPhoto().result());
            // No consent: refused (audited), as is a worker of another service.
            assertThrows(AccessDeniedException.class, () -> f.receiver.photos().view(CP1, d.id(), 11));
            assertThrows(AccessDeniedException.class, () -> f.receiver.photos().view(SA_OTHER, d.id(), 11));
            assertEquals(2, f.audits("access.denied", d.id()));
            assertEquals(0, f.audits(PhotoService.PHOTO_VIEWED, d.id()));
            // A consent for results from a later date does not cover this test.
            f.receiver.care().consents().record(SA, d.client(), "cp-1", f.now().plus(Duration.ofDays(1)), f.now().plus(Duration.ofDays(90)),
                    EnumSet.of(Scope.RESULTS));
            assertThrows(AccessDeniedException.class, () -> f.receiver.photos().view(CP1, d.id(), 11));
            // One that covers it opens the photo, as it opens the result.
            f.receiver.care().consents().record(SA, d.client(), "cp-1", f.now().minus(Duration.ofDays(1)), f.now().plus(Duration.ofDays(90)),
                    EnumSet.of(Scope.RESULTS));
            assertArrayEquals(photo, f.receiver.photos().view(CP1, d.id(), 11).orElseThrow().jpeg());
            assertEquals(1, f.audits(PhotoService.PHOTO_VIEWED, d.id()));
            // Reviews are the substance-abuse service's: not child protection's, consent or not.
            assertThrows(AccessDeniedException.class,
                    () -> f.receiver.photos().review(CP1, d.id(), 11, ReviewVerdict.MATCHES, ""));
            assertThrows(AccessDeniedException.class, () -> f.receiver.photos().reviewQueue(CP1));
        }
    }

    @Test
    void review_against_the_reference_photo_and_does_not_match_raises_an_alert() throws Exception {
        Fixture f = shared;
        try (Dev d = f.newDevice()) {
            byte[] reference = jpeg(4_000, 9);
            f.receiver.photos().enrollReference(SA, d.client(), reference);
            assertArrayEquals(reference, f.receiver.photos().reference(SA, d.client()).orElseThrow());
            assertThrows(AccessDeniedException.class, () -> f.receiver.photos().reference(CP1, d.client()));
            byte[] first = jpeg(5_000, 10);
            byte[] second = jpeg(6_000, 11);
            d.sendReading(12, f.now(), Photos.statementOf(first));
            d.sendAll(12, first);
            assertEquals(Ack.PhotoResult.STORED, d.nextPhoto().result());
            // Twelve hours later by both clocks (a reading dated ahead of the receiver's clock would be doubted at the door).
            f.clock.advance(Duration.ofHours(12));
            d.sendReading(13, f.now(), Photos.statementOf(second));
            d.sendAll(13, second);
            assertEquals(Ack.PhotoResult.STORED, d.nextPhoto().result());

            List<PhotoService.QueueItem> queue = f.receiver.photos().reviewQueue(SA).stream()
                    .filter(q -> q.clientId().equals(d.client())).toList();
            assertEquals(List.of(12L, 13L), queue.stream().map(q -> q.photo().readingSeq()).toList());
            assertTrue(queue.get(0).referenceEnrolled());
            assertEquals(List.of(), f.receiver.photos().reviewQueue(SA_OTHER));

            f.receiver.photos().review(SA, d.id(), 12, ReviewVerdict.MATCHES, "Same person as the reference.");
            PhotoService.Review r = f.receiver.photos().review(SA, d.id(), 13, ReviewVerdict.DOES_NOT_MATCH,
                    "A younger man; not the client.");
            assertEquals(ReviewVerdict.DOES_NOT_MATCH, r.verdict());
            assertTrue(f.receiver.photos().reviewQueue(SA).stream().noneMatch(q -> q.clientId().equals(d.client())));
            assertEquals(2, f.audits(PhotoService.PHOTO_REVIEWED, d.id()));
            assertTrue(new AuditLog(f.receiver.database(), null).entries().stream()
                    .noneMatch(e -> e.detail().contains("younger")), "the note stays out of the audit log");

            List<Alert> alerts = f.receiver.care().alerts().alertsFor(SA).stream().filter(a -> a.clientId().equals(d.client())).toList();
            assertEquals(1, alerts.size(), alerts.toString());
            assertEquals(AlertKind.PHOTO_MISMATCH, alerts.get(0).kind());
            assertEquals("photo:" + d.id() + ":13", alerts.get(0).key());
            assertEquals(ReviewVerdict.DOES_NOT_MATCH, Sql.read(f.receiver.database(), "review",
                    c -> PhotoService.review(c, d.id(), 13)).orElseThrow().verdict());
        }
    }

    @Test
    void photos_have_their_own_shorter_retention_period() throws Exception {
        Fixture f = shared;
        try (Dev d = f.newDevice()) {
            byte[] photo = jpeg(5_000, 12);
            d.sendReading(14, f.now(), Photos.statementOf(photo));
            d.sendAll(14, photo);
            assertEquals(Ack.PhotoResult.STORED, d.nextPhoto().result());
            Database db = f.receiver.database();
            RetentionJob job = new RetentionJob(new CareGate(db, new AuditLog(db, null), f.clock),
                    new RetentionPolicy(Period.ofYears(2), Period.ofDays(90), ZoneId.of("Europe/Helsinki")),
                    new PhotoStore(PhotoSettings.defaults(f.dataDir)));
            String ref = d.id() + "#14";
            f.clock.advance(Duration.ofDays(89));
            assertTrue(job.run().stream().noneMatch(t -> t instanceof DeletionTask.Photo p && p.photoId().equals(ref)));
            f.clock.advance(Duration.ofDays(2));
            assertTrue(job.run().stream().anyMatch(t -> t instanceof DeletionTask.Photo p && p.photoId().equals(ref)));
            assertEquals(0, f.count("select count(*) from photos where device_id = '" + d.id() + "'"));
            assertEquals(1, f.count("select count(*) from evidence where seq = 14 and device_id = '" + d.id() + "'"), "the reading stays");
            try (Stream<Path> files = Files.walk(f.dataDir.resolve("photos").resolve(d.id()))) {
                assertFalse(files.anyMatch(p -> p.toString().endsWith(".jpg")), "the file is gone too");
            }
            assertTrue(f.receiver.photos().view(SA, d.id(), 14).isEmpty());
            assertEquals(1, new AuditLog(db, null).entries().stream()
                    .filter(e -> e.action().equals("data.deleted") && e.subjectId().equals(ref)).count());
        }
    }

}
