package org.breathgate.attestation;

import java.util.Objects;

/**
 * Step 2, device to receiver, sent inside the enrollment request: the activated secret (proof that
 * the AK lives in the TPM of the EK) and the TPM's creation certificate for the signing key (proof that
 * the key was made in that TPM, and how).
 *
 * @param challengeId      the {@link Challenge#id()} answered
 * @param secret           what TPM2_ActivateCredential returned
 * @param keyPublic        the signing key's TPM2B_PUBLIC ({@code tpm2_create -u})
 * @param creationData     the signing key's TPM2B_CREATION_DATA ({@code tpm2_create --creation-data})
 * @param certifyInfo      the TPMS_ATTEST of TPM2_CertifyCreation by the AK with the nonce as qualifying data
 *                         ({@code tpm2_certifycreation --attestation})
 * @param certifySignature its TPMT_SIGNATURE by the AK ({@code tpm2_certifycreation -o}, default format)
 */
public record AttestationProof(String challengeId, byte[] secret, byte[] keyPublic, byte[] creationData, byte[] certifyInfo,
                               byte[] certifySignature) {

    public AttestationProof {
        Objects.requireNonNull(challengeId, "challengeId");
        secret = secret.clone();
        keyPublic = keyPublic.clone();
        creationData = creationData.clone();
        certifyInfo = certifyInfo.clone();
        certifySignature = certifySignature.clone();
    }

    @Override
    public byte[] secret() {
        return secret.clone();
    }

    @Override
    public byte[] keyPublic() {
        return keyPublic.clone();
    }

    @Override
    public byte[] creationData() {
        return creationData.clone();
    }

    @Override
    public byte[] certifyInfo() {
        return certifyInfo.clone();
    }

    @Override
    public byte[] certifySignature() {
        return certifySignature.clone();
    }
}
