package org.breathgate.receiver.web.api;

import org.breathgate.receiver.care.Care;
import org.breathgate.receiver.care.gate.CareGate;
import org.breathgate.receiver.evidence.photo.PhotoSettings;
import org.breathgate.receiver.evidence.photo.PhotoStore;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.breathgate.care.access.Actor;
import org.breathgate.care.access.Client;
import org.breathgate.care.access.Organisation;
import org.breathgate.care.access.OrganisationKind;
import org.breathgate.care.account.PasswordHasher;
import org.breathgate.care.alert.AlertEngine;
import org.breathgate.protocol.EvidenceEvent;
import org.breathgate.protocol.MessageSigner;
import org.breathgate.protocol.SignedMessage;
import org.breathgate.receiver.evidence.db.TestDatabases;
import org.breathgate.receiver.care.alert.AlertProcessor;
import org.breathgate.receiver.care.scheduler.CareScheduler;
import org.breathgate.receiver.care.gate.AuditLog;
import org.breathgate.receiver.care.people.Clients;
import org.breathgate.receiver.care.people.DeviceAssignments;
import org.breathgate.receiver.care.people.Organisations;
import org.breathgate.receiver.care.people.Users;
import org.breathgate.receiver.evidence.device.DeviceRegistry;
import org.breathgate.receiver.evidence.db.Database;
import org.breathgate.receiver.evidence.store.EvidenceReader;
import org.breathgate.receiver.evidence.store.EvidenceStore;
import org.breathgate.receiver.evidence.store.Write;
import org.breathgate.receiver.https.TlsIdentity;
import org.breathgate.receiver.https.HttpsRoutes;
import org.breathgate.receiver.https.HttpsServer;
import org.breathgate.receiver.web.auth.TrustedProxies;
import org.breathgate.receiver.web.auth.WebAuth;
import org.breathgate.testkit.ManualClock;
import org.breathgate.testkit.SampleMessages;
import org.breathgate.testkit.TestKeys;

