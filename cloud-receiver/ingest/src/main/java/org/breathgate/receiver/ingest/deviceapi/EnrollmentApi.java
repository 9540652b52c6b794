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
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
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
 *       {@code docs/protocol.md} "Enrollment over HTTPS" says.</li>
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

    /**
     * @param fingerprint the receiver's TLS certificate fingerprint ({@code sha256:...}) for the enrollment line
     * @param limiter     counts failed codes and admin tokens per client address
     */
    public EnrollmentApi(EnrollmentService service, EnrollmentSettings settings, AdminToken adminToken, String fingerprint,
                         FailureLimiter limiter) {
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
        EnrollmentCode code;
        try {
            code = EnrollmentCode.parse(text(body, "code", 64));
        } catch (IllegalArgumentException e) {
            limiter.fail(ctx.ip());
            throw new ApiException(400, "invalid_request", "code is not a well-formed enrollment code: " + e.getMessage());
        }
        byte[] key = publicKey(body.get("public_key"));
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
        EnrollmentService.Enrolled device;
        try {
            device = service.enroll(new EnrollmentService.Request(code, key, sensor.toString(), agentVersion, hostname));
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
        LOG.info("enrolled {} (key {}, host {}) from {}", device.deviceId(), device.keyId(), hostname, ctx.ip());
        HttpsServer.json(ctx, 201, out);
    }

    private static byte[] publicKey(JsonNode jwk) {
        if (jwk == null || !jwk.isObject()) {
            throw new ApiException(400, "invalid_request", "public_key must be a JWK object");
        }
        if (!"OKP".equals(jwk.path("kty").asText()) || !"Ed25519".equals(jwk.path("crv").asText())) {
            throw new ApiException(400, "invalid_request", "public_key must be an Ed25519 JWK (kty OKP, crv Ed25519)");
        }
        if (jwk.has("d")) {
            throw new ApiException(400, "invalid_request", "public_key holds a private key ('d'); send the public key only");
        }
        if (jwk.has("kid")) {
            throw new ApiException(400, "invalid_request", "public_key must not have a kid: the receiver names the key");
        }
        byte[] x;
        try {
            x = Base64.getUrlDecoder().decode(jwk.path("x").asText(""));
        } catch (IllegalArgumentException e) {
            throw new ApiException(400, "invalid_request", "public_key.x is not base64url");
        }
        if (x.length != 32) {
            throw new ApiException(400, "invalid_request", "public_key.x must be 32 bytes, was " + x.length);
        }
        try {
            VerificationKey.fromRaw(new org.breathgate.protocol.KeyId("check", 1), x);
        } catch (IllegalArgumentException e) {
            throw new ApiException(400, "invalid_request", "public_key is not a valid Ed25519 public key");
        }
        return x;
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
