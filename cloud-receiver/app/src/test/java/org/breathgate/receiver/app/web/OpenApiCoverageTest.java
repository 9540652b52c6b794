package org.breathgate.receiver.app.web;

import org.breathgate.receiver.web.api.ApiRoutes;
import org.breathgate.receiver.web.api.PeopleRoutes;

import io.javalin.Javalin;
import io.javalin.http.HandlerType;
import org.breathgate.care.account.PasswordHasher;
import org.breathgate.care.alert.AlertEngine;
import org.breathgate.protocol.MessageSigner;
import org.breathgate.receiver.evidence.db.TestDatabases;
import org.breathgate.receiver.care.Care;
import org.breathgate.receiver.care.gate.CareGate;
import org.breathgate.receiver.evidence.photo.PhotoSettings;
import org.breathgate.receiver.evidence.photo.PhotoStore;
import org.breathgate.receiver.care.gate.AuditLog;
import org.breathgate.receiver.care.people.Users;
import org.breathgate.receiver.evidence.device.DeviceRegistry;
import org.breathgate.receiver.ingest.deviceapi.AdminToken;
import org.breathgate.receiver.ingest.deviceapi.DeviceRequestsApi;
import org.breathgate.receiver.ingest.deviceapi.EnrollmentApi;
import org.breathgate.receiver.ingest.deviceapi.EnrollmentService;
import org.breathgate.receiver.ingest.deviceapi.EnrollmentSettings;
import org.breathgate.receiver.ingest.deviceapi.FailureLimiter;
import org.breathgate.receiver.evidence.db.Database;
import org.breathgate.receiver.web.auth.TrustedProxies;
import org.breathgate.testkit.TestKeys;
import org.breathgate.receiver.https.HttpsRoutes;
import org.breathgate.receiver.web.auth.WebAuth;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * docs/openapi.yaml and the routes the receiver registers under /api/ agree both ways: every registered API
 * route is documented, and every documented path and method is registered.
 */
class OpenApiCoverageTest {

    private static final Set<HandlerType> METHODS = Set.of(HandlerType.GET, HandlerType.POST, HandlerType.PUT, HandlerType.PATCH,
            HandlerType.DELETE);

    /** "METHOD /path" for each operation in the spec (its paths are two-space indented, methods four). */
    static Set<String> documented() throws Exception {
        Path spec = Path.of("..", "..", "docs", "openapi.yaml");
        Pattern pathLine = Pattern.compile("^  (/[^:\\s]*):\\s*$");
        Pattern methodLine = Pattern.compile("^    (get|post|put|patch|delete):\\s*$");
        Set<String> ops = new TreeSet<>();
        String current = null;
        boolean inPaths = false;
        for (String line : Files.readAllLines(spec, StandardCharsets.UTF_8)) {
            if (!line.startsWith(" ") && !line.isBlank()) {
                inPaths = line.startsWith("paths:");
                current = null;
                continue;
            }
            if (!inPaths) {
                continue;
            }
            Matcher p = pathLine.matcher(line);
            if (p.matches()) {
                current = p.group(1);
                continue;
            }
            Matcher m = methodLine.matcher(line);
            if (m.matches() && current != null) {
                ops.add(m.group(1).toUpperCase() + " " + current);
            }
        }
        return ops;
    }

    /** "METHOD /path" for each API route the receiver's web features register (as Receiver.startWeb adds them). */
    static Set<String> registered(List<HttpsRoutes> features) {
        Javalin app = Javalin.create(config -> features.forEach(f -> f.register(config.routes)));
        Set<String> ops = new TreeSet<>();
        app.unsafe.internalRouter.allHttpHandlers().forEach(e -> {
            if (METHODS.contains(e.endpoint.method) && e.endpoint.path.startsWith("/api/")) {
                ops.add(e.endpoint.method.name() + " " + e.endpoint.path);
            }
        });
        return ops;
    }

    @Test
    void every_registered_api_route_is_documented_and_every_documented_one_is_registered() throws Exception {
        try (TestDatabases databases = new TestDatabases(); Database database = databases.open(Database.Dialect.SQLITE)) {
            Clock clock = Clock.systemUTC();
            AuditLog audit = new AuditLog(database, null);
            DeviceRegistry registry = new DeviceRegistry(database, clock);
            Users users = new Users(database, new PasswordHasher(new PasswordHasher.Cost(64, 1, 1), new SecureRandom()));
            Care care = Care.of(new Care.Needs(new CareGate(database, audit, clock), database, registry,
                    new PhotoStore(PhotoSettings.defaults(databases.newFolder())), new AlertEngine(ZoneOffset.UTC),
                    new MessageSigner(TestKeys.receiver()), (topic, payload) -> { }, users, new org.breathgate.receiver.care.signin.SignInSettings(org.breathgate.receiver.care.signin.SessionPolicy.DEFAULT,
                            org.breathgate.receiver.care.signin.SignInSettings.SecondFactor.OFF_DEMO_ONLY,
                            org.breathgate.receiver.care.signin.SignInSecret.random(new SecureRandom())),
                    () -> "id", () -> { }, ZoneOffset.UTC, clock));
            WebAuth auth = new WebAuth(care.signIn(), clock, TrustedProxies.NONE, s -> java.util.Optional.empty());
            EnrollmentSettings settings = new EnrollmentSettings(URI.create("https://receiver.test:8443"), URI.create("ssl://mqtt.test:8883"),
                    "-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n", List.of(TestKeys.receiver().verificationKey()),
                    EnrollmentSettings.DEFAULT_EXPIRY, EnrollmentSettings.MAX_EXPIRY);
            List<HttpsRoutes> features = List.of(auth,
                    new EnrollmentApi(new EnrollmentService(database, registry, clock, new SecureRandom(), org.breathgate.receiver.ingest.broker.BrokerAccounts.none()), settings,
                            AdminToken.of("test-admin-token-0123456789abcdefghijklmnop"), "sha256:00", new FailureLimiter(10, Duration.ofMinutes(10), clock)),
                    new DeviceRequestsApi(database, registry, clock, org.breathgate.receiver.ingest.broker.BrokerAccounts.none()),
                    new ApiRoutes(auth, care, ZoneOffset.UTC, clock),
                    new PeopleRoutes(auth, care, clock),
                    new org.breathgate.receiver.web.api.PhotoRoutes(auth::requireApi, care.photos()));
            Set<String> registered = registered(features);
            Set<String> documented = documented();
            assertTrue(registered.size() > 20, "the routes were found: " + registered);
            Set<String> undocumented = new TreeSet<>(registered);
            undocumented.removeAll(documented);
            Set<String> unregistered = new TreeSet<>(documented);
            unregistered.removeAll(registered);
            assertEquals(Set.of(), undocumented, "registered but not in docs/openapi.yaml");
            assertEquals(Set.of(), unregistered, "in docs/openapi.yaml but not registered");
        }
    }

    @Test
    void the_served_spec_is_the_documented_file() throws Exception {
        try (var in = ApiRoutes.class.getResourceAsStream("/openapi.yaml")) {
            assertTrue(in != null, "docs/openapi.yaml is packaged as a resource");
            assertEquals(Files.readString(Path.of("..", "..", "docs", "openapi.yaml")), new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }
}
