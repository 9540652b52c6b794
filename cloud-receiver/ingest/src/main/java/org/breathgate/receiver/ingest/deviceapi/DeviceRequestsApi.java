package org.breathgate.receiver.ingest.deviceapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.breathgate.protocol.DeviceIds;
import org.breathgate.protocol.DeviceRequests;
import org.breathgate.protocol.InvalidMessageException;
import org.breathgate.protocol.KeyId;
import org.breathgate.protocol.KeyType;
import org.breathgate.protocol.KeyResolver;
import org.breathgate.protocol.VerificationKey;
import org.breathgate.receiver.evidence.device.BrokerLogins;
import org.breathgate.receiver.evidence.device.Device;
import org.breathgate.receiver.evidence.device.DeviceKey;
import org.breathgate.receiver.evidence.device.KeyAttestation;
import org.breathgate.attestation.AttestationException;
import org.breathgate.receiver.evidence.device.DeviceRegistry;
import org.breathgate.receiver.evidence.db.Database;
import org.breathgate.receiver.evidence.db.StoreException;
import org.breathgate.receiver.https.ApiException;
import org.breathgate.receiver.https.HttpsRoutes;
import org.breathgate.receiver.https.HttpsServer;
import org.breathgate.receiver.ingest.broker.BrokerAccounts;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The signed device requests of {@code docs/protocol.md} "Enrollment over HTTPS":
 * <ul>
 *   <li>{@code POST /api/v1/devices/{id}/keys} (typ {@code breathgate-key-rotation}): registers
 *       {@code new_key} as version n+1, signed by the current version n. 201 with the new kid; 200
 *       when that same key was already registered (a retry after a lost answer, which the device
 *       still signs with version n: so for this endpoint only, the version just before the current
 *       one may sign, and only to repeat the key that is now current); 409 {@code key_conflict} for
 *       a different key under a registered version.</li>
 *   <li>{@code POST /api/v1/devices/{id}/deprovision} (typ {@code breathgate-deprovision}): retires
 *       the device ({@link DeviceRegistry#revokeDevice}, which also removes its broker login), records
 *       {@code last_seq}/{@code unsent} in {@code device_retirements}, and tells the broker (which disconnects it).
 *       200; later requests get 410.</li>
 *   <li>{@code POST /api/v1/devices/{id}/broker-login} (typ {@code breathgate-broker-login}): a new broker login for the
 *       device, the old password no longer working; how a device enrolled before logins existed, or whose login the broker
 *       lost, gets one. 200 {@code {"mqtt_username", "mqtt_password"}}; at most one every 10 seconds per device (429).</li>
 * </ul>
 *
 * <p><b>Old key versions stay valid after a rotation</b> for verifying evidence: the device's outbox
 * may still hold readings signed with the old key, and evidence once accepted must stay verifiable.
 * Only signed <em>requests</em> must come from the current key (401 {@code invalid_signature} for a
 * superseded kid). Evidence a superseded key signs after a later one did is quarantined by the store as
 * {@code key_superseded} ({@link org.breathgate.receiver.evidence.store.EvidenceStore#KEY_SUPERSEDED}).
 *
 * <p>Order of checks: device exists (404) and is active (410); the JWS, its kid (the current key),
 * signature and typ (401 / 400); the payload's {@code type}, {@code device_id}, {@code iat} within
 * ±10 minutes and an unseen {@code nonce} (400 {@code stale_request}); then the request itself.
 * A nonce is remembered once the request's signature and time have been checked, so a replay of a
 * request that failed later (say 409) is also stale.
 */
public final class DeviceRequestsApi implements HttpsRoutes {

    public static final String ROTATION_TYP = "breathgate-key-rotation";
    public static final String DEPROVISION_TYP = "breathgate-deprovision";
    public static final String BROKER_LOGIN_TYP = "breathgate-broker-login";
    /**
     * A device gets a new broker login at most this often: a login made is a broker update and a password hash, and only
     * the device's own key can ask, so this bounds a stolen key's cost, not the device's (which asks at most every 10 min).
     */
    public static final Duration BROKER_LOGIN_EVERY = Duration.ofSeconds(10);
    /** How far a request's {@code iat} may be from the receiver's clock. */
    public static final Duration MAX_SKEW = Duration.ofMinutes(10);
    /** How long a nonce is remembered. */
    public static final Duration NONCE_WINDOW = Duration.ofMinutes(20);
    /**
     * The most nonces one device may hold at once (each needs a request verified with its enrolled key): a device makes a
     * handful of requests in a window, so a device that makes more is refused for a while, alone.
     */
    public static final int NONCE_CAPACITY = 100;

    private static final Logger LOG = LoggerFactory.getLogger(DeviceRequestsApi.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Database database;
    private final DeviceRegistry registry;
    private final Clock clock;
    private final NonceCache nonces;
    private final BrokerLogins logins;
    private final BrokerAccounts broker;
    private final Map<String, java.time.Instant> lastLogin = new java.util.concurrent.ConcurrentHashMap<>();
    private final DeviceAttestation attestation;

    /** @param registry must be built on {@code database} (deprovisioning is one transaction on its writer) */
    DeviceRequestsApi(Database database, DeviceRegistry registry, Clock clock, NonceCache nonces, BrokerAccounts broker) {
        this(database, registry, clock, nonces, broker, DeviceAttestation.notOffered(clock));
    }

    /**
     * @param attestation TPM attestation as this receiver offers it: a rotation of an attested key whose request carries the
     *                    TPM's certification of the new key is registered hardware-bound; when attested keys are required
     *                    ({@link DeviceAttestation#isRequired()}) an attested key cannot be rotated to one without
     */
    DeviceRequestsApi(Database database, DeviceRegistry registry, Clock clock, NonceCache nonces, BrokerAccounts broker,
                      DeviceAttestation attestation) {
        this.attestation = Objects.requireNonNull(attestation, "attestation");
        this.database = Objects.requireNonNull(database, "database");
        this.registry = Objects.requireNonNull(registry, "registry");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.nonces = Objects.requireNonNull(nonces, "nonces");
        this.logins = new BrokerLogins(database, clock, new java.security.SecureRandom());
        this.broker = Objects.requireNonNull(broker, "broker");
    }

    /**
     * With an in-memory nonce cache of the protocol's window and {@link #NONCE_CAPACITY} per device.
     *
     * @param broker told when a device's login is made or removed
     */
    public DeviceRequestsApi(Database database, DeviceRegistry registry, Clock clock, BrokerAccounts broker) {
        this(database, registry, clock, new NonceCache(clock, NONCE_WINDOW, NONCE_CAPACITY), broker);
    }

    /** As {@link #DeviceRequestsApi(Database, DeviceRegistry, Clock, BrokerAccounts)}, with the receiver's TPM attestation. */
    public DeviceRequestsApi(Database database, DeviceRegistry registry, Clock clock, BrokerAccounts broker, DeviceAttestation attestation) {
        this(database, registry, clock, new NonceCache(clock, NONCE_WINDOW, NONCE_CAPACITY), broker, attestation);
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.post("/api/v1/devices/{id}/keys", this::rotate);
        routes.post("/api/v1/devices/{id}/deprovision", this::deprovision);
        routes.post("/api/v1/devices/{id}/broker-login", this::brokerLogin);
    }

    private void brokerLogin(Context ctx) {
        String deviceId = ctx.pathParam("id");
        Device device = activeDevice(deviceId);
        int current = currentVersion(device);
        check(ctx, BROKER_LOGIN_TYP, "broker_login", device, current, false);
        java.time.Instant now = clock.instant();
        java.time.Instant previous = lastLogin.get(deviceId);
        if (previous != null && now.isBefore(previous.plus(BROKER_LOGIN_EVERY))) {
            long wait = Math.max(1, Duration.between(now, previous.plus(BROKER_LOGIN_EVERY)).toSeconds());
            throw new ApiException(429, "too_many_attempts", "a new broker login at most once every " + BROKER_LOGIN_EVERY.toSeconds()
                    + " seconds; wait " + wait + " seconds",
                    Map.of("Retry-After", Long.toString(wait)));
        }
        lastLogin.put(deviceId, now);
        BrokerLogins.Issued login;
        try {
            login = logins.issue(deviceId, "device-request");
        } catch (IllegalArgumentException e) {
            throw retired(deviceId); // revoked meanwhile
        }
        try {
            broker.loginIssued(deviceId, login.password());
        } catch (BrokerAccounts.BrokerAccountsException e) {
            LOG.error("made a new broker login for {}, but the broker could not be told: {}", deviceId, e.getMessage());
            throw new ApiException(503, "busy", "the broker could not be told the new login; try again later", Map.of("Retry-After", "60"));
        }
        LOG.info("device {} got a new broker login (asked from {})", deviceId, ctx.ip());
        ObjectNode out = JSON.createObjectNode();
        out.put("device_id", deviceId);
        out.put("mqtt_username", login.username());
        out.put("mqtt_password", login.password());
        HttpsServer.json(ctx, 200, out);
    }

    private void rotate(Context ctx) {
        String deviceId = ctx.pathParam("id");
        Device device = activeDevice(deviceId);
        int current = currentVersion(device);
        // the version before the current one may sign only a repeat of the current key (checked below)
        Checked req = check(ctx, ROTATION_TYP, "key_rotation", device, current, true);
        JsonNode jwk = req.payload().get("new_key");
        if (jwk == null || !jwk.isObject()) {
            throw invalid("new_key must be a public Ed25519 or P-256 JWK");
        }
        VerificationKey newKey;
        try {
            if (!jwk.hasNonNull("kid")) {
                throw invalid("new_key.kid is required: " + deviceId + ":" + (req.signer().version() + 1));
            }
            newKey = VerificationKey.fromJwk(null, jwk.toString());
        } catch (IllegalArgumentException e) {
            throw invalid("new_key is not a public Ed25519 or P-256 JWK: " + e.getMessage());
        }
        KeyId expected = new KeyId(deviceId, req.signer().version() + 1);
        if (!newKey.keyId().equals(expected)) {
            throw invalid("new_key.kid must be the next version " + expected + " (signed by " + req.signer() + "), was "
                    + newKey.keyId());
        }
        Optional<DeviceKey> registered = device.keys().stream().filter(k -> k.key().keyId().equals(expected)).findFirst();
        if (registered.isPresent()) {
            if (Arrays.equals(registered.get().key().raw(), newKey.raw())) {
                LOG.info("key rotation of {} to {} repeated from {}", deviceId, expected, ctx.ip());
                answerKey(ctx, 200, expected);
                return;
            }
            throw conflict(expected);
        }
        if (req.signer().version() != current) {
            // signed by the previous version, but the next one is not registered: cannot happen (current = previous + 1)
            throw new ApiException(401, "invalid_signature", "key " + req.signer() + " is superseded; sign with the current key");
        }
        DeviceKey signer = device.keys().stream().filter(k -> k.keyId().equals(req.signer())).findFirst().orElseThrow();
        KeyAttestation attested = attestedRotation(deviceId, signer, req.payload(), newKey);
        if (signer.hardwareBound() && attested == null) {
            // Without the TPM's certification of the new key, it cannot be shown to be in the TPM.
            if (newKey.type() != KeyType.P256) {
                LOG.warn("key rotation of {} refused: {} is hardware-bound and the new key is a software {} key", deviceId, req.signer(),
                        newKey.type());
                throw new ApiException(400, "key_downgrade", "the current key " + req.signer() + " is held in the device's TPM and"
                        + " attested; a " + newKey.type() + " key (a file key) cannot replace it. Rotate within the TPM (key.store = tpm),"
                        + " or enroll the device again with a new code");
            }
            if (attestation.isRequired()) {
                LOG.warn("key rotation of {} refused: hardware-bound keys are required and a rotated key is not attested", deviceId);
                throw new ApiException(400, "attestation_required", "this service requires attested TPM keys and the rotation carries no"
                        + " attestation of the new key: rotate with breathgate-agent rotate-key on the device (key.store = tpm), which"
                        + " has the TPM certify the new key");
            }
            LOG.warn("device {} rotated its hardware-bound key {} to {}, which is NOT attested: its evidence will show a key not"
                    + " proven to be in a TPM", deviceId, req.signer(), expected);
        }
        try {
            registry.enroll(newKey, attested);
        } catch (IllegalArgumentException e) {
            throw conflict(expected); // a concurrent rotation registered another key for this version
        } catch (IllegalStateException e) {
            throw retired(deviceId);
        }
        LOG.info("device {} rotated its key to {} (signed by {}) from {}{}; {} stays valid for its evidence", deviceId, expected,
                req.signer(), ctx.ip(), attested == null ? "" : ", attested: the TPM's attestation key certified it", req.signer());
        answerKey(ctx, 201, expected);
    }

    /**
     * The rotated key's attestation when the request carries one ({@code attestation}: the AK of the device's attested current
     * key certified the new key's creation with the request's nonce), this receiver checks attestation and the signer is
     * attested; {@code null} when there is nothing to check it against (the new key is then a software key as far as this
     * receiver can tell).
     *
     * @throws ApiException 400 {@code attestation_refused} when the certification does not hold: the new key is not shown to
     *                      be in the TPM the current key's attestation names
     */
    private KeyAttestation attestedRotation(String deviceId, DeviceKey signer, JsonNode payload, VerificationKey newKey) {
        JsonNode proof = payload.get("attestation");
        if (proof == null || proof.isNull()) {
            return null;
        }
        if (!proof.isObject()) {
            throw invalid("attestation must be an object: key_public, creation_data, certify_info, certify_signature");
        }
        if (!attestation.isOffered() || !signer.hardwareBound()) {
            LOG.info("key rotation of {} carries a TPM attestation, but {}: the new key is registered as a software key", deviceId,
                    attestation.isOffered() ? "its current key " + signer.keyId() + " is not attested (its attestation key is unknown here)"
                            : "this receiver does not check attestation (no enrollment.tpm-vendor-ca-files)");
            return null;
        }
        try {
            return attestation.verifyRotation(signer.attestation(), Base64.getUrlDecoder().decode(payload.get("nonce").asText()), proof, newKey);
        } catch (AttestationException e) {
            LOG.warn("key rotation of {} refused: {}", deviceId, e.getMessage());
            throw new ApiException(400, "attestation_refused", e.getMessage());
        }
    }

    private void deprovision(Context ctx) {
        String deviceId = ctx.pathParam("id");
        Device device = activeDevice(deviceId);
        int current = currentVersion(device);
        Checked req = check(ctx, DEPROVISION_TYP, "deprovision", device, current, false);
        long lastSeq = nonNegative(req.payload(), "last_seq");
        long unsent = nonNegative(req.payload(), "unsent");
        try {
            database.inTransaction(c -> {
                try (PreparedStatement insert = c.prepareStatement(
                        "insert into device_retirements (device_id, retired_at_ms, signed_by, last_seq, unsent) values (?, ?, ?, ?, ?)")) {
                    insert.setString(1, deviceId);
                    insert.setLong(2, clock.millis());
                    insert.setString(3, req.signer().toString());
                    insert.setLong(4, lastSeq);
                    insert.setLong(5, unsent);
                    insert.executeUpdate();
                }
                registry.revokeDevice(deviceId); // same writer connection: its commit commits the whole retirement (and the login's removal)
                return null;
            });
        } catch (SQLException | StoreException e) {
            if (registry.device(deviceId).map(Device::revoked).orElse(false)) {
                throw retired(deviceId); // a concurrent deprovision won
            }
            throw new StoreException("retiring " + deviceId + " failed: " + e.getMessage(), e);
        }
        try {
            broker.loginRemoved(deviceId);
        } catch (BrokerAccounts.BrokerAccountsException e) {
            LOG.error("device {} retired, but the broker could not be told to remove its login: {} (it is removed at the"
                    + " receiver's next start)", deviceId, e.getMessage());
        }
        if (unsent > 0) {
            LOG.warn("device {} deprovisioned (signed by {}) from {} with {} unsent event(s) after seq {}: they will never arrive",
                    deviceId, req.signer(), ctx.ip(), unsent, lastSeq);
        } else {
            LOG.info("device {} deprovisioned (signed by {}) from {}; last seq {}, nothing unsent", deviceId, req.signer(), ctx.ip(), lastSeq);
        }
        ObjectNode out = JSON.createObjectNode();
        out.put("device_id", deviceId);
        out.put("status", "retired");
        HttpsServer.json(ctx, 200, out);
    }

    private record Checked(KeyId signer, JsonNode payload) {
    }

    /** The device named in the path: 404 if there is none, 410 if retired. */
    private Device activeDevice(String deviceId) {
        Optional<Device> device = DeviceIds.isValid(deviceId) ? registry.device(deviceId) : Optional.empty();
        if (device.isEmpty()) {
            throw new ApiException(404, "unknown_device", "no device '" + deviceId + "' is enrolled");
        }
        if (device.get().revoked()) {
            throw retired(deviceId);
        }
        return device.get();
    }

    private static int currentVersion(Device device) {
        return device.keys().stream().mapToInt(k -> k.key().keyId().version()).max().orElse(0);
    }

    /** Verifies the JWS and the common payload fields, and remembers the nonce. */
    private Checked check(Context ctx, String typ, String type, Device device, int current, boolean previousMaySign) {
        String deviceId = device.deviceId();
        KeyResolver signers = kid -> kid.owner().equals(deviceId)
                && (kid.version() == current || previousMaySign && kid.version() == current - 1 && kid.version() >= 1)
                ? registry.find(kid) : Optional.empty();
        DeviceRequests.Verified verified;
        try {
            verified = DeviceRequests.verify(ctx.body().trim(), typ, deviceId, signers);
        } catch (InvalidMessageException e) {
            switch (e.rejection()) {
                case BAD_SIGNATURE:
                case UNKNOWN_KEY:
                case KID_MISMATCH:
                    if (registry.device(deviceId).map(Device::revoked).orElse(false)) {
                        throw retired(deviceId);
                    }
                    throw new ApiException(401, "invalid_signature", "the request is not signed by " + deviceId
                            + "'s current key (" + new KeyId(deviceId, current) + "): " + e.getMessage());
                default:
                    throw invalid("not a valid signed request: " + e.getMessage());
            }
        }
        JsonNode payload;
        try {
            payload = JSON.readTree(verified.payload());
        } catch (IOException e) {
            throw invalid("the payload is not JSON");
        }
        if (payload == null || !payload.isObject()) {
            throw invalid("the payload must be a JSON object");
        }
        if (!type.equals(payload.path("type").asText(null))) {
            throw invalid("payload.type must be '" + type + "'");
        }
        if (!deviceId.equals(payload.path("device_id").asText(null))) {
            throw invalid("payload.device_id must be the device in the path, " + deviceId);
        }
        JsonNode iat = payload.get("iat");
        if (iat == null || !iat.isIntegralNumber() || !iat.canConvertToLong()) {
            throw invalid("iat is required: whole seconds since the epoch");
        }
        long skew = Math.abs(iat.asLong() - clock.instant().getEpochSecond());
        if (skew > MAX_SKEW.toSeconds()) {
            throw new ApiException(400, "stale_request", "iat is " + skew + " seconds from the receiver's clock (at most "
                    + MAX_SKEW.toSeconds() + " allowed): check the device's clock");
        }
        JsonNode nonce = payload.get("nonce");
        byte[] nonceBytes;
        try {
            nonceBytes = nonce != null && nonce.isTextual() && nonce.asText().length() <= 256 && !nonce.asText().contains("=")
                    ? Base64.getUrlDecoder().decode(nonce.asText()) : new byte[0];
        } catch (IllegalArgumentException e) {
            nonceBytes = new byte[0];
        }
        if (nonceBytes.length < 16) {
            throw invalid("nonce is required: at least 16 random bytes, base64url without padding");
        }
        switch (nonces.remember(deviceId, nonce.asText())) {
            case SEEN:
                throw new ApiException(400, "stale_request", "this request's nonce was seen before (a replay?)");
            case FULL:
                throw new ApiException(503, "busy", "too many recent requests from this device; try again later", Map.of("Retry-After", "60"));
            default:
                break;
        }
        return new Checked(verified.keyId(), payload);
    }

    private static void answerKey(Context ctx, int status, KeyId kid) {
        ObjectNode out = JSON.createObjectNode();
        out.put("device_id", kid.owner());
        out.put("kid", kid.toString());
        HttpsServer.json(ctx, status, out);
    }

    private static long nonNegative(JsonNode payload, String field) {
        JsonNode v = payload.get(field);
        if (v == null || !v.isIntegralNumber() || !v.canConvertToLong() || v.asLong() < 0) {
            throw invalid(field + " is required: a whole number, 0 or more");
        }
        return v.asLong();
    }

    private static ApiException invalid(String message) {
        return new ApiException(400, "invalid_request", message);
    }

    private static ApiException retired(String deviceId) {
        return new ApiException(410, "device_retired", "device " + deviceId + " was deprovisioned");
    }

    private static ApiException conflict(KeyId kid) {
        return new ApiException(409, "key_conflict", "another key is already registered as " + kid);
    }
}
