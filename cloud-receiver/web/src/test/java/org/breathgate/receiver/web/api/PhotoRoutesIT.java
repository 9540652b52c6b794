package org.breathgate.receiver.web.api;

import org.breathgate.receiver.care.gate.CareGate;
import org.breathgate.receiver.care.signin.SignIn;

import org.breathgate.receiver.evidence.photo.TestPhotos;
import org.breathgate.receiver.care.photo.PhotoService;
import org.breathgate.receiver.evidence.photo.PhotoSettings;
import org.breathgate.receiver.evidence.photo.PhotoStore;
import org.breathgate.receiver.evidence.photo.StoredPhoto;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.breathgate.care.access.Actor;
import org.breathgate.care.access.Client;
import org.breathgate.care.access.Organisation;
import org.breathgate.care.access.OrganisationKind;
import org.breathgate.care.account.LoginThrottle;
import org.breathgate.care.account.PasswordHasher;
import org.breathgate.care.alert.AlertEngine;
import org.breathgate.care.alert.AlertKind;
import org.breathgate.protocol.Reading;
import org.breathgate.protocol.photo.Photos;
import org.breathgate.receiver.evidence.db.TestDatabases;
import org.breathgate.receiver.evidence.db.Sql;
import org.breathgate.receiver.care.gate.AuditLog;
import org.breathgate.receiver.care.people.Clients;
import org.breathgate.receiver.care.people.DeviceAssignments;
import org.breathgate.receiver.care.people.Organisations;
import org.breathgate.receiver.care.people.Users;
import org.breathgate.receiver.evidence.db.Database;
import org.breathgate.receiver.evidence.store.EvidenceStore;
import org.breathgate.receiver.evidence.store.Write;
import org.breathgate.receiver.https.TlsIdentity;
import org.breathgate.receiver.https.HttpsServer;
import org.breathgate.receiver.web.auth.TrustedProxies;
import org.breathgate.receiver.web.auth.WebAuth;
import org.breathgate.testkit.ManualClock;
import org.breathgate.testkit.SampleMessages;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

