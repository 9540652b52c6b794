package org.breathgate.protocol;

import java.util.Set;

/**
 * The kind of a device or receiver key, fixed when the key is enrolled. The key's type decides the
 * one JWS algorithm its signatures may claim: a message whose {@code alg} does not fit the key that
 * the {@code kid} names is refused ({@link Rejection#ALG_KEY_MISMATCH}), so an Ed25519 key can never
 * be made to "verify" an ES256 signature, nor the reverse.
 */
public enum KeyType {

    /** Ed25519 (RFC 8032): every file key. Signs as {@code EdDSA}; {@code Ed25519} (RFC 9864) is accepted too. */
    ED25519("EdDSA", Set.of("EdDSA", "Ed25519")),

    /**
     * ECDSA over NIST P-256 with SHA-256 (RFC 7518 section 3.4, {@code ES256}): the curve a TPM 2.0
     * signs with, so the key a device keeps inside its TPM.
     */
    P256("ES256", Set.of("ES256"));

    private final String jwsAlgorithm;
    private final Set<String> acceptedAlgorithms;

    KeyType(String jwsAlgorithm, Set<String> acceptedAlgorithms) {
        this.jwsAlgorithm = jwsAlgorithm;
        this.acceptedAlgorithms = acceptedAlgorithms;
    }

    /** The {@code alg} a signer with a key of this type writes. */
    public String jwsAlgorithm() {
        return jwsAlgorithm;
    }

    /** Whether a JWS {@code alg} (case-sensitive) may be verified with a key of this type. */
    public boolean accepts(String alg) {
        return acceptedAlgorithms.contains(alg);
    }
}
