package org.breathgate.receiver.care;

import org.breathgate.testkit.ManualClock;

import org.breathgate.care.access.Actor;
import org.breathgate.care.access.Client;
import org.breathgate.care.access.Organisation;
import org.breathgate.care.access.OrganisationKind;
import org.breathgate.care.account.PasswordHasher;
import org.breathgate.care.alert.AlertEngine;
import org.breathgate.receiver.care.gate.CareGate;
import org.breathgate.receiver.care.people.Users;
import org.breathgate.receiver.evidence.device.DeviceRegistry;
import org.breathgate.receiver.evidence.photo.PhotoSettings;
import org.breathgate.receiver.evidence.photo.PhotoStore;
import java.security.SecureRandom;
import org.breathgate.protocol.MessageSigner;
import org.breathgate.protocol.Outcome;
import org.breathgate.protocol.Reading;
import org.breathgate.protocol.SignedMessage;
import org.breathgate.protocol.TestReason;
import org.breathgate.receiver.care.alert.AlertProcessor;
import org.breathgate.receiver.care.scheduler.CareScheduler;
import org.breathgate.receiver.care.gate.AnchorFile;
import org.breathgate.receiver.care.gate.AuditLog;
import org.breathgate.receiver.care.people.Clients;
import org.breathgate.receiver.care.people.DeviceAssignments;
import org.breathgate.receiver.care.people.Organisations;
import org.breathgate.receiver.evidence.db.Database;
import org.breathgate.receiver.evidence.store.EvidenceReader;
import org.breathgate.receiver.evidence.store.EvidenceStore;
import org.breathgate.receiver.evidence.store.Write;
import org.breathgate.testkit.SampleMessages;
import org.breathgate.testkit.TestKeys;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One care deployment on a real database: a substance-abuse service {@code sa-1} with client
 * {@code client-a} who has device {@code home-0001} since 1 January 2026, child-protection units
 * {@code cp-1} and {@code cp-2}, the real stores, service and scheduler, and a clock tests move.
 */
final class CareFixture implements AutoCloseable {

    static final Instant LENT = Instant.parse("2026-01-01T00:00:00Z");
    static final Actor SA = Actor.substanceAbuseWorker("worker-sa", "sa-1");
    static final Actor SA_OTHER = Actor.substanceAbuseWorker("worker-sa2", "sa-2");
    static final Actor CP1 = Actor.childProtectionWorker("worker-cp1", "cp-1");
    static final Actor CP2 = Actor.childProtectionWorker("worker-cp2", "cp-2");
    static final Actor TECH = Actor.technician("tech-1");
    static final Actor ADMIN = Actor.administrator("admin-1");

    final String url;
    final Database database;
    final AlertProcessor processor;
    final ManualClock clock = new ManualClock(Instant.parse("2026-02-20T08:00:00Z"));
    final EvidenceStore store;
    final EvidenceReader reader;
    final AuditLog audit;
    final CareGate gate;
    final DeviceRegistry registry;
    final DeviceAssignments assignments;
    final Clients clients;
    final Care care;
    final CareScheduler scheduler;
    final List<String> published = new ArrayList<>();
    /** What was published, in order (the payloads of {@link #published}). */
    final List<byte[]> payloads = new ArrayList<>();
    /** The payloads published on the devices' config topics, in order. */
    final List<byte[]> publishedPayloads = new ArrayList<>();
    final SampleMessages home = SampleMessages.of("home-0001");
    private final AtomicInteger ids = new AtomicInteger();

    /** Where the care room's photos are kept. */
    final PhotoStore photos;

