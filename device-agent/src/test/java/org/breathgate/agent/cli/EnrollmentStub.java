package org.breathgate.agent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.breathgate.attestation.AttestationException;
import org.breathgate.attestation.AttestationJson;
import org.breathgate.attestation.AttestationProof;
import org.breathgate.attestation.AttestationVerifier;
import org.breathgate.attestation.HardwareBinding;
import org.breathgate.attestation.PendingChallenge;
import org.breathgate.attestation.Refusal;
import org.breathgate.attestation.TrustAnchors;
import org.breathgate.protocol.DeviceRequests;
import org.breathgate.protocol.InvalidMessageException;
import org.breathgate.protocol.EnrollmentCode;
import org.breathgate.agent.enroll.PinnedTls;
import org.breathgate.protocol.KeyId;
import org.breathgate.protocol.VerificationKey;

/**
 * A stand-in for the receiver's enrollment API, implementing the contract in docs/protocol.md
 * ("Enrollment over HTTPS") on the JDK's HTTPS server with a self-signed certificate made here. The
 * real receiver's endpoint is built separately; the end-to-end test against it lives in
 * system-tests. Codes are registered with a state; the stub answers each as the contract says.
 */
final class EnrollmentStub implements AutoCloseable {

    enum CodeState { VALID, USED, EXPIRED }

    /** What the stub hands out on a successful enrollment. */
    record Grant(String deviceId, String brokerUri, String username, String password, String caPem, List<VerificationKey> receiverKeys,
                 String config) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpsServer server;
    private final String fingerprint;
    private final Map<String, CodeState> codes = new ConcurrentHashMap<>();
    private final Map<String, VerificationKey> deviceKeys = new ConcurrentHashMap<>();
    private final List<String> requests = new ArrayList<>();
    private volatile Grant grant;
    private volatile AttestationVerifier attestation;
    private final Map<String, PendingChallenge> challenges = new ConcurrentHashMap<>();
    private final Map<String, HardwareBinding> bindings = new ConcurrentHashMap<>();

    private EnrollmentStub(HttpsServer server, String fingerprint) {
        this.server = server;
        this.fingerprint = fingerprint;
    }

