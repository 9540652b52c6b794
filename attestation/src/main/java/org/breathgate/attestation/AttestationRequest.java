package org.breathgate.attestation;

import java.util.List;
import java.util.Objects;

/**
 * Step 1 of attested enrollment, device to receiver: who the TPM is (its EK certificate) and the
 * attestation key (AK) it made, for which the receiver then makes a credential only that TPM can open.
 *
 * @param ekCertificate the RSA 2048 EK certificate (DER) from the TPM's NV index 0x01c00002
 * @param ekChain       CA certificates (DER) the device has for it, possibly none: help for path building, not trusted
 * @param akPublic      the AK's TPM2B_PUBLIC, as {@code tpm2_createak -u} writes it
 */
public record AttestationRequest(byte[] ekCertificate, List<byte[]> ekChain, byte[] akPublic) {

    public AttestationRequest {
        ekCertificate = Objects.requireNonNull(ekCertificate, "ekCertificate").clone();
        ekChain = ekChain.stream().map(byte[]::clone).toList();
        akPublic = Objects.requireNonNull(akPublic, "akPublic").clone();
    }

    @Override
    public byte[] ekCertificate() {
        return ekCertificate.clone();
    }

    @Override
    public byte[] akPublic() {
        return akPublic.clone();
    }
}
