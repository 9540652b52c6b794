package org.breathgate.receiver.ingest.deviceapi;

import org.breathgate.protocol.EnrollmentCode;
import org.breathgate.attestation.AttestationJson;
import org.breathgate.attestation.HardwareBinding;
import org.breathgate.protocol.KeyId;
import org.breathgate.protocol.VerificationKey;
import org.breathgate.receiver.evidence.device.KeyAttestation;
import org.breathgate.receiver.evidence.db.Database;
import org.breathgate.receiver.evidence.device.DeviceRegistry;
import org.breathgate.receiver.evidence.enrollment.EnrollmentCodes;
import org.breathgate.receiver.https.ApiException;
import org.breathgate.receiver.ingest.broker.BrokerAccounts;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Function;

/**
 * Enrollment as devices see it ({@code docs/protocol.md}, "Enrollment over HTTPS"): a code is used, in one transaction,
 * together with the device it creates ({@link EnrollmentCodes#use}), and the device gets a fresh broker login whose
 * password exists only in the answer (the registry keeps its Mosquitto hash, {@code BrokerLogins}). After the commit the
 * broker is told ({@link BrokerAccounts}); if it cannot be told, the enrollment stands and the device asks for a new login
 * when the broker refuses it.
 */
public final class EnrollmentService {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(EnrollmentService.class);

    private final EnrollmentCodes codes;
    private final BrokerAccounts broker;

    /** A new device: its id, its first key, and its broker login (the password exists only here). */
    public record Enrolled(String deviceId, KeyId keyId, String mqttUsername, String mqttPassword) {
    }

    /**
     * What the device sent, already checked for form by the caller.
     *
     * @param publicKey   the device's key, Ed25519 or P-256 (its kid is replaced by the new device's)
     * @param attestation the verified TPM attestation of exactly that key, or {@code null}
     */
    public record Request(EnrollmentCode code, VerificationKey publicKey, DeviceAttestation.Verified attestation, String sensorSummary,
                          String agentVersion, String hostname) {
        public Request {
            Objects.requireNonNull(code, "code");
            Objects.requireNonNull(publicKey, "publicKey");
        }
    }

    private final OpenChallenges challenges;

    public EnrollmentService(Database database, DeviceRegistry registry, Clock clock, SecureRandom random, BrokerAccounts broker) {
        this.codes = new EnrollmentCodes(database, registry, clock, random);
        this.broker = Objects.requireNonNull(broker, "broker");
        this.challenges = new OpenChallenges(database, clock);
    }

    /** The TPM attestation challenges open between enrollment's two steps, in the database. */
    OpenChallenges challenges() {
        return challenges;
    }

    /** Creates a code valid for {@code lifetime}, recording who made it. */
    public EnrollmentCodes.IssuedCode createCode(Duration lifetime, String createdBy, String note) {
        return codes.create(lifetime, createdBy, note);
    }

    /**
     * Enrolls a device with a one-time code.
     *
     * @throws ApiException 404 {@code unknown_code}, 409 {@code code_used}, 410 {@code code_expired}
     */
    public Enrolled enroll(Request request) {
        EnrollmentCodes.Enrolled device;
        try {
            device = codes.use(request.code(), request.publicKey(), attestationRecord(request.attestation()),
                    new EnrollmentCodes.DeviceFacts(request.sensorSummary(), request.agentVersion(), request.hostname()));
        } catch (EnrollmentCodes.RefusedException e) {
            throw refused(e.refusal());
        }
        try {
            broker.loginIssued(device.deviceId(), device.login().password());
        } catch (BrokerAccounts.BrokerAccountsException e) {
            LOG.error("enrolled {}, but the broker could not be told its login ({}); the device will ask for a new one when the"
                    + " broker refuses it", device.deviceId(), e.getMessage());
        }
        return new Enrolled(device.deviceId(), device.keyId(), device.login().username(), device.login().password());
    }

    /**
     * Checks that {@code code} could enroll a device now, without using it (step 1 of TPM attestation).
     *
     * @throws ApiException as {@link #enroll} for the code
     */
    public void checkCode(EnrollmentCode code) {
        codes.check(code).ifPresent(r -> {
            throw refused(r);
        });
    }

    private static ApiException refused(EnrollmentCodes.Refusal refusal) {
        return switch (refusal) {
            case UNKNOWN -> new ApiException(404, "unknown_code", "no such enrollment code");
            case USED -> new ApiException(409, "code_used", "this enrollment code has already enrolled a device");
            case EXPIRED -> new ApiException(410, "code_expired", "this enrollment code has expired");
        };
    }

    /** The registry's record of a verified attestation, made once the new key's kid is known (the record names it). */
    static Function<KeyId, KeyAttestation> attestationRecord(DeviceAttestation.Verified verified) {
        if (verified == null) {
            return null;
        }
        HardwareBinding b = verified.binding();
        return kid -> new KeyAttestation(b.tpmManufacturer(), b.tpmModel(), b.tpmVersion(), b.ekCertificateSha256(), b.ekIssuer(),
                b.trustAnchor(), b.attestedAt(), AttestationJson.record(kid.toString(), verified.pending(), verified.proof(), b).toString());
    }
}
