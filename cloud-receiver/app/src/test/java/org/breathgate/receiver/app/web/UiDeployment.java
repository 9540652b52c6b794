package org.breathgate.receiver.app.web;

import org.breathgate.care.access.Actor;
import org.breathgate.care.access.Client;
import org.breathgate.care.access.Organisation;
import org.breathgate.care.access.OrganisationKind;
import org.breathgate.care.account.PasswordHasher;
import org.breathgate.care.consent.Scope;
import org.breathgate.protocol.Ack;
import org.breathgate.protocol.BreathAlcohol;
import org.breathgate.protocol.ClockFacts;
import org.breathgate.protocol.DeviceStatus;
import org.breathgate.protocol.EvidenceEvent;
import org.breathgate.protocol.Message;
import org.breathgate.protocol.MissedTest;
import org.breathgate.protocol.Outcome;
import org.breathgate.protocol.Reading;
import org.breathgate.protocol.SensorFacts;
import org.breathgate.protocol.SensorState;
import org.breathgate.protocol.SupportRequest;
import org.breathgate.protocol.TamperEvent;
import org.breathgate.protocol.TamperKind;
import org.breathgate.protocol.TestReason;
import org.breathgate.receiver.app.FakeDevice;
import org.breathgate.receiver.app.Receiver;
import org.breathgate.receiver.evidence.db.TestDatabases;
import org.breathgate.receiver.care.people.Clients;
import org.breathgate.receiver.care.people.DeviceAssignments;
import org.breathgate.receiver.care.people.Organisations;
import org.breathgate.receiver.care.people.Users;
import org.breathgate.receiver.app.config.ReceiverConfig;
import org.breathgate.receiver.evidence.db.Database;
import org.breathgate.testkit.Ports;
import org.breathgate.testkit.TestKeys;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A running receiver (real SQLite file, embedded broker, HTTPS on a free loopback port) with people and
 * evidence for the web UI tests: the substance-abuse service {@code sa-1} with clients Parent A
 * ({@code client-a}, device {@code home-0001}) and Parent B ({@code client-b}, no device), the child-protection
 * units {@code cp-1} (a consent in force for Parent A: results, missed tests, alerts) and {@code cp-2}
 * (none), a technician, an administrator and Parent A's own login. Parent A's device sends, over MQTT,
 * twelve days of tests ending yesterday: daily sober tests at 08:00 Helsinki time, a positive confirmed by
 * a failed retest, a positive whose retest passed, a missed test, a tamper signal, a support request,
 * one reading whose clock was not synchronised, and a status heartbeat.
 */
final class UiDeployment implements AutoCloseable {

    static final String PASSWORD = "correct horse battery staple";
    static final ZoneId ZONE = ZoneId.of("Europe/Helsinki");
    static final Actor SA = Actor.substanceAbuseWorker("sanna.sa", "sa-1");
    static final Actor CP1 = Actor.childProtectionWorker("kalle.cp1", "cp-1");
    static final Actor CP2 = Actor.childProtectionWorker("liisa.cp2", "cp-2");
    static final Actor TECH = Actor.technician("teemu.tech");
    static final Actor ADMIN = Actor.administrator("aino.admin");
    static final Actor PARENT = Actor.parent("parent.a", "client-a");
    static final String DEVICE = "home-0001";
    static final String QUIET_DEVICE = "home-0002";
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final SensorFacts SENSOR = new SensorFacts("AL-7000", "SN-000123", LocalDate.now(ZONE).plusMonths(4));
    private static final String BOOT = "3f6c2a8e-5b1d-4e7a-9c0f-1a2b3c4d5e6f";

    final TestDatabases databases = new TestDatabases();
    final Receiver receiver;
    final String baseUrl;
    /** What was sent, by sequence number. */
    final Map<Long, EvidenceEvent> sent = new HashMap<>();
    long confirmedPositiveSeq;
    long confirmingRetestSeq;
    long unsyncedSeq;
    long missedSeq;

    UiDeployment() throws Exception {
        this(Map.of());
    }