import javax.net.ssl.SSLContext;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The receiver's web back end as {@code Receiver.startWeb} wires it (sign-in, the REST API, the report) over
 * HTTPS on a free loopback port and a real SQLite database, with a clock the tests move, and an HTTP client
 * that handles cookies by hand so tests can replay old ones.
 *
 * <p>People: substance-abuse services {@code sa-1} (client {@code client-a}, "Parent A", device
 * {@code home-0001} since 1 January 2026) and {@code sa-2} (client {@code client-b}); child-protection units
 * {@code cp-1}, {@code cp-2}; one user per role, password {@link #PASSWORD}.
 */
final class ApiServer implements AutoCloseable {

    static final String PASSWORD = "correct horse battery staple";
    static final Instant LENT = Instant.parse("2026-01-01T00:00:00Z");
    static final ZoneId ZONE = ZoneId.of("Europe/Helsinki");
    static final Actor SA = Actor.substanceAbuseWorker("worker-sa", "sa-1");
    static final Actor SA_OTHER = Actor.substanceAbuseWorker("worker-sa2", "sa-2");
    static final Actor CP1 = Actor.childProtectionWorker("worker-cp1", "cp-1");
    static final Actor CP2 = Actor.childProtectionWorker("worker-cp2", "cp-2");
    static final Actor TECH = Actor.technician("tech-1");
    static final Actor ADMIN = Actor.administrator("admin-1");
    static final Actor PARENT = Actor.parent("parent-a", "client-a");
    static final List<Actor> EVERYONE = List.of(SA, SA_OTHER, CP1, CP2, TECH, ADMIN, PARENT);
    static final ObjectMapper JSON = new ObjectMapper();
    static final Pattern COOKIE = Pattern.compile(WebAuth.COOKIE + "=([^;]*)");

    final ManualClock clock;
    final Database database;
    final AuditLog audit;
    final EvidenceStore store;
    final EvidenceReader reader;
    final DeviceRegistry registry;
    final Users users;
    final CareGate gate;
    final Care care;
    final CareScheduler scheduler;
    final HttpsServer web;
    final HttpClient http;
    final SampleMessages home = SampleMessages.of("home-0001");
    final List<String> published = new ArrayList<>();
    private final AtomicInteger ids = new AtomicInteger();

    final String url;
    final org.breathgate.receiver.care.signin.SignInSecret secret;
    private final TestDatabases databases;

    ApiServer(TestDatabases databases, Instant start) throws Exception {
        this(databases, start, Database.Dialect.SQLITE);
    }

    ApiServer(TestDatabases databases, Instant start, Database.Dialect dialect) throws Exception {
        this(databases, new ManualClock(start), databases.newUrl(dialect), true, TrustedProxies.NONE,
                org.breathgate.receiver.care.signin.SignInSettings.SecondFactor.OFF_DEMO_ONLY,
                org.breathgate.receiver.care.signin.SignInSecret.random(new SecureRandom()));
    }

    /** With the second factor the receiver requires by default (staff enter a TOTP code). */
    static ApiServer requiringSecondFactor(TestDatabases databases, Instant start) throws Exception {
        return new ApiServer(databases, new ManualClock(start), databases.newUrl(Database.Dialect.SQLITE), true, TrustedProxies.NONE,
                org.breathgate.receiver.care.signin.SignInSettings.SecondFactor.REQUIRED_FOR_STAFF,
                org.breathgate.receiver.care.signin.SignInSecret.random(new SecureRandom()));
    }

    /** A second receiver on this one's database (as after a restart, or another instance behind a load balancer), same clock. */
    ApiServer restartedOnSameDatabase() throws Exception {
        return restartedOnSameDatabase(TrustedProxies.NONE);
    }

    ApiServer restartedOnSameDatabase(TrustedProxies proxies) throws Exception {
        return new ApiServer(databases, clock, url, false, proxies, care.signIn().settings().secondFactor(), secret);
    }

    private ApiServer(TestDatabases databases, ManualClock clock, String url, boolean seed, TrustedProxies proxies,
                      org.breathgate.receiver.care.signin.SignInSettings.SecondFactor factor,
                      org.breathgate.receiver.care.signin.SignInSecret secret) throws Exception {
        this.databases = databases;
        this.clock = clock;
        this.url = url;
        this.secret = secret;
        this.database = Database.open(url);
        try {
            audit = new AuditLog(database, null);
            store = new EvidenceStore(database);
            reader = new EvidenceReader(database);
            registry = new DeviceRegistry(database, clock);
            gate = new CareGate(database, audit, clock);
            AlertEngine engine = new AlertEngine(ZONE);
            DeviceAssignments assignments = new DeviceAssignments(database);
            scheduler = new CareScheduler(new AlertProcessor(database, assignments, engine, clock), audit, null, clock);
            // A cheap Argon2id cost: the tests check the sign-in logic, not the hash's strength.
            users = new Users(database, new PasswordHasher(new PasswordHasher.Cost(64, 1, 1), new SecureRandom()));
            if (seed) {
                registry.enroll(TestKeys.device("home-0001").verificationKey());
                Organisations organisations = new Organisations(database);
                organisations.add(new Organisation("sa-1", "Substance-abuse service 1", OrganisationKind.SUBSTANCE_ABUSE_SERVICE));
                organisations.add(new Organisation("sa-2", "Substance-abuse service 2", OrganisationKind.SUBSTANCE_ABUSE_SERVICE));
                organisations.add(new Organisation("cp-1", "Child protection unit 1", OrganisationKind.CHILD_PROTECTION_UNIT));
                organisations.add(new Organisation("cp-2", "Child protection unit 2", OrganisationKind.CHILD_PROTECTION_UNIT));
                Clients clients = new Clients(database);
                clients.add(Client.open("client-a", "Parent A", "sa-1"), LENT);
                clients.add(Client.open("client-b", "Parent B", "sa-2"), LENT);
                assignments.assign("home-0001", "client-a", LENT);
                for (Actor a : EVERYONE) {
                    users.add(a, PASSWORD.toCharArray(), LENT);
                }
            }
            care = Care.of(new Care.Needs(gate, database, registry, new PhotoStore(PhotoSettings.defaults(databases.newFolder())), engine,
                    new MessageSigner(TestKeys.receiver()), (topic, payload) -> published.add(topic), users,
                    new org.breathgate.receiver.care.signin.SignInSettings(org.breathgate.receiver.care.signin.SessionPolicy.DEFAULT, factor,
                            secret), () -> "consent-" + ids.incrementAndGet(), () -> { }, ZONE, clock));
            WebAuth auth = new WebAuth(care.signIn(), clock, proxies, s -> java.util.Optional.empty());
            // Stands in for the pages' login form (h3's GET /login): the token a form would carry.
            HttpsRoutes loginPage = routes -> {
                routes.get(WebAuth.LOGIN_PATH, ctx -> ctx.result("csrf=" + auth.csrfToken(ctx)));
                routes.get("/test-page", ctx -> ctx.result("hello " + auth.requirePage(ctx).userId()));
            };
            ApiRoutes api = new ApiRoutes(auth, care, ZONE, clock);
            TlsIdentity identity = TlsIdentity.selfSigned(List.of(), new SecureRandom());
            web = HttpsServer.start(HttpsServer.Settings.loopbackAnyPort(), identity, List.of(auth, loginPage, api,
                    new PeopleRoutes(auth, care, clock)));
            http = HttpClient.newBuilder().sslContext(pinnedTo(identity.certificate())).connectTimeout(Duration.ofSeconds(5))
                    .followRedirects(HttpClient.Redirect.NEVER).build();
        } catch (Exception | Error e) {
            database.close();
            throw e;
        }
    }

    /** Stores {@code message} as ingest does at the clock's time and lets the alert work finish. */
    void ingest(SignedMessage signed, Instant receivedAt) throws Exception {
        store.write(List.of(new Write.Evidence(signed, receivedAt)));
        EvidenceEvent event = (EvidenceEvent) signed.message();
        scheduler.onStored(reader.event(event.deviceId(), event.seq()).orElseThrow());
        scheduler.flush(Duration.ofSeconds(10));
    }

    long auditCount(String action) {
        return audit.entries().stream().filter(e -> e.action().equals(action)).count();
    }

    // ------------------------------------------------------------------ HTTP

    /** A browser-like session: its cookie and CSRF token (either may be null). */
    static final class Browser {
        String cookie;
        String csrf;

        Browser() {
        }

        Browser(String cookie, String csrf) {
            this.cookie = cookie;
            this.csrf = csrf;
        }
    }

    /** Signs {@code actor} in through the JSON endpoint. */
    Browser login(Actor actor) throws Exception {
        HttpResponse<String> r = send("POST", "/api/v1/session", null, "application/json",
                "{\"username\":\"" + actor.userId() + "\",\"password\":\"" + PASSWORD + "\"}", Map.of());
        if (r.statusCode() != 200) {
            throw new AssertionError("login of " + actor.userId() + " gave " + r.statusCode() + " " + r.body());
        }
        return new Browser(cookieOf(r), JSON.readTree(r.body()).get("csrf_token").asText());
    }

    HttpResponse<String> jsonLogin(String user, String password) throws Exception {
        return send("POST", "/api/v1/session", null, "application/json",
                JSON.createObjectNode().put("username", user).put("password", password).toString(), Map.of());
    }

    HttpResponse<String> get(Browser b, String path) throws Exception {
        return send("GET", path, b, null, null, Map.of());
    }

    HttpResponse<byte[]> getBytes(Browser b, String path) throws Exception {
        HttpRequest.Builder req = request(path, b, Map.of()).GET();
        return http.send(req.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    /** A JSON request carrying the browser's CSRF token as X-CSRF-Token. */
    HttpResponse<String> json(String method, Browser b, String path, String body) throws Exception {
        return send(method, path, b, "application/json", body, b != null && b.csrf != null ? Map.of(WebAuth.CSRF_HEADER, b.csrf) : Map.of());
    }

    HttpResponse<String> form(Browser b, String path, Map<String, String> fields) throws Exception {
        StringBuilder body = new StringBuilder();
        fields.forEach((k, v) -> body.append(body.length() == 0 ? "" : "&").append(URLEncoder.encode(k, StandardCharsets.UTF_8))
                .append('=').append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
        return send("POST", path, b, "application/x-www-form-urlencoded", body.toString(), Map.of());
    }

    HttpResponse<String> send(String method, String path, Browser b, String contentType, String body, Map<String, String> headers)
            throws Exception {
        HttpRequest.Builder req = request(path, b, headers);
        if (contentType != null) {
            req.header("Content-Type", contentType);
        }
        req.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return http.send(req.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest.Builder request(String path, Browser b, Map<String, String> headers) {
        HttpRequest.Builder req = HttpRequest.newBuilder(URI.create("https://localhost:" + web.port() + path)).timeout(Duration.ofSeconds(30));
        if (b != null && b.cookie != null) {
            req.header("Cookie", WebAuth.COOKIE + "=" + b.cookie);
        }
        headers.forEach(req::header);
        return req;
    }

    /** The session id the answer sets, or null. */
    static String cookieOf(HttpResponse<?> r) {
        for (String h : r.headers().allValues("Set-Cookie")) {
            Matcher m = COOKIE.matcher(h);
            if (m.find() && !m.group(1).isEmpty()) {
                return m.group(1);
            }
        }
        return null;
    }

    static JsonNode body(HttpResponse<String> r) throws Exception {
        return JSON.readTree(r.body());
    }

    private static SSLContext pinnedTo(X509Certificate expected) throws Exception {
        System.setProperty("jdk.internal.httpclient.disableHostnameVerification", "true");
        return org.breathgate.testkit.PinnedTls.trusting(expected);
    }

    @Override
    public void close() {
        web.close();
        scheduler.close();
        database.close();
    }
}
