package org.breathgate.attestation;

import java.util.Locale;

/**
 * Why an attestation was refused. Each cause has its own code (lower case, as the receiver reports
 * it to the device and in its audit log); the codes are listed in {@code docs/protocol.md}.
 */
public enum Refusal {
    /** A field is missing, not base64url, or a TPM structure is truncated, too long or of a kind Breathgate does not use. */
    MALFORMED,
    /** The EK certificate cannot be read, or its key is not a 2048-bit RSA key. */
    EK_CERTIFICATE_INVALID,
    /** The EK certificate does not chain to a configured TPM vendor CA (or is outside its validity). */
    EK_UNTRUSTED,
    /** The EK certificate, or a CA certificate in its chain, is on its vendor's revocation list configured at the receiver. */
    EK_REVOKED,
    /** The attestation key's public area is not a restricted, TPM-made, non-duplicable signing key. */
    AK_NOT_BOUND,
    /** The challenge is unknown, used or expired: ask for a new one. */
    CHALLENGE_EXPIRED,
    /** The secret sent back is not the one encrypted to the EK: the attestation key is not in that TPM. */
    CREDENTIAL_NOT_ACTIVATED,
    /** The attestation is not a structure the TPM generated (wrong magic). */
    NOT_TPM_GENERATED,
    /** The attestation's qualifying data is not this challenge's nonce: replayed or made for another exchange. */
    WRONG_NONCE,
    /** The attestation's signature does not verify with the attestation key. */
    BAD_ATTESTATION_SIGNATURE,
    /** The attestation is about another key than the one being enrolled (its name, or the public key, differs). */
    DIFFERENT_KEY,
    /** The enrolled key's TPM attributes allow it to leave the TPM, or it was not made inside it, or it cannot sign. */
    KEY_NOT_BOUND,
    /** The creation data does not hash to the creation hash the TPM certified. */
    CREATION_DATA_MISMATCH;

    /** The code as sent and logged, e.g. {@code ek_untrusted}. */
    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }
}
