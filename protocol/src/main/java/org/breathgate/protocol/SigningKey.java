package org.breathgate.protocol;

import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.util.PrivateKeyFactory;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

import java.io.IOException;
import java.security.SecureRandom;
import java.util.Objects;

/**
 * An Ed25519 private key with its {@link KeyId}. Kept only by its owner: on a device, in a file
 * readable by the agent's user alone.
 */
public final class SigningKey {

    /** RFC 8410's object identifier for Ed25519. */
    private static final ASN1ObjectIdentifier ID_ED25519 = new ASN1ObjectIdentifier("1.3.101.112");

    private final KeyId keyId;
    private final Ed25519PrivateKeyParameters privateKey;
    private final VerificationKey verificationKey;

    private SigningKey(KeyId keyId, Ed25519PrivateKeyParameters privateKey) {
        this.keyId = Objects.requireNonNull(keyId, "keyId");
        this.privateKey = Objects.requireNonNull(privateKey, "privateKey");
        this.verificationKey = new VerificationKey(keyId, privateKey.generatePublicKey());
    }

    /** A new random key. */
    public static SigningKey generate(KeyId keyId, SecureRandom random) {
        return new SigningKey(keyId, new Ed25519PrivateKeyParameters(random));
    }

    /** From the 32-byte Ed25519 seed (RFC 8032 private key). */
    public static SigningKey fromSeed(KeyId keyId, byte[] seed) {
        if (seed.length != Ed25519PrivateKeyParameters.KEY_SIZE) {
            throw new IllegalArgumentException("an Ed25519 private key is 32 bytes, was " + seed.length);
        }
        return new SigningKey(keyId, new Ed25519PrivateKeyParameters(seed, 0));
    }

    /** From a PKCS#8 {@code PRIVATE KEY} PEM, as written by {@link #toPem()} or {@code openssl genpkey -algorithm ed25519}. */
    public static SigningKey fromPem(KeyId keyId, String pem) {
        byte[] der = Pem.decode(pem, "PRIVATE KEY");
        AsymmetricKeyParameter key;
        try {
            key = PrivateKeyFactory.createKey(der);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("not a PKCS#8 private key: " + e.getMessage(), e);
        }
        if (!(key instanceof Ed25519PrivateKeyParameters ed)) {
            throw new IllegalArgumentException("not an Ed25519 key: " + key.getClass().getSimpleName());
        }
        return new SigningKey(keyId, ed);
    }

    /** PKCS#8 PEM, readable by OpenSSL. Keep it secret. */
    public String toPem() {
        try {
            // Version 1 PKCS#8 (RFC 8410 section 7), without the optional public key: what OpenSSL 3.0 reads.
            PrivateKeyInfo info = new PrivateKeyInfo(new AlgorithmIdentifier(ID_ED25519),
                    new DEROctetString(privateKey.getEncoded()));
            return Pem.encode(info.getEncoded(), "PRIVATE KEY");
        } catch (IOException e) {
            throw new IllegalStateException("encoding an Ed25519 key failed", e);
        }
    }

    public KeyId keyId() {
        return keyId;
    }

    /** The public half, to enroll with the receiver or give to a verifier. */
    public VerificationKey verificationKey() {
        return verificationKey;
    }

    /** The 64-byte Ed25519 signature of {@code data}. */
    byte[] sign(byte[] data) {
        byte[] signature = new byte[Ed25519PrivateKeyParameters.SIGNATURE_SIZE];
        privateKey.sign(Ed25519.Algorithm.Ed25519, null, data, 0, data.length, signature, 0);
        return signature;
    }

    @Override
    public String toString() {
        return "SigningKey[" + keyId + "]";
    }
}