    static EnrollmentStub start(Path dir) throws Exception {
        Files.createDirectories(dir);
        Path store = dir.resolve("receiver-tls.p12");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(), "-genkeypair",
                "-alias", "receiver", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=breathgate-test-receiver",
                "-ext", "san=ip:127.0.0.1,dns:localhost", "-validity", "30", "-storetype", "PKCS12", "-keystore", store.toString(),
                "-storepass", "changeit", "-keypass", "changeit").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("keytool failed: " + out);
        }
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            ks.load(in, "changeit".toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, "changeit".toCharArray());
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(kmf.getKeyManagers(), null, null);
        HttpsServer server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(tls));
        EnrollmentStub stub = new EnrollmentStub(server, PinnedTls.fingerprintOf((X509Certificate) ks.getCertificate("receiver")));
        server.createContext("/api/v1/enrollments", stub::enrollment);
        server.createContext("/api/v1/devices/", stub::device);
        server.start();
        return stub;
    }

    String url() {
        return "https://127.0.0.1:" + server.getAddress().getPort();
    }

    String fingerprint() {
        return fingerprint;
    }

    void code(String code, CodeState state) {
        codes.put(EnrollmentCode.parse(code).toString(), state);
    }

    void grant(Grant g) {
        this.grant = g;
    }

    /**
     * Offers TPM attestation (docs/protocol.md, "TPM attestation at enrollment") with the attestation
     * module's verifier, trusting {@code vendors}; without this call the stub has no attestation
     * endpoint, like a receiver that predates it.
     */
    void offerAttestation(TrustAnchors vendors) {
        this.attestation = new AttestationVerifier(vendors, java.time.Clock.systemUTC(), new java.security.SecureRandom());
    }

    /** What a verified attestation established for the key enrolled as {@code kid}, if it was attested. */
    java.util.Optional<HardwareBinding> binding(KeyId kid) {
        return java.util.Optional.ofNullable(bindings.get(kid.toString()));
    }

    /** The key a device enrolled or rotated to, by kid. */
    VerificationKey deviceKey(KeyId kid) {
        return deviceKeys.get(kid.toString());
    }

    /** Forgets every key of {@code deviceId}, as a receiver that retired or deleted it. */
    void forget(String deviceId) {
        deviceKeys.keySet().removeIf(k -> k.startsWith(deviceId + ":"));
    }

    synchronized List<String> requests() {
        return List.copyOf(requests);
    }

    private void enrollment(HttpExchange x) throws IOException {
        try (x) {
            String body = new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            synchronized (this) {
                requests.add(x.getRequestMethod() + " " + x.getRequestURI() + " " + body);
            }
            if (!x.getRequestMethod().equals("POST")) {
                x.sendResponseHeaders(x.getRequestMethod().equals("OPTIONS") ? 204 : 405, -1);
                return;
            }
            JsonNode req;
            try {
                req = JSON.readTree(body);
            } catch (IOException e) {
                error(x, 400, "invalid_request", "body is not JSON");
                return;
            }
            if (x.getRequestURI().getPath().equals("/api/v1/enrollments/attestation")) {
                attestationChallenge(x, req);
                return;
            }
            EnrollmentCode code;
            VerificationKey key;
            try {
                code = EnrollmentCode.parse(req.path("code").asText());
                JsonNode jwk = req.path("public_key");
                if (jwk.has("kid") || jwk.has("d")) {
                    throw new IllegalArgumentException("public_key must have no kid and no d");
                }
                key = VerificationKey.fromJwk(new KeyId(grant.deviceId(), 1), jwk.toString());
                if (!req.path("sensor").path("model").isTextual() || !req.path("agent_version").isTextual()) {
                    throw new IllegalArgumentException("sensor.model and agent_version are required");
                }
            } catch (IllegalArgumentException e) {
                error(x, 400, "invalid_request", e.getMessage());
                return;
            }
            CodeState state = codes.get(code.toString());
            if (state == null) {
                error(x, 404, "unknown_code", "no such enrollment code");
                return;
            }
            if (state == CodeState.EXPIRED) {
                error(x, 410, "code_expired", "the code expired");
                return;
            }
            if (state == CodeState.USED || codes.replace(code.toString(), CodeState.VALID, CodeState.USED) == false) {
                error(x, 409, "code_used", "the code was already used");
                return;
            }
            if (req.has("attestation")) {
                if (attestation == null) {
                    error(x, 400, "invalid_request", "this receiver does not take attestations");
                    return;
                }
                try {
                    AttestationProof proof = AttestationJson.proof(req.get("attestation"));
                    PendingChallenge pending = challenges.remove(proof.challengeId());
                    if (pending == null) {
                        throw new AttestationException(Refusal.CHALLENGE_EXPIRED, "unknown or used challenge");
                    }
                    bindings.put(grant.deviceId() + ":1", attestation.verify(pending, proof, key));
                } catch (AttestationException e) {
                    error(x, 400, "attestation_refused", e.getMessage());
                    return;
                }
            }
            deviceKeys.put(grant.deviceId() + ":1", key);
            ObjectNode o = JSON.createObjectNode();
            o.put("device_id", grant.deviceId());
            o.put("kid", grant.deviceId() + ":1");
            o.put("broker_uri", grant.brokerUri());
            o.put("mqtt_username", grant.username());
            o.put("mqtt_password", grant.password());
            o.put("broker_ca_pem", grant.caPem());
            for (VerificationKey k : grant.receiverKeys()) {
                o.withArray("receiver_keys").add(JSON.readTree(k.toJwk()));
            }
            if (grant.config() != null) {
                o.put("config", grant.config());
            }
            send(x, 201, o);
        }
    }

    /** {@code POST /api/v1/enrollments/attestation}: step 1 (the code is checked, not used). */
    private void attestationChallenge(HttpExchange x, JsonNode req) throws IOException {
        if (attestation == null) {
            error(x, 404, "not_found", "no such endpoint"); // as the receiver answers a path it does not serve
            return;
        }
        CodeState state = codes.get(EnrollmentCode.parse(req.path("code").asText()).toString());
        if (state != CodeState.VALID) {
            error(x, 404, "unknown_code", "no such valid enrollment code");
            return;
        }
        try {
            PendingChallenge pending = attestation.challenge(AttestationJson.request(req));
            challenges.put(pending.challenge().id(), pending);
            send(x, 200, AttestationJson.toJson(pending.challenge()));
        } catch (AttestationException e) {
            error(x, 400, "attestation_refused", e.getMessage());
        }
    }

    /** {@code POST /api/v1/devices/{id}/keys}: a JWS signed by the device's current key, carrying the new one. */
    private void device(HttpExchange x) throws IOException {
        try (x) {
            String body = new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String[] path = x.getRequestURI().getPath().split("/");
            String deviceId = path[4];
            String[] parts = body.strip().split("\\.");
            if (parts.length != 3) {
                error(x, 400, "invalid_request", "body is not a compact JWS");
                return;
            }
            JsonNode header = JSON.readTree(Base64.getUrlDecoder().decode(parts[0]));
            JsonNode payload = JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
            VerificationKey signer = deviceKeys.get(header.path("kid").asText());
            try {
                DeviceRequests.verify(body.strip(), header.path("typ").asText(), deviceId,
                        kid -> java.util.Optional.ofNullable(deviceKeys.get(kid.toString())));
            } catch (InvalidMessageException | IllegalArgumentException e) {
                error(x, 401, "invalid_signature", "not signed by an enrolled key of " + deviceId + ": " + e.getMessage());
                return;
            }
            if (path[5].equals("keys") && header.path("typ").asText().equals("breathgate-key-rotation")
                    && payload.path("device_id").asText().equals(deviceId)) {
                VerificationKey next = VerificationKey.fromJwk(null, payload.path("new_key").toString());
                if (next.keyId().version() != signer.keyId().version() + 1 || !next.keyId().owner().equals(deviceId)) {
                    error(x, 400, "invalid_request", "new_key kid must be the next version");
                    return;
                }
                deviceKeys.put(next.keyId().toString(), next);
                ObjectNode o = JSON.createObjectNode();
                o.put("device_id", deviceId);
                o.put("kid", next.keyId().toString());
                send(x, 201, o);
                return;
            }
            if (path[5].equals("deprovision") && header.path("typ").asText().equals("breathgate-deprovision")) {
                deviceKeys.keySet().removeIf(k -> k.startsWith(deviceId + ":"));
                ObjectNode o = JSON.createObjectNode();
                o.put("device_id", deviceId);
                o.put("status", "retired");
                send(x, 200, o);
                return;
            }
            error(x, 400, "invalid_request", "unexpected request");
        }
    }

    private static void error(HttpExchange x, int status, String code, String message) throws IOException {
        ObjectNode o = JSON.createObjectNode();
        o.put("error", code);
        o.put("message", message);
        send(x, status, o);
    }

    private static void send(HttpExchange x, int status, ObjectNode o) throws IOException {
        byte[] b = o.toString().getBytes(StandardCharsets.UTF_8);
        x.getResponseHeaders().set("Content-Type", "application/json");
        x.sendResponseHeaders(status, b.length);
        x.getResponseBody().write(b);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