    /** With {@code extra} configuration keys (e.g. a short {@code web.session-idle-seconds}) over the tests' own. */
    UiDeployment(Map<String, String> extra) throws Exception {
        Map<String, String> settings = new HashMap<>();
        settings.put(ReceiverConfig.DATA_DIR, databases.newFolder().toString());
        settings.put(ReceiverConfig.JDBC_URL, databases.newUrl(Database.Dialect.SQLITE));
        settings.put(ReceiverConfig.EMBEDDED_PORT, Integer.toString(Ports.free()));
        settings.put(ReceiverConfig.EMBEDDED_TLS_PORT, "0"); // devices' TLS listener on a free port
        settings.put(ReceiverConfig.MQTT_CLIENT_ID, "ui-it");
        settings.put(ReceiverConfig.WEB_ENABLED, "true");
        settings.put(ReceiverConfig.WEB_HOST, "127.0.0.1");
        settings.put(ReceiverConfig.WEB_PORT, "0");
        settings.put(ReceiverConfig.DEVICE_API_PORT, "0");
        settings.put(ReceiverConfig.CARE_ZONE, ZONE.getId());
        // The pages are tested here, not the second factor (SecondFactorIT): staff sign in with a password alone.
        settings.put(ReceiverConfig.SIGNIN_SECOND_FACTOR, "off-demo-only");
        settings.putAll(extra);
        receiver = Receiver.start(ReceiverConfig.from(settings), Clock.systemUTC(), List.of());
        try {
            if (!receiver.awaitReady(WAIT)) {
                throw new IllegalStateException("the receiver did not subscribe within " + WAIT);
            }
            baseUrl = "https://127.0.0.1:" + receiver.web().orElseThrow().port();
            seedPeople();
            seedEvidence();
        } catch (Exception | Error e) {
            close();
            throw e;
        }
    }

    private void seedPeople() {
        Database db = receiver.database();
        Instant lent = Instant.now().minus(Duration.ofDays(30)).truncatedTo(ChronoUnit.SECONDS);
        Organisations organisations = new Organisations(db);
        organisations.add(new Organisation("sa-1", "Sodankylän päihdepalvelut", OrganisationKind.SUBSTANCE_ABUSE_SERVICE));
        organisations.add(new Organisation("cp-1", "Lastensuojelu, tiimi 1", OrganisationKind.CHILD_PROTECTION_UNIT));
        organisations.add(new Organisation("cp-2", "Lastensuojelu, tiimi 2", OrganisationKind.CHILD_PROTECTION_UNIT));
        Clients clients = new Clients(db);
        clients.add(Client.open("client-a", "Parent A", "sa-1"), lent);
        clients.add(Client.open("client-b", "Parent B", "sa-1"), lent);
        new DeviceAssignments(db).assign(DEVICE, "client-a", lent);
        receiver.registry().enroll(TestKeys.device(DEVICE).verificationKey());
        receiver.registry().enroll(TestKeys.device(QUIET_DEVICE).verificationKey());
        Users users = new Users(db, new PasswordHasher(PasswordHasher.Cost.OWASP_MINIMUM, new SecureRandom()));
        for (Actor a : List.of(SA, CP1, CP2, TECH, ADMIN, PARENT)) {
            users.add(a, PASSWORD.toCharArray(), lent);
        }
        receiver.care().consents().record(SA, "client-a", "cp-1", lent, Instant.now().plus(Duration.ofDays(90)),
                Set.of(Scope.RESULTS, Scope.MISSED_TESTS, Scope.ALERTS));
    }

    /** 08:00 Helsinki time {@code daysAgo} days ago. */
    private static Instant morning(int daysAgo) {
        return LocalDate.now(ZONE).minusDays(daysAgo).atTime(LocalTime.of(8, 0)).atZone(ZONE).toInstant();
    }

    private static ClockFacts clock(Instant wall, boolean synced) {
        return new ClockFacts(wall, BOOT, 3_600_000, synced);
    }

    private static Reading reading(long seq, Instant at, TestReason reason, Outcome outcome, int ugL) {
        return new Reading(DEVICE, seq, clock(at, true), reason, outcome, new BreathAlcohol(ugL), new BreathAlcohol(100), null, 4_300, 215,
                SENSOR);
    }

