package org.breathgate.agent.enroll;

import org.breathgate.protocol.EnrollmentCode;
import java.time.LocalDate;
import java.util.Objects;
import java.util.Optional;
import org.breathgate.attestation.AttestationProof;
import org.breathgate.protocol.VerificationKey;

/**
 * What a device sends to {@code POST /api/v1/enrollments}.
 *
 * @param code         the one-time code a worker or admin created on the receiver
 * @param publicKey    the device's new public key (Ed25519 for a file key, P-256 for a TPM key); sent as a JWK without
 *                     {@code kid} (the receiver names it {@code <device_id>:1})
 * @param sensor       what the self-test found
 * @param agentVersion this agent's version
 * @param hostname     the device's host name, shown to the admin; informational only
 * @param attestation  for a TPM key: step 2 of the attestation exchange, proving the key lives in a genuine TPM
 */
public record EnrollmentRequest(EnrollmentCode code, VerificationKey publicKey, Sensor sensor, String agentVersion,
                                String hostname, Optional<AttestationProof> attestation) {

    /** Without attestation (a file key). */
    public EnrollmentRequest(EnrollmentCode code, VerificationKey publicKey, Sensor sensor, String agentVersion, String hostname) {
        this(code, publicKey, sensor, agentVersion, hostname, Optional.empty());
    }

    public EnrollmentRequest {
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(publicKey, "publicKey");
        Objects.requireNonNull(sensor, "sensor");
        Objects.requireNonNull(agentVersion, "agentVersion");
        Objects.requireNonNull(hostname, "hostname");
        Objects.requireNonNull(attestation, "attestation");
    }

    /**
     * The breathalyser found by the self-test.
     *
     * @param driver         {@code line}, {@code frame} or {@code gpio-interlock}
     * @param model          model as the sensor reports it (or as configured, for sensors that cannot)
     * @param serial         serial number
     * @param firmware       firmware version, if reported
     * @param calibrationDue when its calibration falls due, if known
     */
    public record Sensor(String driver, String model, String serial, Optional<String> firmware, Optional<LocalDate> calibrationDue) {
        public Sensor {
            Objects.requireNonNull(driver, "driver");
            Objects.requireNonNull(model, "model");
            Objects.requireNonNull(serial, "serial");
            Objects.requireNonNull(firmware, "firmware");
            Objects.requireNonNull(calibrationDue, "calibrationDue");
        }
    }
}
