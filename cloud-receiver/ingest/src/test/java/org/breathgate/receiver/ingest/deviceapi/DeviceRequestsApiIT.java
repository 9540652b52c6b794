package org.breathgate.receiver.ingest.deviceapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import javax.net.ssl.X509TrustManager;
import org.breathgate.protocol.DeviceRequests;
import org.breathgate.protocol.InvalidMessageException;
import org.breathgate.protocol.KeyId;
import org.breathgate.protocol.MessageSigner;
import org.breathgate.protocol.MessageVerifier;
import org.breathgate.protocol.SigningKey;
import org.breathgate.receiver.evidence.db.TestDatabases;
import org.breathgate.receiver.evidence.device.DeviceRegistry;
import org.breathgate.receiver.evidence.device.KeyStatus;
import org.breathgate.receiver.evidence.db.Database;
import org.breathgate.testkit.ManualClock;
import org.breathgate.testkit.SampleMessages;
import org.breathgate.testkit.TestKeys;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Signed device requests (key rotation, deprovisioning) over real HTTPS against a device enrolled
 * through the enrollment API, on SQLite and PostgreSQL.
 */
@Timeout(60)
class DeviceRequestsApiIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TestDatabases DATABASES = new TestDatabases();
    private static final String TOKEN = EnrollmentServer.TOKEN;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final ManualClock clock = new ManualClock(Instant.parse("2026-11-25T10:00:00Z"));
    private EnrollmentServer server;
    private Database database;
    private DeviceRegistry registry;

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
        server = EnrollmentServer.start(DATABASES, dialect, clock);
        database = server.database;
        registry = server.registry;
    }

    private HttpResponse<String> post(String path, String contentType, String body, String token) throws Exception {
        return server.post(path, contentType, body, token);
    }

    /** Enrolls a device through the API; returns its key 1 named {@code <device>:1}. */
    private SigningKey enrollDevice() throws Exception {
        HttpResponse<String> c = post("/api/v1/enrollment-codes", "application/json", "", TOKEN);
        assertEquals(201, c.statusCode(), c.body());
        String code = JSON.readTree(c.body()).get("code").asText();
        SigningKey key = SigningKey.generate(new KeyId("unenrolled", 1), RANDOM);
        String body = """
                {"code": "%s", "public_key": {"kty": "OKP", "crv": "Ed25519", "x": "%s"},
                 "sensor": {"driver": "line", "model": "Breathgate Simulator", "serial": "SIM-0001", "firmware": "sim-1",
                            "calibration_due": "2027-05-24"}, "agent_version": "0.1.0"}
                """.formatted(code, Base64.getUrlEncoder().withoutPadding().encodeToString(key.verificationKey().raw()));
        HttpResponse<String> r = post("/api/v1/enrollments", "application/json", body, null);
        assertEquals(201, r.statusCode(), r.body());
        String deviceId = JSON.readTree(r.body()).get("device_id").asText();
        return SigningKey.fromPem(new KeyId(deviceId, 1), key.toPem());
    }

    private static String nonce() {
        byte[] b = new byte[16];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    private ObjectNode payload(String type, String deviceId) {
        ObjectNode p = JSON.createObjectNode();
        p.put("type", type);
        p.put("device_id", deviceId);
        p.put("iat", clock.instant().getEpochSecond());
        p.put("nonce", nonce());
        return p;
    }

    private ObjectNode rotation(String deviceId, SigningKey newKey) throws Exception {
        ObjectNode p = payload("key_rotation", deviceId);
        p.set("new_key", JSON.readTree(newKey.verificationKey().toJwk()));
        return p;
    }

    private ObjectNode deprovisioning(String deviceId, long lastSeq, long unsent) {
        ObjectNode p = payload("deprovision", deviceId);
        p.put("last_seq", lastSeq);
        p.put("unsent", unsent);
        return p;
    }

    private static String sign(SigningKey key, String typ, ObjectNode payload) {
        return DeviceRequests.sign(key, typ, payload.toString().getBytes(StandardCharsets.UTF_8));
    }

    private HttpResponse<String> send(String deviceId, String endpoint, String jws) throws Exception {
        return post("/api/v1/devices/" + deviceId + "/" + endpoint, "application/jose", jws, null);
    }

    private HttpResponse<String> rotate(SigningKey signer, String deviceId, SigningKey newKey) throws Exception {
        return send(deviceId, "keys", sign(signer, DeviceRequestsApi.ROTATION_TYP, rotation(deviceId, newKey)));
    }

    private static void assertError(HttpResponse<String> r, int status, String error) throws Exception {
        assertEquals(status, r.statusCode(), r.body());
        JsonNode body = JSON.readTree(r.body());
        assertEquals(error, body.get("error").asText(), r.body());
        assertFalse(body.get("message").asText().isBlank(), r.body());
    }

    private void assertEvidenceVerifies(SigningKey key, long seq) throws Exception {
        String compact = new MessageSigner(key).sign(SampleMessages.of(key.keyId().owner()).soberReading(seq)).compact();
        assertEquals(key.keyId(), new MessageVerifier(registry).verify(compact, key.keyId().owner()).keyId());
    }

    @ParameterizedTest
    @EnumSource(Database.Dialect.class)
    void a_device_rotates_its_key_and_both_versions_verify_evidence(Database.Dialect dialect) throws Exception {
        start(dialect);
        SigningKey k1 = enrollDevice();
        String id = k1.keyId().owner();
        SigningKey k2 = SigningKey.generate(new KeyId(id, 2), RANDOM);
        assertEvidenceVerifies(k1, 1);

        HttpResponse<String> r = rotate(k1, id, k2);
        assertEquals(201, r.statusCode(), r.body());
        assertEquals(id, JSON.readTree(r.body()).get("device_id").asText());
        assertEquals(id + ":2", JSON.readTree(r.body()).get("kid").asText());
        assertEvidenceVerifies(k2, 2);
        assertEvidenceVerifies(k1, 3); // still in the outbox, signed before the rotation: stays valid

        // the answer was lost: the device retries, still signing with key 1, with a fresh nonce
        HttpResponse<String> again = rotate(k1, id, k2);
        assertEquals(200, again.statusCode(), again.body());
        assertEquals(id + ":2", JSON.readTree(again.body()).get("kid").asText());
        // another key for version 2
        assertError(rotate(k1, id, SigningKey.generate(new KeyId(id, 2), RANDOM)), 409, "key_conflict");
        // key 1 is superseded for requests: it may not announce version 3, nor deprovision
        SigningKey k3 = SigningKey.generate(new KeyId(id, 3), RANDOM);
        assertError(rotate(k1, id, k3), 400, "invalid_request"); // 2 is next after 1, not 3
        assertError(send(id, "deprovision", sign(k1, DeviceRequestsApi.DEPROVISION_TYP, deprovisioning(id, 1, 0))), 401,
                "invalid_signature");
        // key 2 goes on to 3
        HttpResponse<String> third = rotate(k2, id, k3);
        assertEquals(201, third.statusCode(), third.body());
        assertError(rotate(k1, id, k2), 401, "invalid_signature"); // two versions behind
        assertEquals(3, registry.device(id).orElseThrow().keys().size());
        assertTrue(registry.device(id).orElseThrow().keys().stream().allMatch(k -> k.revokedAt() == null), "no version revoked");
    }

    @ParameterizedTest
    @EnumSource(Database.Dialect.class)
    void deprovisioning_retires_the_device(Database.Dialect dialect) throws Exception {
        start(dialect);
        SigningKey k1 = enrollDevice();
        String id = k1.keyId().owner();
        HttpResponse<String> r = send(id, "deprovision", sign(k1, DeviceRequestsApi.DEPROVISION_TYP, deprovisioning(id, 1234, 2)));
        assertEquals(200, r.statusCode(), r.body());
        assertEquals(id, JSON.readTree(r.body()).get("device_id").asText());
        assertEquals("retired", JSON.readTree(r.body()).get("status").asText());

        assertTrue(registry.device(id).orElseThrow().revoked());
        assertTrue(registry.status(k1.keyId()) instanceof KeyStatus.RevokedDevice);
        String reading = new MessageSigner(k1).sign(SampleMessages.of(id).soberReading(1235)).compact();
        assertThrows(InvalidMessageException.class, () -> new MessageVerifier(registry).verify(reading, id), "ingest refuses it");

        assertError(send(id, "deprovision", sign(k1, DeviceRequestsApi.DEPROVISION_TYP, deprovisioning(id, 1234, 2))), 410,
                "device_retired");
        assertError(rotate(k1, id, SigningKey.generate(new KeyId(id, 2), RANDOM)), 410, "device_retired");
        try (var q = database.read(c -> c.prepareStatement("select last_seq, unsent, signed_by from device_retirements where device_id = '"
                + id + "'")).executeQuery()) {
            assertTrue(q.next());
            assertEquals(1234, q.getLong(1));
            assertEquals(2, q.getLong(2));
            assertEquals(id + ":1", q.getString(3));
        }
        assertTrue(new org.breathgate.receiver.evidence.device.BrokerLogins(database, clock, RANDOM).issuedAt(id).isEmpty(),
                "the broker login is removed");
    }

    @Test
    void stale_forged_and_malformed_requests_are_refused() throws Exception {
        start(Database.Dialect.SQLITE);
        SigningKey k1 = enrollDevice();
        String id = k1.keyId().owner();
        SigningKey k2 = SigningKey.generate(new KeyId(id, 2), RANDOM);

        // replayed nonce
        String once = sign(k1, DeviceRequestsApi.DEPROVISION_TYP, deprovisioning(id, 0, 0).put("type", "not-deprovision"));
        assertError(send(id, "deprovision", once), 400, "invalid_request");
        ObjectNode p = rotation(id, k2);
        String first = sign(k1, DeviceRequestsApi.ROTATION_TYP, p);
        assertEquals(201, send(id, "keys", first).statusCode());
        assertError(send(id, "keys", first), 400, "stale_request");
        // the same nonce is still stale 19 minutes later, even re-signed with a fresh iat
        clock.advance(Duration.ofMinutes(19));
        p.put("iat", clock.instant().getEpochSecond());
        assertError(send(id, "keys", sign(k1, DeviceRequestsApi.ROTATION_TYP, p)), 400, "stale_request");

        SigningKey k3 = SigningKey.generate(new KeyId(id, 3), RANDOM);
        // iat too old / too far ahead
        assertError(send(id, "keys", sign(k2, DeviceRequestsApi.ROTATION_TYP, rotation(id, k3).put("iat",
                clock.instant().minus(Duration.ofMinutes(11)).getEpochSecond()))), 400, "stale_request");
        assertError(send(id, "keys", sign(k2, DeviceRequestsApi.ROTATION_TYP, rotation(id, k3).put("iat",
                clock.instant().plus(Duration.ofMinutes(11)).getEpochSecond()))), 400, "stale_request");
        // wrong typ (a deprovision to the keys endpoint), wrong device_id, short nonce, not a JWS
        assertError(send(id, "keys", sign(k2, DeviceRequestsApi.DEPROVISION_TYP, rotation(id, k3))), 400, "invalid_request");
        assertError(send(id, "keys", sign(k2, DeviceRequestsApi.ROTATION_TYP, rotation(id, k3).put("device_id", "home-zzzzzzzz"))), 400,
                "invalid_request");
        assertError(send(id, "keys", sign(k2, DeviceRequestsApi.ROTATION_TYP, rotation(id, k3).put("nonce", "c2hvcnQ"))), 400,
                "invalid_request");
        assertError(send(id, "keys", "not a jws"), 400, "invalid_request");
        // signed by another key under the device's kid, and by another device
        SigningKey forged = SigningKey.generate(new KeyId(id, 2), RANDOM);
        assertError(send(id, "keys", sign(forged, DeviceRequestsApi.ROTATION_TYP, rotation(id, k3))), 401, "invalid_signature");
        SigningKey other = enrollDevice();
        assertError(send(id, "keys", sign(other, DeviceRequestsApi.ROTATION_TYP, rotation(id, k3))), 401, "invalid_signature");
        // an evidence message is not a request
        String evidence = new MessageSigner(k2).sign(SampleMessages.of(id).soberReading(1)).compact();
        assertError(send(id, "keys", evidence), 400, "invalid_request");
        // unknown device
        assertError(send("home-00000000", "keys", sign(TestKeys.device("home-00000000", 1), DeviceRequestsApi.ROTATION_TYP,
                rotation("home-00000000", k3))), 404, "unknown_device");
        assertError(send("no_such", "deprovision", "x.y.z"), 404, "unknown_device");
        // none of these changed anything: key 3 still goes through
        assertEquals(2, registry.device(id).orElseThrow().keys().size());
        assertEquals(201, rotate(k2, id, k3).statusCode());
    }

    @Test
    void the_nonce_cache_is_bounded_per_device_and_forgets_after_its_window() {
        ManualClock c = new ManualClock(Instant.parse("2026-11-25T10:00:00Z"));
        NonceCache cache = new NonceCache(c, Duration.ofMinutes(20), 2);
        assertEquals(NonceCache.Outcome.NEW, cache.remember("home-a", "n1"));
        assertEquals(NonceCache.Outcome.SEEN, cache.remember("home-a", "n1"));
        assertEquals(NonceCache.Outcome.NEW, cache.remember("home-b", "n1"), "per device");
        assertEquals(NonceCache.Outcome.NEW, cache.remember("home-a", "n2"));
        assertEquals(NonceCache.Outcome.FULL, cache.remember("home-a", "n3"), "home-a's share is full");
        c.advance(Duration.ofMinutes(20));
        assertEquals(NonceCache.Outcome.NEW, cache.remember("home-a", "n1"));
        assertEquals(1, cache.size());
    }

    @Test
    void one_device_filling_its_share_of_the_nonce_cache_does_not_lock_the_others_out() {
        ManualClock c = new ManualClock(Instant.parse("2026-11-25T10:00:00Z"));
        NonceCache cache = new NonceCache(c, Duration.ofMinutes(20), DeviceRequestsApi.NONCE_CAPACITY);
        for (int i = 0; i < DeviceRequestsApi.NONCE_CAPACITY; i++) {
            assertEquals(NonceCache.Outcome.NEW, cache.remember("home-flood", "n" + i));
        }
        assertEquals(NonceCache.Outcome.FULL, cache.remember("home-flood", "one-more"));
        for (int d = 0; d < 50; d++) {
            assertEquals(NonceCache.Outcome.NEW, cache.remember("home-" + d, "n0"), "device " + d + " still gets through");
        }
    }
}
