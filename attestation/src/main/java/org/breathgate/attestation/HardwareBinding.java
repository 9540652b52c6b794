package org.breathgate.attestation;

import java.time.Instant;
import java.util.Objects;

/**
 * What a verified attestation establishes, for the receiver to record beside the device's key and to
 * show with its evidence: the key was made inside, and cannot leave, a TPM whose endorsement key a
 * trusted vendor certified.
 *
 * @param keyFingerprint       SHA-256 of the raw P-256 key (as {@code VerificationKey.fingerprint()})
 * @param tpmManufacturer      the TPM's manufacturer from the EK certificate, e.g. {@code IFX} (Infineon), {@code IBM} (swtpm)
 * @param tpmModel             the TPM model from the EK certificate, e.g. {@code SLB9670}
 * @param tpmVersion           the TPM's version from the EK certificate
 * @param firmwareVersion      the firmware version the TPM reported in its attestation
 * @param ekCertificateSha256  SHA-256 of the EK certificate's DER, hex
 * @param ekIssuer             the EK certificate's issuer (the vendor CA)
 * @param trustAnchor          the subject of the configured root the chain ended in
 * @param attestedAt           when the receiver verified it
 */
public record HardwareBinding(String keyFingerprint, String tpmManufacturer, String tpmModel, String tpmVersion, long firmwareVersion,
                              String ekCertificateSha256, String ekIssuer, String trustAnchor, Instant attestedAt) {

    public HardwareBinding {
        Objects.requireNonNull(keyFingerprint, "keyFingerprint");
        Objects.requireNonNull(tpmManufacturer, "tpmManufacturer");
        Objects.requireNonNull(tpmModel, "tpmModel");
        Objects.requireNonNull(tpmVersion, "tpmVersion");
        Objects.requireNonNull(ekCertificateSha256, "ekCertificateSha256");
        Objects.requireNonNull(ekIssuer, "ekIssuer");
        Objects.requireNonNull(trustAnchor, "trustAnchor");
        Objects.requireNonNull(attestedAt, "attestedAt");
    }
}
