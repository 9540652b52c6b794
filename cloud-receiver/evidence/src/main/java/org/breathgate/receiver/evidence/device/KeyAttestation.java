package org.breathgate.receiver.evidence.device;

import java.time.Instant;
import java.util.Objects;

/**
 * What a verified TPM attestation established for one device key version (docs/protocol.md, "TPM attestation at
 * enrollment"), as the registry keeps it: the key was made inside, and cannot leave, the TPM that this EK certificate
 * names, and that certificate chains to a configured vendor root. {@link #record()} is the whole attestation record
 * (JSON, format {@code breathgate-tpm2-attestation-1}) from which anyone can check the chain and the certification again,
 * offline ({@code breathgate-verify --attestation}).
 *
 * @param tpmManufacturer     the TPM's maker from the EK certificate, e.g. {@code IFX (id:49465800)}
 * @param tpmModel            the TPM model from the EK certificate
 * @param tpmVersion          the TPM version from the EK certificate
 * @param ekCertificateSha256 SHA-256 of the EK certificate's DER, hex
 * @param ekIssuer            the EK certificate's issuer (the vendor CA)
 * @param trustAnchor         the configured root the chain ended in
 * @param attestedAt          when the receiver verified it
 * @param record              the attestation record, JSON
 */
public record KeyAttestation(String tpmManufacturer, String tpmModel, String tpmVersion, String ekCertificateSha256, String ekIssuer,
                             String trustAnchor, Instant attestedAt, String record) {

    public KeyAttestation {
        Objects.requireNonNull(tpmManufacturer, "tpmManufacturer");
        Objects.requireNonNull(tpmModel, "tpmModel");
        Objects.requireNonNull(tpmVersion, "tpmVersion");
        Objects.requireNonNull(ekCertificateSha256, "ekCertificateSha256");
        Objects.requireNonNull(ekIssuer, "ekIssuer");
        Objects.requireNonNull(trustAnchor, "trustAnchor");
        Objects.requireNonNull(attestedAt, "attestedAt");
        Objects.requireNonNull(record, "record");
    }

    /** One line for a person: the TPM and the root it chains to, e.g. {@code TPM IFX (id:49465800) SLB9670, EK chain to CN=...}. */
    public String summary() {
        return "TPM " + tpmManufacturer + " " + tpmModel + ", EK certificate sha256:" + ekCertificateSha256.substring(0, Math.min(16,
                ekCertificateSha256.length())) + " chaining to " + trustAnchor;
    }
}
