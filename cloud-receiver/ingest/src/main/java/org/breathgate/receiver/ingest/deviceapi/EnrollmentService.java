package org.breathgate.receiver.ingest.deviceapi;

import org.breathgate.protocol.EnrollmentCode;
import org.breathgate.protocol.KeyId;
import org.breathgate.receiver.evidence.db.Database;
import org.breathgate.receiver.evidence.device.DeviceRegistry;
import org.breathgate.receiver.evidence.enrollment.EnrollmentCodes;
import org.breathgate.receiver.https.ApiException;
import org.breathgate.receiver.ingest.broker.BrokerAccounts;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

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

    /** What the device sent, already checked for form by the caller. */
    public record Request(EnrollmentCode code, byte[] publicKey, String sensorSummary, String agentVersion, String hostname) {
        public Request {
            Objects.requireNonNull(code, "code");
            if (publicKey == null || publicKey.length != 32) {
                throw new IllegalArgumentException("an Ed25519 public key is 32 bytes");
            }
        }
    }

    public EnrollmentService(Database database, DeviceRegistry registry, Clock clock, SecureRandom random, BrokerAccounts broker) {
        this.codes = new EnrollmentCodes(database, registry, clock, random);
        this.broker = Objects.requireNonNull(broker, "broker");
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
            device = codes.use(request.code(), request.publicKey(),
                    new EnrollmentCodes.DeviceFacts(request.sensorSummary(), request.agentVersion(), request.hostname()));
        } catch (EnrollmentCodes.RefusedException e) {
            throw switch (e.refusal()) {
                case UNKNOWN -> new ApiException(404, "unknown_code", "no such enrollment code");
                case USED -> new ApiException(409, "code_used", "this enrollment code has already enrolled a device");
                case EXPIRED -> new ApiException(410, "code_expired", "this enrollment code has expired");
            };
        }
        try {
            broker.loginIssued(device.deviceId(), device.login().password());
        } catch (BrokerAccounts.BrokerAccountsException e) {
            LOG.error("enrolled {}, but the broker could not be told its login ({}); the device will ask for a new one when the"
                    + " broker refuses it", device.deviceId(), e.getMessage());
        }
        return new Enrolled(device.deviceId(), device.keyId(), device.login().username(), device.login().password());
    }
}
