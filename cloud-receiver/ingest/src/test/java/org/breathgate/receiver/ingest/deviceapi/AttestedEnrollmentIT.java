package org.breathgate.receiver.ingest.deviceapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.breathgate.attestation.AttestationJson;
import org.breathgate.attestation.AttestationProof;
import org.breathgate.attestation.AttestationRequest;
import org.breathgate.attestation.Challenge;
import org.breathgate.attestation.ToolsDevice;
import org.breathgate.attestation.TrustAnchors;
import org.breathgate.protocol.DeviceRequests;
import org.breathgate.protocol.KeyId;
import org.breathgate.protocol.KeyType;
import org.breathgate.protocol.SigningKey;
import org.breathgate.protocol.VerificationKey;
import org.breathgate.receiver.evidence.db.Database;
import org.breathgate.receiver.evidence.db.TestDatabases;
import org.breathgate.receiver.evidence.device.Device;
import org.breathgate.receiver.evidence.device.DeviceKey;
import org.breathgate.testkit.ManualClock;
import org.breathgate.testkit.SoftwareTpm;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * TPM attestation at enrollment on the receiver's real HTTPS endpoints, with a real TPM 2.0 (swtpm, its EK certificate
 * from a local "vendor" CA) driven by tpm2-tools as any device would: an attested key is registered as P-256 and
 * hardware-bound with its record; an EK of an untrusted vendor, a replayed certification, and a software key dressed in
 * a real TPM's attestation are refused with their codes and leave the code unused; a service that requires TPM keys
 * refuses a plain enrollment; a hardware-bound key cannot be rotated to a file key.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class AttestedEnrollmentIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TestDatabases DATABASES = new TestDatabases();
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    @TempDir
    Path dir;

    private final ManualClock clock = new ManualClock(Instant.now());
    private SoftwareTpm.LocalCa vendor;
    private SoftwareTpm tpm;
    private ToolsDevice device;
    private EnrollmentServer server;

    @AfterAll
    static void closeDatabases() {
        DATABASES.close();
    }

    @BeforeEach
    void startTpm() {
        vendor = SoftwareTpm.LocalCa.in(dir.resolve("vendor-ca"));
        tpm = SoftwareTpm.start(dir.resolve("tpm"), vendor);
        device = new ToolsDevice(tpm, dir.resolve("tpm"));
        clock.set(Instant.now().plusSeconds(1)); // the vendor CA and the EK certificate were just made, valid from this second on
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        tpm.close();
    }

    private void start(Database.Dialect dialect, boolean required) throws Exception {
        TrustAnchors vendors = TrustAnchors.fromPem(List.of(Files.readString(vendor.rootCertificate()),
                Files.readString(vendor.issuerCertificate())));
        server = EnrollmentServer.start(DATABASES, dialect, clock, DeviceAttestation.offered(vendors, required, clock, new SecureRandom()));
    }

    private String newCode() throws Exception {
        HttpResponse<String> r = server.post("/api/v1/enrollment-codes", "application/json", "{}", EnrollmentServer.TOKEN);
        assertEquals(201, r.statusCode(), r.body());
        return JSON.readTree(r.body()).get("code").asText();
    }

    private HttpResponse<String> post(String path, JsonNode body) throws Exception {
        return server.post(path, "application/json", body.toString(), null);
    }

    private HttpResponse<String> challenge(String code, AttestationRequest request) throws Exception {
        ObjectNode body = AttestationJson.toJson(request);
        body.put("code", code);
        return post("/api/v1/enrollments/attestation", body);
    }

    private ObjectNode enrollment(String code, VerificationKey key, AttestationProof proof) throws Exception {
        ObjectNode body = (ObjectNode) JSON.readTree("""
                {"sensor": {"driver": "line", "model": "Breathgate Simulator", "serial": "SIM-0001", "firmware": "sim-1",
                            "calibration_due": "2027-05-24"},
                 "agent_version": "0.1.0", "hostname": "raspberrypi"}
                """);
        body.put("code", code);
        ObjectNode jwk = (ObjectNode) JSON.readTree(key.toJwk());
        jwk.remove(List.of("kid", "alg", "use"));
        body.set("public_key", jwk);
        if (proof != null) {
            body.set("attestation", AttestationJson.toJson(proof));
        }
        return body;
    }

    /** Steps 1 and 2 with the TPM: the challenge's credential activated, the key's creation certified with its nonce. */
    private record Attested(AttestationRequest request, VerificationKey key, AttestationProof proof, Challenge challenge, byte[] secret) {
    }

    private Attested attest(String code, String keyPrefix) throws Exception {
        AttestationRequest request = device.begin();
        HttpResponse<String> r = challenge(code, request);
        assertEquals(200, r.statusCode(), r.body());
        Challenge challenge = AttestationJson.challenge(JSON.readTree(r.body()));
        byte[] secret = device.activate(challenge);
        VerificationKey key = device.createKey(keyPrefix);
        return new Attested(request, key, device.certify(keyPrefix, challenge, secret, challenge.nonce()), challenge, secret);
    }

    /** A device enrolled with its TPM key attested, and that key (kid {@code <device>:1}) signing in the TPM. */
    private record Enrolled(String deviceId, Attested attested, SigningKey current) {
    }

    private Enrolled enrollAttested() throws Exception {
        String code = newCode();
        Attested a = attest(code, "device");
        HttpResponse<String> r = post("/api/v1/enrollments", enrollment(code, a.key(), a.proof()));
        assertEquals(201, r.statusCode(), r.body());
        String deviceId = JSON.readTree(r.body()).get("device_id").asText();
        return new Enrolled(deviceId, a, device.signingKey("device", a.key(), new KeyId(deviceId, 1)));
    }

    private static void assertError(HttpResponse<String> r, int status, String error, String messageStart) throws Exception {
        assertEquals(status, r.statusCode(), r.body());
        JsonNode body = JSON.readTree(r.body());
        assertEquals(error, body.get("error").asText(), r.body());
        assertTrue(body.get("message").asText().startsWith(messageStart), r.body());
    }

    private void assertCodeStillEnrolls(String code) throws Exception {
        SigningKey fileKey = SigningKey.generate(new KeyId("unenrolled", 1), new SecureRandom());
        HttpResponse<String> r = post("/api/v1/enrollments", enrollment(code, fileKey.verificationKey(), null));
        assertEquals(201, r.statusCode(), "the code was not used up by the refused attestation: " + r.body());
        DeviceKey key = server.registry.device(JSON.readTree(r.body()).get("device_id").asText()).orElseThrow().keys().get(0);
        assertEquals(KeyType.ED25519, key.type());
        assertFalse(key.hardwareBound());
    }

    @ParameterizedTest
    @EnumSource(Database.Dialect.class)
    void a_key_made_in_a_trusted_tpm_is_enrolled_as_p256_and_hardware_bound_with_its_attestation_record(Database.Dialect dialect)
            throws Exception {
        start(dialect, false);
        String code = newCode();
        Attested a = attest(code, "device");
        HttpResponse<String> r = post("/api/v1/enrollments", enrollment(code, a.key(), a.proof()));
        assertEquals(201, r.statusCode(), r.body());
        String deviceId = JSON.readTree(r.body()).get("device_id").asText();
        Device enrolled = server.registry.device(deviceId).orElseThrow();
        DeviceKey key = enrolled.keys().get(0);
        assertEquals(KeyType.P256, key.type());
        assertEquals(a.key().withKeyId(new KeyId(deviceId, 1)), key.key());
        assertTrue(key.hardwareBound());
        assertEquals("id:00001014", key.attestation().tpmManufacturer()); // swtpm's TCG vendor id (IBM)
        assertEquals("swtpm", key.attestation().tpmModel());
        assertTrue(key.attestation().trustAnchor().contains("swtpm-localca-rootca"), key.attestation().toString());
        JsonNode record = JSON.readTree(key.attestation().record());
        assertEquals(AttestationJson.RECORD_FORMAT, record.get("format").asText());
        assertEquals(deviceId + ":1", record.get("kid").asText());
        assertEquals(a.key().fingerprint(), record.get("key_sha256").asText());
        assertEquals(B64.encodeToString(a.challenge().nonce()), record.get("nonce").asText());
        assertFalse(record.has("secret"), "the activated secret is not kept");
        assertEquals(key.attestation().ekCertificateSha256(), record.get("result").get("ek_certificate_sha256").asText());
        // the registry hands the key out as ES256 for verifying its evidence
        assertEquals("ES256", server.registry.find(new KeyId(deviceId, 1)).orElseThrow().type().jwsAlgorithm());
        // the code is used up, and the challenge too
        assertError(post("/api/v1/enrollments", enrollment(code, a.key(), a.proof())), 409, "code_used", "");
        String again = newCode();
        assertError(post("/api/v1/enrollments", enrollment(again, a.key(), a.proof())), 400, "attestation_refused", "challenge_expired");
    }

    @Test
    void a_tpm_whose_ek_does_not_chain_to_a_configured_vendor_is_refused_and_the_code_stays_usable() throws Exception {
        start(Database.Dialect.SQLITE, false);
        String code = newCode();
        SoftwareTpm.LocalCa other = SoftwareTpm.LocalCa.in(dir.resolve("other-ca"));
        try (SoftwareTpm foreign = SoftwareTpm.start(dir.resolve("foreign"), other)) {
            clock.set(Instant.now().plusSeconds(1));
            ToolsDevice foreignDevice = new ToolsDevice(foreign, dir.resolve("foreign"));
            assertError(challenge(code, foreignDevice.begin()), 400, "attestation_refused", "ek_untrusted");
        }
        assertCodeStillEnrolls(code);
    }

    @Test
    void a_certification_replayed_from_another_challenge_is_refused() throws Exception {
        start(Database.Dialect.SQLITE, false);
        String code = newCode();
        Attested first = attest(code, "device");
        // a second exchange for the same code and AK: the old certification (made with the first nonce) is replayed
        HttpResponse<String> r = challenge(code, first.request());
        assertEquals(200, r.statusCode(), r.body());
        Challenge second = AttestationJson.challenge(JSON.readTree(r.body()));
        byte[] secret = device.activate(second);
        AttestationProof p = first.proof();
        AttestationProof replayed = new AttestationProof(second.id(), secret, p.keyPublic(), p.creationData(), p.certifyInfo(),
                p.certifySignature());
        assertError(post("/api/v1/enrollments", enrollment(code, first.key(), replayed)), 400, "attestation_refused", "wrong_nonce");
        // a challenge answered with a wrong secret: the AK is not in the EK's TPM
        Attested third = attest(code, "device3");
        byte[] wrong = third.secret().clone();
        wrong[0] ^= 1;
        AttestationProof t = third.proof();
        assertError(post("/api/v1/enrollments", enrollment(code, third.key(), new AttestationProof(t.challengeId(), wrong, t.keyPublic(),
                t.creationData(), t.certifyInfo(), t.certifySignature()))), 400, "attestation_refused", "credential_not_activated");
        assertCodeStillEnrolls(code);
    }

    @Test
    void a_software_key_sent_with_a_real_tpm_attestation_is_refused() throws Exception {
        start(Database.Dialect.SQLITE, false);
        String code = newCode();
        Attested a = attest(code, "device");
        SigningKey software = SigningKey.generateP256(new KeyId("unenrolled", 1), new SecureRandom());
        assertError(post("/api/v1/enrollments", enrollment(code, software.verificationKey(), a.proof())), 400, "attestation_refused",
                "different_key");
        Attested b = attest(code, "device2");
        SigningKey ed = SigningKey.generate(new KeyId("unenrolled", 1), new SecureRandom());
        assertError(post("/api/v1/enrollments", enrollment(code, ed.verificationKey(), b.proof())), 400, "attestation_refused",
                "different_key");
        // a challenge is bound to the code it was asked with
        Attested c = attest(code, "device3");
        assertError(post("/api/v1/enrollments", enrollment(newCode(), c.key(), c.proof())), 400, "attestation_refused",
                "challenge_expired");
        assertCodeStillEnrolls(code);
    }

    @Test
    void a_service_that_requires_tpm_keys_refuses_an_enrollment_without_attestation_and_checks_the_code_at_step_one() throws Exception {
        start(Database.Dialect.SQLITE, true);
        String code = newCode();
        SigningKey software = SigningKey.generateP256(new KeyId("unenrolled", 1), new SecureRandom());
        assertError(post("/api/v1/enrollments", enrollment(code, software.verificationKey(), null)), 400, "attestation_required", "");
        assertError(challenge("K7M2-Q9XD-4RTB-8HWD", device.begin()), 404, "unknown_code", "");
        Attested a = attest(code, "device");
        HttpResponse<String> r = post("/api/v1/enrollments", enrollment(code, a.key(), a.proof()));
        assertEquals(201, r.statusCode(), r.body());
        assertError(challenge(code, device.begin()), 409, "code_used", "");
    }

    @Test
    void a_hardware_bound_key_is_not_replaced_by_a_file_key_and_a_rotated_tpm_key_is_recorded_as_not_attested() throws Exception {
        start(Database.Dialect.SQLITE, false);
        Enrolled e = enrollAttested();
        String deviceId = e.deviceId();
        SigningKey current = e.current();

        SigningKey fileKey = SigningKey.generate(new KeyId(deviceId, 2), new SecureRandom());
        assertError(rotate(current, deviceId, fileKey), 400, "key_downgrade", "");
        assertEquals(1, server.registry.device(deviceId).orElseThrow().keys().size());

        VerificationKey next = device.createKey("device2");
        HttpResponse<String> rotated = rotate(current, deviceId, SigningKey.external(next.withKeyId(new KeyId(deviceId, 2)), data -> {
            throw new UnsupportedOperationException("not signed with");
        }));
        assertEquals(201, rotated.statusCode(), rotated.body());
        DeviceKey k2 = server.registry.device(deviceId).orElseThrow().keys().get(1);
        assertEquals(KeyType.P256, k2.type());
        assertFalse(k2.hardwareBound(), "a rotation without the TPM's certification: the new key is not shown as proven to be in a TPM");
        assertNull(k2.attestation());
    }

    @Test
    void where_tpm_keys_are_required_a_hardware_bound_key_cannot_be_rotated_to_an_unattested_one() throws Exception {
        start(Database.Dialect.SQLITE, true);
        Enrolled e = enrollAttested();
        String deviceId = e.deviceId();
        SigningKey current = e.current();
        VerificationKey next = device.createKey("device2");
        assertError(rotate(current, deviceId, SigningKey.external(next.withKeyId(new KeyId(deviceId, 2)), data -> {
            throw new UnsupportedOperationException("not signed with");
        })), 400, "attestation_required", "");
    }

    @ParameterizedTest
    @EnumSource(Database.Dialect.class)
    void a_key_rotated_within_the_tpm_and_certified_by_its_attestation_key_is_registered_attested(Database.Dialect dialect)
            throws Exception {
        start(dialect, true);
        Enrolled e = enrollAttested();
        Attested a = e.attested();
        String deviceId = e.deviceId();
        SigningKey current = e.current();
        VerificationKey next = device.createKey("device2");
        SigningKey nextKey = SigningKey.external(next.withKeyId(new KeyId(deviceId, 2)), data -> {
            throw new UnsupportedOperationException("not signed with");
        });

        // certified with another nonce than the request's: a replayed certification
        byte[] nonce = new byte[16];
        new SecureRandom().nextBytes(nonce);
        byte[] otherNonce = nonce.clone();
        otherNonce[3] ^= 1;
        assertError(rotate(current, deviceId, nextKey, nonce, device.certify("device2", a.challenge(), new byte[0], otherNonce)), 400,
                "attestation_refused", "wrong_nonce");
        assertEquals(1, server.registry.device(deviceId).orElseThrow().keys().size(), "nothing registered");

        new SecureRandom().nextBytes(nonce);
        HttpResponse<String> rotated = rotate(current, deviceId, nextKey, nonce, device.certify("device2", a.challenge(), new byte[0], nonce));
        assertEquals(201, rotated.statusCode(), rotated.body());
        DeviceKey k2 = server.registry.device(deviceId).orElseThrow().keys().get(1);
        assertTrue(k2.hardwareBound(), "the enrolled key's attestation key certified the new key's creation");
        DeviceKey k1 = server.registry.device(deviceId).orElseThrow().keys().get(0);
        assertEquals(k1.attestation().ekCertificateSha256(), k2.attestation().ekCertificateSha256(), "the same TPM");
        JsonNode record = JSON.readTree(k2.attestation().record());
        assertEquals(deviceId + ":2", record.get("kid").asText());
        assertEquals(deviceId + ":1", record.get("result").get("rotated_from").asText());
        assertEquals(B64.encodeToString(nonce), record.get("nonce").asText());
        // the record holds up offline, as the parent's export hands it out
        TrustAnchors vendors = TrustAnchors.fromPem(List.of(Files.readString(vendor.rootCertificate()),
                Files.readString(vendor.issuerCertificate())));
        assertEquals(deviceId + ":2", org.breathgate.attestation.AttestationRecord.check(record, k2.key(), vendors).kid());
    }

    private HttpResponse<String> rotate(SigningKey signer, String deviceId, SigningKey newKey) throws Exception {
        byte[] nonce = new byte[16];
        new SecureRandom().nextBytes(nonce);
        return rotate(signer, deviceId, newKey, nonce, null);
    }

    /** A rotation request with this nonce and, when given, the TPM's certification of the new key ({@code attestation}). */
    private HttpResponse<String> rotate(SigningKey signer, String deviceId, SigningKey newKey, byte[] nonce, AttestationProof certified)
            throws Exception {
        ObjectNode p = JSON.createObjectNode();
        p.put("type", "key_rotation");
        p.put("device_id", deviceId);
        p.put("iat", clock.instant().getEpochSecond());
        p.put("nonce", B64.encodeToString(nonce));
        p.set("new_key", JSON.readTree(newKey.verificationKey().toJwk()));
        if (certified != null) {
            p.set("attestation", AttestationJson.toRotationJson(certified));
        }
        String jws = DeviceRequests.sign(signer, DeviceRequestsApi.ROTATION_TYP, p.toString().getBytes(StandardCharsets.UTF_8));
        return server.post("/api/v1/devices/" + deviceId + "/keys", "application/jose", jws, null);
    }
}
