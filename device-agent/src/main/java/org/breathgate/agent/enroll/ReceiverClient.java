package org.breathgate.agent.enroll;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import org.breathgate.attestation.AttestationException;
import org.breathgate.attestation.AttestationJson;
import org.breathgate.attestation.AttestationRequest;
import org.breathgate.attestation.Challenge;
import org.breathgate.protocol.KeyId;
import org.breathgate.protocol.VerificationKey;

/**
 * The device's side of the receiver's HTTPS API ({@code docs/protocol.md}, "Enrollment over
 * HTTPS"): enrollment with a one-time code, key rotation and deprovisioning, the latter two signed
 * with the device key. With a pin ({@link PinnedTls}) exactly that certificate is trusted; without
 * one, the JVM's CAs and the host name decide. Every failure becomes an
 * {@link EnrollmentException} whose message tells a technician what happened and what to do.
 */
public final class ReceiverClient {

    /** Media type of a request body that is a compact JWS (RFC 7515). */
    public static final String JOSE = "application/jose";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI base;
    private final Optional<PinnedTls> pin;
    private final Duration timeout;
    private final HttpClient http;

    /**
     * @param base    {@code https://host[:port]}, the receiver as the enrollment line names it
     * @param pin     the receiver certificate's fingerprint, or empty to trust the JVM's CAs
     * @param timeout for connecting and for each answer; 20 s suits a weak mobile link
     */
    public ReceiverClient(URI base, Optional<PinnedTls> pin, Duration timeout) {
        this.base = Objects.requireNonNull(base, "base");
        if (!"https".equals(base.getScheme()) || base.getHost() == null) {
            throw new IllegalArgumentException("the receiver address must be https://host[:port], was " + base);
        }
        this.pin = Objects.requireNonNull(pin, "pin");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        SSLContext tls;
        try {
            tls = pin.isPresent() ? pin.get().context() : SSLContext.getDefault();
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("TLS is not available in this JVM", e);
        }
        this.http = HttpClient.newBuilder().sslContext(tls).connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER).version(HttpClient.Version.HTTP_1_1).build();
    }

    public URI base() {
        return base;
    }

    /** {@code POST /api/v1/enrollments}. */
    public EnrollmentResponse enroll(EnrollmentRequest request) throws EnrollmentException {
        ObjectNode body = JSON.createObjectNode();
        body.put("code", request.code().toString());
        ObjectNode jwk = (ObjectNode) readJson(request.publicKey().toJwk());
        jwk.remove(List.of("kid", "use", "alg")); // the receiver names the key; its type says its alg
        body.set("public_key", jwk);
        ObjectNode sensor = body.putObject("sensor");
        sensor.put("driver", request.sensor().driver());
        sensor.put("model", request.sensor().model());
        sensor.put("serial", request.sensor().serial());
        sensor.put("firmware", request.sensor().firmware().orElse(null));
        sensor.put("calibration_due", request.sensor().calibrationDue().map(Object::toString).orElse(null));
        body.put("agent_version", request.agentVersion());
        body.put("hostname", request.hostname());
        request.attestation().ifPresent(proof -> body.set("attestation", AttestationJson.toJson(proof)));
        JsonNode answer = send("POST", "/api/v1/enrollments", "application/json", body.toString(), 201);
        try {
            String deviceId = text(answer, "device_id");
            List<VerificationKey> keys = new ArrayList<>();
            JsonNode list = answer.path("receiver_keys");
            if (!list.isArray()) {
                throw new IllegalArgumentException("receiver_keys must be an array of JWKs");
            }
            for (JsonNode k : list) {
                VerificationKey key = VerificationKey.fromJwk(null, k.toString());
                keys.add(key);
            }
            String ca = text(answer, "broker_ca_pem");
            if (!ca.contains("-----BEGIN CERTIFICATE-----")) {
                throw new IllegalArgumentException("broker_ca_pem holds no PEM certificate");
            }
            Optional<String> config = answer.hasNonNull("config") ? Optional.of(answer.get("config").asText()) : Optional.empty();
            return new EnrollmentResponse(deviceId, KeyId.parse(text(answer, "kid")), new URI(text(answer, "broker_uri")),
                    text(answer, "mqtt_username"), text(answer, "mqtt_password"), ca, keys, config);
        } catch (IllegalArgumentException | URISyntaxException e) {
            throw new EnrollmentException("bad_response", 201, "the receiver accepted the code but its answer is not usable ("
                    + e.getMessage() + "); nothing was written. The code may now count as used: ask the admin to check"
                    + " the device list and issue a new code, and report this receiver version mismatch");
        }
    }

    /**
     * {@code POST /api/v1/enrollments/attestation}: step 1 of TPM attestation. The code is checked but
     * not used up; the answer is a credential only this device's TPM can open, and a nonce.
     *
     * @throws EnrollmentException code {@code attestation_unsupported} when the receiver has no such endpoint (404
     *     without a Breathgate error), besides the enrollment errors
     */
    public Challenge attestationChallenge(org.breathgate.protocol.EnrollmentCode code, AttestationRequest request) throws EnrollmentException {
        ObjectNode body = AttestationJson.toJson(request);
        body.put("code", code.toString());
        JsonNode answer;
        try {
            answer = send("POST", "/api/v1/enrollments/attestation", "application/json", body.toString(), 200);
        } catch (EnrollmentException e) {
            // A receiver without the endpoint answers 404 "not_found" (or no Breathgate error at all); an unknown code is "unknown_code".
            if (e.httpStatus() == 404 && (e.code().equals("not_found") || e.code().equals("http_404"))) {
                throw new EnrollmentException("attestation_unsupported", 404, "the receiver does not offer TPM attestation"
                        + " (no /api/v1/enrollments/attestation); it needs a version that accepts TPM-held keys");
            }
            throw e;
        }
        try {
            return AttestationJson.challenge(answer);
        } catch (AttestationException e) {
            throw new EnrollmentException("bad_response", 200, "the receiver's attestation challenge is not usable (" + e.getMessage()
                    + "); report this receiver version mismatch");
        }
    }

    private static JsonNode readJson(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * {@code POST /api/v1/devices/{id}/keys} with a JWS (typ {@code breathgate-key-rotation})
     * signed by the current key. Returns the new kid the receiver confirms.
     */
    public KeyId rotateKey(String deviceId, String jws) throws EnrollmentException {
        JsonNode answer = send("POST", "/api/v1/devices/" + deviceId + "/keys", JOSE, jws, 201, 200);
        try {
            return KeyId.parse(text(answer, "kid"));
        } catch (IllegalArgumentException e) {
            throw new EnrollmentException("bad_response", 201, "the receiver's answer to the key rotation has no usable kid: "
                    + e.getMessage());
        }
    }

    /** {@code POST /api/v1/devices/{id}/deprovision} with a JWS (typ {@code breathgate-deprovision}) signed by the device key. */
    public void deprovision(String deviceId, String jws) throws EnrollmentException {
        send("POST", "/api/v1/devices/" + deviceId + "/deprovision", JOSE, jws, 200);
    }

    /** A broker login the receiver made: user name (the device id) and password. */
    public record BrokerLogin(String username, String password) {
        public BrokerLogin {
            if (username == null || username.isEmpty() || password == null || password.isEmpty()
                    || password.contains("\n") || password.contains("\r")) {
                throw new IllegalArgumentException("a broker login needs a user name and a one-line password");
            }
        }

        @Override
        public String toString() {
            return "BrokerLogin[" + username + ", password hidden]";
        }
    }

    /**
     * {@code POST /api/v1/devices/{id}/broker-login} with a JWS (typ {@code breathgate-broker-login}) signed by the current
     * key: a new broker login; the old password stops working.
     */
    public BrokerLogin brokerLogin(String deviceId, String jws) throws EnrollmentException {
        JsonNode answer = send("POST", "/api/v1/devices/" + deviceId + "/broker-login", JOSE, jws, 200);
        try {
            return new BrokerLogin(text(answer, "mqtt_username"), text(answer, "mqtt_password"));
        } catch (IllegalArgumentException e) {
            throw new EnrollmentException("bad_response", 200, "the receiver's answer has no usable broker login: " + e.getMessage());
        }
    }

    /** Whether the receiver answers TLS at all (for {@code doctor}); throws what {@link #enroll} would. */
    public void probe() throws EnrollmentException {
        HttpRequest request = HttpRequest.newBuilder(base.resolve("/api/v1/enrollments")).timeout(timeout)
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).build();
        try {
            http.send(request, HttpResponse.BodyHandlers.discarding());
        } catch (IOException e) {
            throw transportFailure(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EnrollmentException("unreachable", "interrupted", e);
        }
    }

    private JsonNode send(String method, String path, String type, String body, int... ok) throws EnrollmentException {
        HttpRequest request = HttpRequest.newBuilder(base.resolve(path)).timeout(timeout).header("Content-Type", type)
                .header("Accept", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw transportFailure(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EnrollmentException("unreachable", "interrupted while waiting for the receiver", e);
        }
        int status = response.statusCode();
        JsonNode json;
        try {
            json = JSON.readTree(response.body());
        } catch (IOException e) {
            json = null;
        }
        for (int code : ok) {
            if (status == code) {
                if (json == null || !json.isObject()) {
                    throw new EnrollmentException("bad_response", status, "the receiver answered " + status
                            + " without a JSON object; is " + base + " really a Breathgate receiver?");
                }
                return json;
            }
        }
        String error = json != null && json.hasNonNull("error") ? json.get("error").asText() : "http_" + status;
        String said = json != null && json.hasNonNull("message") ? json.get("message").asText() : "";
        String retry = response.headers().firstValue("Retry-After").orElse(null);
        throw new EnrollmentException(error, status, explain(error, status, said, retry));
    }

    private String explain(String error, int status, String said, String retryAfter) {
        String receiverSays = said.isEmpty() ? "" : " (the receiver says: " + said + ")";
        switch (error) {
            case "unknown_code":
                return "the receiver does not know this enrollment code" + receiverSays
                        + ". Check it against the enrollment line, letter by letter, or ask the worker or admin for a new code.";
            case "code_used":
                return "this enrollment code has already been used" + receiverSays
                        + ". A code enrolls one device once: ask the worker or admin for a new code.";
            case "code_expired":
                return "this enrollment code has expired" + receiverSays + ". Ask the worker or admin for a new code.";
            case "too_many_attempts":
                return "the receiver refuses more attempts for now" + receiverSays + ". Wait "
                        + (retryAfter == null ? "a few minutes" : retryAfter + " seconds") + " and try again.";
            case "invalid_request":
                return "the receiver refused the request as invalid" + receiverSays
                        + ". This device's agent and the receiver may be different versions; report it with the agent version.";
            case "invalid_signature":
                return "the receiver did not accept this device's signature" + receiverSays
                        + ". The device key may have been replaced or the device retired on the receiver.";
            case "unknown_device":
                return "the receiver does not know this device" + receiverSays + ". It may have been removed there; run setup again.";
            case "device_retired":
                return "the receiver has retired this device" + receiverSays + ". Run setup again with a new code.";
            case "stale_request":
                return "the receiver refused the request as too old or replayed" + receiverSays
                        + ". Check this device's clock (timedatectl) and try again.";
            default:
                return "the receiver answered HTTP " + status + " (" + error + ")" + receiverSays
                        + ". Try again later; if it persists, tell the receiver's admin.";
        }
    }

    private EnrollmentException transportFailure(IOException e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            if (root instanceof SSLException) {
                break;
            }
            root = root.getCause();
        }
        String where = base.getHost() + ":" + (base.getPort() < 0 ? 443 : base.getPort());
        String presented = pin.map(PinnedTls::presented).orElse(null);
        if (presented != null) {
            return new EnrollmentException("certificate_mismatch", "the receiver at " + where + " presented certificate "
                    + presented + ", not the pinned " + pin.get().fingerprint() + ". Nothing was sent. Check the address and"
                    + " fingerprint are from the same enrollment line; if they are, this is not your receiver (or its"
                    + " certificate was renewed): ask the admin for a new enrollment line.", e);
        }
        if (hasCause(e, SSLException.class)) {
            return new EnrollmentException("tls_failed", "a secure connection to the receiver at " + where + " failed: "
                    + root.getMessage() + (pin.isEmpty() ? ". If the receiver has a self-signed certificate, give its"
                    + " fingerprint with --fingerprint (it is in the enrollment line)." : "."), e);
        }
        if (hasCause(e, UnknownHostException.class)) {
            return new EnrollmentException("unreachable", "cannot find the receiver's host " + base.getHost()
                    + ": check the address, and that this device has a network connection and DNS.", e);
        }
        if (hasCause(e, ConnectException.class)) {
            return new EnrollmentException("unreachable", "cannot connect to the receiver at " + where
                    + " (connection refused or no route). Check the address and port, that the receiver is running,"
                    + " and that this network lets the device out (try: curl -kv https://" + where + "/).", e);
        }
        if (e instanceof HttpConnectTimeoutException || e instanceof HttpTimeoutException) {
            return new EnrollmentException("unreachable", "the receiver at " + where + " did not answer within "
                    + timeout.toSeconds() + " s. Check the network (a firewall or captive portal?) and try again.", e);
        }
        return new EnrollmentException("unreachable", "cannot reach the receiver at " + where + ": " + e, e);
    }

    private static boolean hasCause(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || !v.isTextual() || v.asText().isEmpty()) {
            throw new IllegalArgumentException(field + " is missing or not a string");
        }
        return v.asText();
    }
}
