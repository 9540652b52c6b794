package org.breathgate.receiver.ingest.deviceapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.time.Duration;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import org.breathgate.attestation.AttestationException;
import org.breathgate.attestation.AttestationJson;
import org.breathgate.attestation.Challenge;
import org.breathgate.protocol.EnrollmentCode;
import org.breathgate.protocol.VerificationKey;
import org.breathgate.receiver.evidence.enrollment.EnrollmentCodes;
import org.breathgate.receiver.https.ApiException;
import org.breathgate.receiver.https.HttpsRoutes;
import org.breathgate.receiver.https.HttpsServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The enrollment endpoints:
 * <ul>
 *   <li>{@code POST /api/v1/enrollment-codes} (admin; {@code Authorization: Bearer <admin token>}),
 *       optional body {@code {"expires_in_minutes": n, "note": "..."}} → 201 {@code code},
 *       {@code expires_at}, {@code receiver_url}, {@code fingerprint} and the ready-to-paste
 *       {@code enrollment_line};</li>
 *   <li>{@code POST /api/v1/enrollments} (the code is the credential), exactly as
 *       {@code docs/protocol.md} "Enrollment over HTTPS" says, with an Ed25519 or a P-256 key;</li>
 *   <li>{@code POST /api/v1/enrollments/attestation}, step 1 of TPM attestation ("TPM attestation at enrollment"), when
 *       {@link DeviceAttestation#isOffered()} (else 404 {@code not_found}, as for a path not served); step 2 is the
 *       {@code attestation} field of the enrollment.</li>
 * </ul>
 * Failed codes and failed admin tokens are counted per client address; ten within ten minutes get
 * 429 {@code too_many_attempts} with {@code Retry-After}.
 */
public final class EnrollmentApi implements HttpsRoutes {

    private static final Logger LOG = LoggerFactory.getLogger(EnrollmentApi.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> DRIVERS = List.of("line", "frame", "gpio-interlock");

    private final EnrollmentService service;
    private final EnrollmentSettings settings;
    private final AdminToken adminToken;
    private final String fingerprint;
    private final FailureLimiter limiter;
    private final DeviceAttestation attestation;

    /**
     * @param fingerprint the receiver's TLS certificate fingerprint ({@code sha256:...}) for the enrollment line
     * @param limiter     counts failed codes and admin tokens per client address
     */
    public EnrollmentApi(EnrollmentService service, EnrollmentSettings settings, AdminToken adminToken, String fingerprint,
                         FailureLimiter limiter) {
        this(service, settings, adminToken, fingerprint, limiter, null);
    }

    /**
     * @param attestation TPM attestation as offered (or required) by this receiver; {@code null} for none
     */
    public EnrollmentApi(EnrollmentService service, EnrollmentSettings settings, AdminToken adminToken, String fingerprint,
                         FailureLimiter limiter, DeviceAttestation attestation) {
        this.attestation = attestation == null ? DeviceAttestation.notOffered(java.time.Clock.systemUTC()) : attestation;
        this.service = Objects.requireNonNull(service, "service");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.adminToken = Objects.requireNonNull(adminToken, "adminToken");
        this.fingerprint = Objects.requireNonNull(fingerprint, "fingerprint");
        this.limiter = Objects.requireNonNull(limiter, "limiter");
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.post("/api/v1/enrollment-codes", this::createCode);
        routes.post("/api/v1/enrollments", this::enroll);
        routes.post("/api/v1/enrollments/attestation", this::attestationChallenge);
    }

    /** Step 1 of TPM attestation: the code is checked (and a bad one counted) but not used. */
    private void attestationChallenge(Context ctx) {
        if (!attestation.isOffered()) {
            // as for a path not served: the device then enrolls its key without attestation and says so
            throw new ApiException(404, "not_found", "this receiver does not offer TPM attestation (no TPM vendor CA is configured)");
        }
        checkRate(ctx);
        JsonNode body = parse(ctx.body());
        EnrollmentCode code = code(ctx, body);
        try {
            service.checkCode(code);
        } catch (ApiException e) {
            limiter.fail(ctx.ip());
            LOG.info("attestation challenge from {} refused: {}", ctx.ip(), e.code());
            throw e;
        }
        try {
            Challenge challenge = attestation.challenge(AttestationJson.request(body), EnrollmentCodes.hash(code), service.challenges());
            HttpsServer.json(ctx, 200, AttestationJson.toJson(challenge));
        } catch (AttestationException e) {
            limiter.fail(ctx.ip());
            LOG.info("attestation from {} refused at step 1: {}", ctx.ip(), e.getMessage());
            throw new ApiException(400, "attestation_refused", e.getMessage());
        }
    }

    private EnrollmentCode code(Context ctx, JsonNode body) {
        try {
            return EnrollmentCode.parse(text(body, "code", 64));
        } catch (IllegalArgumentException e) {
            limiter.fail(ctx.ip());
            throw new ApiException(400, "invalid_request", "code is not a well-formed enrollment code: " + e.getMessage());
        }
    }

    private void checkRate(Context ctx) {
        OptionalLong wait = limiter.retryAfter(ctx.ip());
        if (wait.isPresent()) {
            throw new ApiException(429, "too_many_attempts", "too many failed attempts from this address; wait "
                    + wait.getAsLong() + " seconds", Map.of("Retry-After", Long.toString(wait.getAsLong())));
        }
    }

    private void createCode(Context ctx) {
        checkRate(ctx);
        if (adminToken.state() == AdminToken.State.RETIRED) {
            throw new ApiException(403, "admin_token_retired", "an administrator account exists, so the admin token is retired:"
                    + " sign in to the web pages as an administrator or technician to make enrollment codes");
        }
        if (!adminToken.matches(Optional.ofNullable(ctx.header("Authorization")))) {
            limiter.fail(ctx.ip());
            throw new ApiException(401, "unauthorized", "the admin API needs 'Authorization: Bearer <admin token>'",
                    Map.of("WWW-Authenticate", "Bearer"));
        }
        JsonNode body = ctx.body().isBlank() ? JSON.createObjectNode() : parse(ctx.body());
        Duration lifetime = settings.defaultExpiry();
        if (body.has("expires_in_minutes")) {
            JsonNode m = body.get("expires_in_minutes");
            if (!m.canConvertToLong() || m.asLong() < 1 || Duration.ofMinutes(m.asLong()).compareTo(settings.maxExpiry()) > 0) {
                throw new ApiException(400, "invalid_request", "expires_in_minutes must be a whole number from 1 to "
                        + settings.maxExpiry().toMinutes());
            }
            lifetime = Duration.ofMinutes(m.asLong());
        }
        String note = body.hasNonNull("note") ? body.get("note").asText() : null;
        if (note != null && note.length() > 500) {
            throw new ApiException(400, "invalid_request", "note is at most 500 characters");
        }
        EnrollmentCodes.IssuedCode issued = service.createCode(lifetime, "admin-token", note);
        ObjectNode out = JSON.createObjectNode();
        out.put("code", issued.code().toString());
        out.put("expires_at", issued.expiresAt().toString());
        out.put("receiver_url", settings.receiverUrl().toString());
        out.put("fingerprint", fingerprint);
        out.put("enrollment_line", "breathgate-agent setup --receiver " + settings.receiverUrl() + " --code " + issued.code()
                + " --fingerprint " + fingerprint);
        LOG.info("enrollment code created from {} (expires {})", ctx.ip(), issued.expiresAt());
        HttpsServer.json(ctx, 201, out);
    }

    private void enroll(Context ctx) {
        checkRate(ctx);
        JsonNode body = parse(ctx.body());
        EnrollmentCode code = code(ctx, body);
        VerificationKey key = publicKey(body.get("public_key"));
        JsonNode sensor = body.get("sensor");
        if (sensor == null || !sensor.isObject()) {
            throw new ApiException(400, "invalid_request", "sensor is required");
        }
        String driver = text(sensor, "driver", 32);
        if (!DRIVERS.contains(driver)) {
            throw new ApiException(400, "invalid_request", "sensor.driver must be one of " + DRIVERS);
        }
        text(sensor, "model", 64);
        text(sensor, "serial", 64);
        optionalText(sensor, "firmware", 64);
        optionalText(sensor, "calibration_due", 10).ifPresent(d -> {
            try {
                LocalDate.parse(d);
            } catch (DateTimeParseException e) {
                throw new ApiException(400, "invalid_request", "sensor.calibration_due must be YYYY-MM-DD");
            }
        });
        String agentVersion = text(body, "agent_version", 64);
        String hostname = optionalText(body, "hostname", 255).orElse(null);
        JsonNode attestationField = body.get("attestation");
        DeviceAttestation.Verified attested = null;
        EnrollmentService.Enrolled device;
        try {
            if (attestationField != null && !attestationField.isNull()) {
                if (!attestation.isOffered()) {
                    throw new ApiException(400, "invalid_request", "this receiver does not take TPM attestations (no TPM vendor CA is"
                            + " configured); enroll without 'attestation'");
                }
                service.checkCode(code); // a code that cannot enroll is refused as such, before the challenge is spent
                try {
                    attested = attestation.verify(AttestationJson.proof(attestationField), EnrollmentCodes.hash(code), key, service.challenges());
                } catch (AttestationException e) {
                    LOG.info("enrollment from {} refused: attestation_refused: {}", ctx.ip(), e.getMessage());
                    throw new ApiException(400, "attestation_refused", e.getMessage());
                }
            } else if (attestation.isRequired()) {
                throw new ApiException(400, "attestation_required", "this service requires device keys held in a TPM and attested at"
                        + " enrollment: set up the device with key.store = tpm (breathgate-agent setup --key-store tpm) on a Pi with a"
                        + " TPM 2.0 module");
            }
            device = service.enroll(new EnrollmentService.Request(code, key, attested, sensor.toString(), agentVersion, hostname));
        } catch (ApiException e) {
            limiter.fail(ctx.ip());
            LOG.info("enrollment from {} refused: {}", ctx.ip(), e.code());
            throw e;
        }
        ObjectNode out = JSON.createObjectNode();
        out.put("device_id", device.deviceId());
        out.put("kid", device.keyId().toString());
        out.put("broker_uri", settings.deviceBrokerUri().toString());
        out.put("mqtt_username", device.mqttUsername());
        out.put("mqtt_password", device.mqttPassword());
        out.put("broker_ca_pem", settings.brokerCaPem());
        ArrayNode keys = out.putArray("receiver_keys");
        for (VerificationKey k : settings.receiverKeys()) {
            keys.add(parse(k.toJwk()));
        }
        LOG.info("enrolled {} (key {}, {}, {}; host {}) from {}", device.deviceId(), device.keyId(), key.type(),
                attested == null ? "software key" : "hardware-bound: " + attested.binding().tpmManufacturer() + " "
                        + attested.binding().tpmModel(), hostname, ctx.ip());
        HttpsServer.json(ctx, 201, out);
    }

    private static VerificationKey publicKey(JsonNode jwk) {
        if (jwk == null || !jwk.isObject()) {
            throw new ApiException(400, "invalid_request", "public_key must be a JWK object");
        }
        if (jwk.has("d")) {
            throw new ApiException(400, "invalid_request", "public_key holds a private key ('d'); send the public key only");
        }
        if (jwk.has("kid")) {
            throw new ApiException(400, "invalid_request", "public_key must not have a kid: the receiver names the key");
        }
        try {
            // the kid is a placeholder: the key is named <device_id>:1 once the device exists
            return VerificationKey.fromJwk(new org.breathgate.protocol.KeyId("enrolling", 1), jwk.toString());
        } catch (IllegalArgumentException e) {
            throw new ApiException(400, "invalid_request", "public_key must be a public Ed25519 JWK (kty OKP, crv Ed25519, x of 32"
                    + " bytes) or P-256 JWK (kty EC, crv P-256, x and y of 32 bytes each): " + e.getMessage());
        }
    }

    private static JsonNode parse(String text) {
        try {
            JsonNode n = JSON.readTree(text);
            if (n == null || !n.isObject()) {
                throw new ApiException(400, "invalid_request", "the body must be a JSON object");
            }
            return n;
        } catch (IOException e) {
            throw new ApiException(400, "invalid_request", "the body is not JSON");
        }
    }

    private static String text(JsonNode node, String field, int max) {
        JsonNode v = node.get(field);
        if (v == null || !v.isTextual() || v.asText().isEmpty() || v.asText().length() > max) {
            throw new ApiException(400, "invalid_request", field + " is required: a string of 1-" + max + " characters");
        }
        return v.asText();
    }

    private static Optional<String> optionalText(JsonNode node, String field, int max) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return Optional.empty();
        }
        if (!v.isTextual() || v.asText().length() > max) {
            throw new ApiException(400, "invalid_request", field + " must be a string of at most " + max + " characters, or null");
        }
        return Optional.of(v.asText());
    }
}
