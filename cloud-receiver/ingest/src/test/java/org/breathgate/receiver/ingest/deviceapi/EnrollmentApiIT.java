package org.breathgate.receiver.ingest.deviceapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.X509TrustManager;
import org.breathgate.protocol.EnrollmentCode;
import org.breathgate.protocol.KeyId;
import org.breathgate.protocol.SigningKey;
import org.breathgate.receiver.evidence.db.TestDatabases;
import org.breathgate.receiver.evidence.device.Device;
import org.breathgate.receiver.evidence.device.DeviceRegistry;
import org.breathgate.receiver.evidence.db.Database;
import org.breathgate.receiver.https.TlsIdentity;
import org.breathgate.testkit.ManualClock;
import org.breathgate.receiver.https.HttpsServer;
import org.breathgate.testkit.TestKeys;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The enrollment endpoints over real HTTPS, against SQLite and PostgreSQL: codes need the admin
 * token, a code enrolls exactly one device once (also when two race), unknown, used, expired and
 * malformed codes get the contract's errors, and repeated failures get 429.
 */
@Timeout(60)
class EnrollmentApiIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TestDatabases DATABASES = new TestDatabases();
    private static final String TOKEN = EnrollmentServer.TOKEN;

    private final ManualClock now = new ManualClock(Instant.parse("2026-11-25T10:00:00Z"));
    private EnrollmentServer server;
    private Database database;
    private DeviceRegistry registry;
    private HttpsServer web;
    private HttpClient http;

    @AfterAll
    static void closeDatabases() {
        DATABASES.close();
    }

    @AfterEach
    void close() {
        if (server != null) {
            server.close();
        }
    }

    private void start(Database.Dialect dialect) throws Exception {
        server = EnrollmentServer.start(DATABASES, dialect, now);
        database = server.database;
        registry = server.registry;
        web = server.web;
        http = server.http;
    }

    private HttpResponse<String> post(String path, String body, String token) throws Exception {
        return server.post(path, "application/json", body, token);
    }

    private String newCode(String body) throws Exception {
        HttpResponse<String> r = post("/api/v1/enrollment-codes", body, TOKEN);
        assertEquals(201, r.statusCode(), r.body());
        return JSON.readTree(r.body()).get("code").asText();
    }

    private static String enrollment(String code, SigningKey key) {
        return """
                {"code": "%s", "public_key": {"kty": "OKP", "crv": "Ed25519", "x": "%s"},
                 "sensor": {"driver": "line", "model": "Breathgate Simulator", "serial": "SIM-0001", "firmware": "sim-1",
                            "calibration_due": "2027-05-24"},
                 "agent_version": "0.1.0", "hostname": "raspberrypi", "future_field": 1}
                """.formatted(code, Base64.getUrlEncoder().withoutPadding().encodeToString(key.verificationKey().raw()));
    }

    private static SigningKey deviceKey() {
        return SigningKey.generate(new KeyId("unenrolled", 1), new SecureRandom());
    }

    private static void assertError(HttpResponse<String> r, int status, String error) throws Exception {
        assertEquals(status, r.statusCode(), r.body());
        JsonNode body = JSON.readTree(r.body());
        assertEquals(error, body.get("error").asText(), r.body());
        assertFalse(body.get("message").asText().isBlank(), r.body());
        assertEquals("application/json", r.headers().firstValue("Content-Type").orElse("").split(";")[0]);
    }

    @ParameterizedTest
    @EnumSource(Database.Dialect.class)
    void a_code_enrolls_one_device_once(Database.Dialect dialect) throws Exception {
        start(dialect);
        HttpResponse<String> issued = post("/api/v1/enrollment-codes", "{\"note\": \"family 12\"}", TOKEN);
        assertEquals(201, issued.statusCode(), issued.body());
        JsonNode c = JSON.readTree(issued.body());
        String code = c.get("code").asText();
        assertTrue(code.matches("[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}"), code);
        assertEquals(Instant.parse("2026-11-28T10:00:00Z"), Instant.parse(c.get("expires_at").asText()), "72 h by default");
        assertEquals(web.identity().fingerprint(), c.get("fingerprint").asText());
        assertEquals("breathgate-agent setup --receiver https://receiver.test:8443 --code " + code + " --fingerprint "
                + web.identity().fingerprint(), c.get("enrollment_line").asText());

        SigningKey key = deviceKey();
        HttpResponse<String> r = post("/api/v1/enrollments", enrollment(code.toLowerCase(java.util.Locale.ROOT), key), null);
        assertEquals(201, r.statusCode(), r.body());
        JsonNode a = JSON.readTree(r.body());
        String deviceId = a.get("device_id").asText();
        assertTrue(deviceId.matches("home-[0-9a-z]{8}"), deviceId);
        assertEquals(deviceId + ":1", a.get("kid").asText());
        assertEquals("ssl://mqtt.test:8883", a.get("broker_uri").asText());
        assertEquals(deviceId, a.get("mqtt_username").asText());
        assertTrue(a.get("mqtt_password").asText().length() >= 22, "at least 128 bits");
        assertTrue(a.get("broker_ca_pem").asText().contains("BEGIN CERTIFICATE"));
        assertEquals("receiver:1", a.get("receiver_keys").get(0).get("kid").asText());
        assertEquals(TestKeys.receiver().verificationKey(),
                org.breathgate.protocol.VerificationKey.fromJwk(null, a.get("receiver_keys").get(0).toString()));

        Device device = registry.device(deviceId).orElseThrow();
        assertEquals(1, device.keys().size());
        assertEquals(org.breathgate.protocol.VerificationKey.fromRaw(new KeyId(deviceId, 1), key.verificationKey().raw()), device.keys().get(0).key());

        assertError(post("/api/v1/enrollments", enrollment(code, deviceKey()), null), 409, "code_used");
        assertEquals(1, registry.deviceIds().size(), "the reused code made no device");
        try (var q = database.read(conn -> conn.prepareStatement("select code_hash, device_id from enrollment_codes")).executeQuery()) {
            assertTrue(q.next());
            assertEquals(org.breathgate.receiver.evidence.enrollment.EnrollmentCodes.hash(EnrollmentCode.parse(code)), q.getString(1), "only the hash is stored");
            assertNotEquals(code, q.getString(1));
            assertEquals(deviceId, q.getString(2));
        }
    }

    @ParameterizedTest
    @EnumSource(Database.Dialect.class)
    void two_devices_racing_with_one_code_get_one_201_and_one_409(Database.Dialect dialect) throws Exception {
        start(dialect);
        for (int round = 0; round < 5; round++) {
            String code = newCode("");
            CountDownLatch go = new CountDownLatch(1);
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                List<Future<HttpResponse<String>>> answers = new ArrayList<>();
                for (int i = 0; i < 2; i++) {
                    answers.add(pool.submit(() -> {
                        go.await();
                        return post("/api/v1/enrollments", enrollment(code, deviceKey()), null);
                    }));
                }
                go.countDown();
                List<Integer> statuses = new ArrayList<>();
                for (Future<HttpResponse<String>> f : answers) {
                    statuses.add(f.get(20, TimeUnit.SECONDS).statusCode());
                }
                statuses.sort(null);
                assertEquals(List.of(201, 409), statuses);
            } finally {
                pool.shutdownNow();
            }
        }
        assertEquals(5, registry.deviceIds().size());
    }

    @Test
    void unknown_expired_and_malformed_codes_are_refused_and_change_nothing() throws Exception {
        start(Database.Dialect.SQLITE);
        String shortLived = newCode("{\"expires_in_minutes\": 5}");
        assertError(post("/api/v1/enrollments", enrollment(EnrollmentCode.generate(new SecureRandom()).toString(), deviceKey()), null),
                404, "unknown_code");
        now.advance(Duration.ofMinutes(5));
        assertError(post("/api/v1/enrollments", enrollment(shortLived, deviceKey()), null), 410, "code_expired");
        assertError(post("/api/v1/enrollments", enrollment("K7M2-Q9XD-4RTB-8HW0", deviceKey()), null), 400, "invalid_request");
        assertError(post("/api/v1/enrollments", "not json", null), 400, "invalid_request");
        String good = newCode("");
        String withPrivate = enrollment(good, deviceKey()).replace("\"x\":", "\"d\": \"AAAA\", \"x\":");
        assertError(post("/api/v1/enrollments", withPrivate, null), 400, "invalid_request");
        String p256 = enrollment(good, deviceKey()).replace("\"Ed25519\"", "\"P-256\"");
        assertError(post("/api/v1/enrollments", p256, null), 400, "invalid_request");
        String badDriver = enrollment(good, deviceKey()).replace("\"line\"", "\"serial\"");
        assertError(post("/api/v1/enrollments", badDriver, null), 400, "invalid_request");
        assertEquals(List.of(), registry.deviceIds());
        assertEquals(201, post("/api/v1/enrollments", enrollment(good, deviceKey()), null).statusCode(), "refusals did not use the code up");
    }

    @Test
    void the_admin_api_needs_the_token_and_failures_are_rate_limited() throws Exception {
        start(Database.Dialect.SQLITE);
        assertError(post("/api/v1/enrollment-codes", "", null), 401, "unauthorized");
        assertError(post("/api/v1/enrollment-codes", "", TOKEN + "x"), 401, "unauthorized");
        assertError(post("/api/v1/enrollment-codes", "{\"expires_in_minutes\": 0}", TOKEN), 400, "invalid_request");
        for (int i = 0; i < 8; i++) {
            assertError(post("/api/v1/enrollments", enrollment(EnrollmentCode.generate(new SecureRandom()).toString(), deviceKey()), null),
                    404, "unknown_code");
        }
        HttpResponse<String> limited = post("/api/v1/enrollments", enrollment(newCodeUnchecked(), deviceKey()), null);
        assertError(limited, 429, "too_many_attempts");
        long retry = Long.parseLong(limited.headers().firstValue("Retry-After").orElseThrow());
        assertTrue(retry > 0 && retry <= 601, "Retry-After " + retry);
        now.advance(Duration.ofMinutes(11));
        assertError(post("/api/v1/enrollments", enrollment(EnrollmentCode.generate(new SecureRandom()).toString(), deviceKey()), null),
                404, "unknown_code");
    }

    private String newCodeUnchecked() throws Exception {
        HttpResponse<String> r = post("/api/v1/enrollment-codes", "", TOKEN);
        return r.statusCode() == 201 ? JSON.readTree(r.body()).get("code").asText() : EnrollmentCode.generate(new SecureRandom()).toString();
    }

    @Test
    void https_only_with_the_pinned_certificate_security_headers_json_errors_and_a_size_limit() throws Exception {
        start(Database.Dialect.SQLITE);
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + web.port() + "/nowhere")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertError(r, 404, "not_found");
        assertEquals(web.identity().certificate(), server.presented.get());
        assertTrue(web.identity().fingerprint().matches("sha256:[0-9a-f]{64}"));
        assertEquals("nosniff", r.headers().firstValue("X-Content-Type-Options").orElse(""));
        assertEquals("DENY", r.headers().firstValue("X-Frame-Options").orElse(""));
        assertTrue(r.headers().firstValue("Strict-Transport-Security").isPresent());
        assertFalse(r.headers().firstValue("Server").orElse("").toLowerCase(java.util.Locale.ROOT).contains("jetty"));
        try {
            HttpResponse<String> big = post("/api/v1/enrollments", "{\"code\": \"" + "A".repeat(200_000) + "\"}", null);
            assertEquals(413, big.statusCode(), big.body());
        } catch (java.io.IOException closedMidUpload) {
            // Jetty answers 413 and closes; a client still sending may see the closed connection instead. Both refuse it.
        }
        assertError(post("/api/v1/enrollments", "{}", null), 400, "invalid_request");
        HttpClient plain = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        try {
            HttpResponse<String> p = plain.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + web.port() + "/api/v1/enrollments"))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            assertNotEquals(200, p.statusCode());
            assertNotEquals(201, p.statusCode());
        } catch (java.io.IOException expected) {
            // plain HTTP on the TLS port fails: fine
        }
        for (String f : List.of(TlsIdentity.CERT_FILE, TlsIdentity.KEY_FILE)) {
            Path file = Files.list(DATABASES.newFolder().getParent()).filter(d -> Files.exists(d.resolve(f))).findFirst().orElseThrow()
                    .resolve(f);
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        }
    }
}