    private void seedEvidence() throws Exception {
        List<EvidenceEvent> events = new ArrayList<>();
        long seq = 0;
        for (int day = 12; day >= 1; day--) {
            Instant at = morning(day);
            TestReason.Scheduled slot = new TestReason.Scheduled(at, false);
            if (day == 6) {
                long first = ++seq;
                events.add(reading(first, at.plusSeconds(60), slot, Outcome.FAIL, 250));
                long retest = ++seq;
                events.add(reading(retest, at.plusSeconds(21 * 60), new TestReason.Retest(first, first, 1), Outcome.FAIL, 230));
                confirmedPositiveSeq = first;
                confirmingRetestSeq = retest;
            } else if (day == 4) {
                long first = ++seq;
                events.add(reading(first, at.plusSeconds(90), slot, Outcome.FAIL, 120));
                events.add(reading(++seq, at.plusSeconds(22 * 60), new TestReason.Retest(first, first, 1), Outcome.PASS, 40));
            } else if (day == 3) {
                missedSeq = ++seq;
                events.add(new MissedTest(DEVICE, missedSeq, clock(at.plusSeconds(30 * 60), true), slot, at, at.plusSeconds(30 * 60), 0));
            } else if (day == 2) {
                // The device had restarted without a network: its clock lags two hours and is not synchronised.
                unsyncedSeq = ++seq;
                events.add(new Reading(DEVICE, unsyncedSeq, clock(at.minus(Duration.ofHours(2)), false), slot, Outcome.PASS,
                        BreathAlcohol.ZERO, new BreathAlcohol(100), null, 4_100, 214, SENSOR));
            } else {
                events.add(reading(++seq, at.plusSeconds(120), slot, Outcome.PASS, day == 9 ? 20 : 0));
            }
            if (day == 5) {
                events.add(new TamperEvent(DEVICE, ++seq, clock(at.plusSeconds(3 * 3600), true), TamperKind.SENSOR_DISCONNECTED,
                        "serial port vanished"));
            }
            if (day == 1) {
                events.add(new SupportRequest(DEVICE, ++seq, clock(at.plusSeconds(5 * 3600), true)));
            }
        }
        try (FakeDevice device = FakeDevice.loggedIn(receiver, TestKeys.device(DEVICE))) {
            for (EvidenceEvent e : events) {
                device.send(e);
                Ack.Entry ack = device.nextAck(WAIT);
                if (ack == null || ack.seq() != e.seq() || ack.result() != Ack.Result.STORED) {
                    throw new IllegalStateException("event " + e.seq() + " was not stored: " + ack);
                }
                sent.put(e.seq(), e);
            }
            Message status = new DeviceStatus(DEVICE, clock(Instant.now(), true), true, 86_400, seq, 2, 4_096, 50_000_000, 2_000_000_000L,
                    SensorState.READY, SENSOR.calibrationDue(), "0.1.0", 1, List.of());
            device.send(status);
        }
        receiver.awaitCareIdle(WAIT);
        for (int i = 0; i < 100 && receiver.store().latestStatus(DEVICE).isEmpty(); i++) {
            Thread.sleep(50); // the heartbeat has no ack; wait (bounded) until it is stored
        }
    }

    /**
     * An HTTP client that trusts exactly this receiver's certificate (pinned, so the host name does not
     * matter): for downloads a browser test cannot read, such as the PDF report.
     */
    java.net.http.HttpClient http() throws Exception {
        java.security.cert.X509Certificate expected = receiver.web().orElseThrow().identity().certificate();
        javax.net.ssl.SSLContext tls = org.breathgate.testkit.PinnedTls.trusting(expected);
        System.setProperty("jdk.internal.httpclient.disableHostnameVerification", "true");
        return java.net.http.HttpClient.newBuilder().sslContext(tls).connectTimeout(Duration.ofSeconds(5)).build();
    }

    @Override
    public void close() {
        if (receiver != null) {
            receiver.close();
        }
        databases.close();
    }
}