import javax.net.ssl.SSLContext;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The photo endpoints over HTTPS with the real sign-in: who gets the bytes, and that a refused URL
 * looks exactly like one that leads nowhere.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PhotoRoutesIT {

    private static final String PASSWORD = "correct horse battery staple";
    private static final Instant LENT = Instant.parse("2026-01-01T00:00:00Z");
    private static final Actor SA = Actor.substanceAbuseWorker("worker-sa", "sa-1");
    private static final Actor CP1 = Actor.childProtectionWorker("worker-cp1", "cp-1");
    private static final Actor TECH = Actor.technician("tech-1");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern COOKIE = Pattern.compile(WebAuth.COOKIE + "=([^;]*)");

    private final TestDatabases databases = new TestDatabases();
    private final ManualClock clock = new ManualClock(Instant.parse("2026-03-02T09:00:00Z"));
    private Database database;
    private PhotoService photos;
    private HttpsServer web;
    private HttpClient http;
    private byte[] jpeg;

    @BeforeAll
    void start() throws Exception {
        database = databases.open(Database.Dialect.SQLITE);
        AuditLog audit = new AuditLog(database, null);
        new Organisations(database).add(new Organisation("sa-1", "Service", OrganisationKind.SUBSTANCE_ABUSE_SERVICE));
        new Organisations(database).add(new Organisation("cp-1", "Unit", OrganisationKind.CHILD_PROTECTION_UNIT));
        new Clients(database).add(Client.open("client-a", "Parent A", "sa-1"), LENT);
        new DeviceAssignments(database).assign("home-0001", "client-a", LENT);
        Users users = new Users(database, new PasswordHasher(new PasswordHasher.Cost(64, 1, 1), new SecureRandom()));
        for (Actor a : List.of(SA, CP1, TECH)) {
            users.add(a, PASSWORD.toCharArray(), LENT);
        }
        // A stored reading at 07:00 with its photo, as ingest leaves them.
        SampleMessages home = SampleMessages.of("home-0001");
        jpeg = TestPhotos.jpeg(6_000, 21);
        Reading reading = home.soberReading(1).withPhoto(Photos.statementOf(jpeg));
        new EvidenceStore(database).write(List.of(new Write.Evidence(home.sign(reading), SampleMessages.T0.plusSeconds(5))));
        PhotoStore store = new PhotoStore(PhotoSettings.defaults(databases.newFolder()));
        Sql.write(database, "storing", c -> {
            store.store(c, new StoredPhoto("home-0001", 1, Photos.sha256Hex(jpeg), jpeg.length, "image/jpeg", reading.clock().wall(),
                    clock.instant()), jpeg);
            return null;
        });
        CareGate gate = new CareGate(database, audit, clock);
        photos = new PhotoService(gate, store, new AlertEngine(ZoneId.of("Europe/Helsinki")), () -> { });
        WebAuth auth = new WebAuth(new SignIn(gate, database, users, LoginThrottle.defaults(), new org.breathgate.receiver.care.signin.SignInSettings(org.breathgate.receiver.care.signin.SessionPolicy.DEFAULT,
                            org.breathgate.receiver.care.signin.SignInSettings.SecondFactor.OFF_DEMO_ONLY,
                            org.breathgate.receiver.care.signin.SignInSecret.random(new SecureRandom())),
                new SecureRandom(), clock), clock, TrustedProxies.NONE, s -> java.util.Optional.empty());
        TlsIdentity identity = TlsIdentity.selfSigned(List.of(), new SecureRandom());
        web = HttpsServer.start(HttpsServer.Settings.loopbackAnyPort(), identity, List.of(auth, new PhotoRoutes(auth::requireApi, photos)));
        http = HttpClient.newBuilder().sslContext(pinned(identity.certificate())).connectTimeout(Duration.ofSeconds(5)).build();
    }

    @AfterAll
    void stop() {
        if (web != null) {
            web.close();
        }
        if (database != null) {
            database.close();
        }
        databases.close();
    }

    private record Session(String cookie, String csrf) {
    }

    private Session login(Actor actor) throws Exception {
        HttpResponse<String> r = http.send(request("/api/v1/session", null)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"" + actor.userId() + "\",\"password\":\"" + PASSWORD + "\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        Matcher m = COOKIE.matcher(r.headers().firstValue("Set-Cookie").orElseThrow());
        assertTrue(m.find());
        return new Session(m.group(1), JSON.readTree(r.body()).get("csrf_token").asText());
    }

    private HttpRequest.Builder request(String path, Session s) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + web.port() + path)).timeout(Duration.ofSeconds(10));
        if (s != null) {
            b.header("Cookie", WebAuth.COOKIE + "=" + s.cookie());
        }
        return b;
    }

    private HttpResponse<byte[]> get(String path, Session s) throws Exception {
        return http.send(request(path, s).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    @Test
    void the_clients_worker_gets_the_photo_uncached() throws Exception {
        HttpResponse<byte[]> r = get(PhotoRoutes.photoUrl("home-0001", 1), login(SA));
        assertEquals(200, r.statusCode());
        assertEquals("image/jpeg", r.headers().firstValue("Content-Type").orElseThrow());
        assertEquals("no-store", r.headers().firstValue("Cache-Control").orElseThrow());
        assertArrayEquals(jpeg, r.body());
    }

    @Test
    void outside_consent_or_role_the_photo_url_answers_exactly_like_a_photo_that_does_not_exist() throws Exception {
        HttpResponse<byte[]> none = get(PhotoRoutes.photoUrl("home-0001", 99), login(SA));
        for (Actor a : List.of(CP1, TECH)) {
            HttpResponse<byte[]> r = get(PhotoRoutes.photoUrl("home-0001", 1), login(a));
            assertEquals(404, r.statusCode(), a.userId());
            assertEquals(new String(none.body()), new String(r.body()), "a refusal says no more than a missing photo");
            assertFalse(r.headers().firstValue("Content-Type").orElse("").startsWith("image/"));
        }
        assertEquals(404, get("/api/v1/photos/review-queue", login(CP1)).statusCode());
        assertEquals(404, get(PhotoRoutes.referenceUrl("client-a"), login(CP1)).statusCode());
        assertEquals(401, get(PhotoRoutes.photoUrl("home-0001", 1), null).statusCode(), "not signed in");
    }

    @Test
    void the_worker_reviews_from_the_queue_and_does_not_match_raises_an_alert() throws Exception {
        Session sa = login(SA);
        HttpResponse<String> put = http.send(request(PhotoRoutes.referenceUrl("client-a"), sa).header("Content-Type", "image/jpeg")
                .header(WebAuth.CSRF_HEADER, sa.csrf()).PUT(HttpRequest.BodyPublishers.ofByteArray(TestPhotos.jpeg(3_000, 22)))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(204, put.statusCode(), put.body());
        JsonNode queue = JSON.readTree(get("/api/v1/photos/review-queue", sa).body());
        assertEquals(1, queue.get("photos").size(), queue.toString());
        JsonNode item = queue.get("photos").get(0);
        assertEquals("client-a", item.get("client").asText());
        assertEquals(PhotoRoutes.photoUrl("home-0001", 1), item.get("photo_url").asText());
        assertTrue(item.get("reference_enrolled").asBoolean());

        HttpResponse<String> noCsrf = http.send(request("/api/v1/photos/home-0001/1/review", sa).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"verdict\":\"does_not_match\",\"note\":\"x\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(403, noCsrf.statusCode(), "a review needs the session's CSRF token");
        HttpResponse<String> bad = http.send(request("/api/v1/photos/home-0001/1/review", sa).header("Content-Type", "application/json")
                .header(WebAuth.CSRF_HEADER, sa.csrf()).POST(HttpRequest.BodyPublishers.ofString("{\"verdict\":\"maybe\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(400, bad.statusCode());
        HttpResponse<String> ok = http.send(request("/api/v1/photos/home-0001/1/review", sa).header("Content-Type", "application/json")
                .header(WebAuth.CSRF_HEADER, sa.csrf())
                .POST(HttpRequest.BodyPublishers.ofString("{\"verdict\":\"does_not_match\",\"note\":\"Not the person in the reference.\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, ok.statusCode(), ok.body());
        assertEquals("does_not_match", JSON.readTree(ok.body()).get("verdict").asText());
        assertEquals(0, JSON.readTree(get("/api/v1/photos/review-queue", sa).body()).get("photos").size());
        assertTrue(Sql.read(database, "alerts", c -> org.breathgate.receiver.care.alert.AlertStore.ofClient(c, "client-a")).stream()
                .anyMatch(a -> a.kind() == AlertKind.PHOTO_MISMATCH));
    }

    private static SSLContext pinned(X509Certificate only) throws Exception {
        return org.breathgate.testkit.PinnedTls.trusting(only);
    }

}
