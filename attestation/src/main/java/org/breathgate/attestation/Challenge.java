package org.breathgate.attestation;

import java.time.Instant;
import java.util.Objects;

/**
 * Step 1's answer, receiver to device: a credential encrypted to the TPM's EK and bound to the AK's
 * name (TPM2_ActivateCredential opens it only in that TPM, only for that AK), and the nonce the
 * device's TPM must certify its signing key with.
 *
 * @param id              names this challenge in step 2
 * @param credentialBlob  TPM2B_ID_OBJECT
 * @param encryptedSecret TPM2B_ENCRYPTED_SECRET
 * @param nonce           32 random bytes: the qualifying data of TPM2_CertifyCreation
 * @param expires         after this the receiver refuses step 2
 */
public record Challenge(String id, byte[] credentialBlob, byte[] encryptedSecret, byte[] nonce, Instant expires) {

    public Challenge {
        Objects.requireNonNull(id, "id");
        credentialBlob = credentialBlob.clone();
        encryptedSecret = encryptedSecret.clone();
        nonce = nonce.clone();
        Objects.requireNonNull(expires, "expires");
    }

    @Override
    public byte[] credentialBlob() {
        return credentialBlob.clone();
    }

    @Override
    public byte[] encryptedSecret() {
        return encryptedSecret.clone();
    }

    @Override
    public byte[] nonce() {
        return nonce.clone();
    }
}