    CareFixture(String url, Path anchorDir) {
        this.url = url;
        this.database = Database.open(url);
        this.store = new EvidenceStore(database);
        this.reader = new EvidenceReader(database);
        this.audit = new AuditLog(database, anchorDir == null ? null : AnchorFile.in(anchorDir));
        this.assignments = new DeviceAssignments(database);
        this.clients = new Clients(database);
        this.gate = new CareGate(database, audit, clock);
        this.registry = new DeviceRegistry(database, clock);
        registry.enroll(TestKeys.device("home-0001").verificationKey());
        AlertEngine engine = new AlertEngine(ZoneId.of("Europe/Helsinki"));
        this.photos = new PhotoStore(PhotoSettings.defaults(photoFolder()));
        this.care = Care.of(new Care.Needs(gate, database, registry, photos, engine,
                new MessageSigner(TestKeys.receiver()), (topic, payload) -> {
                    published.add(topic);
                    payloads.add(payload);
                    publishedPayloads.add(payload);
                },
                new Users(database, new PasswordHasher(new PasswordHasher.Cost(64, 1, 1), new SecureRandom())),
                new org.breathgate.receiver.care.signin.SignInSettings(org.breathgate.receiver.care.signin.SessionPolicy.DEFAULT,
                            org.breathgate.receiver.care.signin.SignInSettings.SecondFactor.OFF_DEMO_ONLY,
                            org.breathgate.receiver.care.signin.SignInSecret.random(new SecureRandom())), () -> "consent-" + ids.incrementAndGet(), () -> { },
                ZoneId.of("Europe/Helsinki"), clock));
        this.processor = new AlertProcessor(database, assignments, engine, clock);
        this.scheduler = new CareScheduler(processor, audit, null, clock);
        Organisations organisations = new Organisations(database);
        organisations.add(new Organisation("sa-1", "Sodankylä substance-abuse service", OrganisationKind.SUBSTANCE_ABUSE_SERVICE));
        organisations.add(new Organisation("sa-2", "Another substance-abuse service", OrganisationKind.SUBSTANCE_ABUSE_SERVICE));
        organisations.add(new Organisation("cp-1", "Child protection unit 1", OrganisationKind.CHILD_PROTECTION_UNIT));
        organisations.add(new Organisation("cp-2", "Child protection unit 2", OrganisationKind.CHILD_PROTECTION_UNIT));
        clients.add(Client.open("client-a", "Parent A", "sa-1"), LENT);
        assignments.assign("home-0001", "client-a", LENT);
    }

    /** Stores {@code signed} as ingest does and hands it to the care listener, then waits until alerts are done. */
    void ingest(SignedMessage signed, Instant receivedAt) throws Exception {
        store.write(List.of(new Write.Evidence(signed, receivedAt)));
        org.breathgate.protocol.EvidenceEvent event = (org.breathgate.protocol.EvidenceEvent) signed.message();
        var stored = reader.event(event.deviceId(), event.seq()).orElseThrow();
        scheduler.onStored(stored);
        scheduler.flush(Duration.ofSeconds(10));
    }

    /** A failed retest of {@code chainStart} measured at the sample device's clock. */
    static Reading failedRetest(SampleMessages device, long seq, long of, long chainStart) {
        Reading template = device.positiveReading(seq);
        return new Reading(template.deviceId(), seq, template.clock(), new TestReason.Retest(of, chainStart, 1), Outcome.FAIL,
                SampleMessages.POSITIVE_VALUE, SampleMessages.THRESHOLD, null, 4_300, 217, template.sensor());
    }

    private static java.nio.file.Path photoFolder() {
        try {
            return java.nio.file.Files.createTempDirectory("breathgate-care-photos-");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The last configuration published, as a device would verify and read it. */
    org.breathgate.protocol.ConfigUpdate lastPublishedConfig() throws org.breathgate.protocol.InvalidMessageException {
        byte[] last = publishedPayloads.get(publishedPayloads.size() - 1);
        return (org.breathgate.protocol.ConfigUpdate) new org.breathgate.protocol.MessageVerifier(
                org.breathgate.protocol.KeyResolver.of(TestKeys.receiver().verificationKey())).verify(last, "receiver").message();
    }

    long auditCount(String action) {
        return audit.entries().stream().filter(e -> e.action().equals(action)).count();
    }

    /** The details of the audit entries of {@code action}, oldest first. */
    java.util.List<String> auditDetails(String action) {
        return audit.entries().stream().filter(e -> e.action().equals(action)).map(e -> e.detail()).toList();
    }

    @Override
    public void close() {
        scheduler.close();
        database.close();
    }

}
