package org.breathgate.protocol;

import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.signers.DSADigestSigner;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.crypto.signers.HMacDSAKCalculator;
import org.bouncycastle.crypto.signers.PlainDSAEncoding;
import org.bouncycastle.crypto.signers.StandardDSAEncoding;
import org.bouncycastle.crypto.util.PrivateKeyFactory;
import org.bouncycastle.crypto.util.PrivateKeyInfoFactory;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

import java.io.IOException;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.Objects;

/**
 * A private key with its {@link KeyId}, kept only by its owner. Three kinds:
 * <ul>
 *   <li>an Ed25519 key in memory ({@link #generate}, {@link #fromSeed}, {@link #fromPem}): every file
 *       key, on a device in a file readable by the agent's user alone;</li>
 *   <li>a P-256 key in memory ({@link #generateP256}, {@link #fromPem}): for tests and for other
 *       implementations' interoperability; it signs deterministically (RFC 6979), so the published
 *       ES256 test vector can be reproduced byte for byte;</li>
 *   <li>a P-256 key held elsewhere, typically inside a TPM ({@link #external}): this class only
 *       sees its public half and asks the holder for each signature.</li>
 * </ul>
 */
public final class SigningKey {

    /** RFC 8410's object identifier for Ed25519. */
    private static final ASN1ObjectIdentifier ID_ED25519 = new ASN1ObjectIdentifier("1.3.101.112");

    /**
     * Signs with a P-256 private key held elsewhere (a TPM, a PKCS#11 token): returns the ECDSA
     * signature over SHA-256 of {@code data} in ASN.1 DER, as JCA's {@code SHA256withECDSA},
     * {@code openssl dgst -sha256 -sign} and {@code tpm2_sign -f plain} write it.
     */
    @FunctionalInterface
    public interface EcdsaSha256Signer {
        byte[] signDer(byte[] data) throws Exception;
    }

    /** The key's holder could not sign: a TPM that does not answer, a key that is gone. */
    public static final class SigningFailedException extends RuntimeException {
        public SigningFailedException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final KeyId keyId;
    private final VerificationKey verificationKey;
    private final Ed25519PrivateKeyParameters ed25519;
    private final ECPrivateKeyParameters p256;
    private final EcdsaSha256Signer external;

    private SigningKey(KeyId keyId, Ed25519PrivateKeyParameters privateKey) {
        this.keyId = Objects.requireNonNull(keyId, "keyId");
        this.ed25519 = Objects.requireNonNull(privateKey, "privateKey");
        this.p256 = null;
        this.external = null;
        this.verificationKey = new VerificationKey(keyId, privateKey.generatePublicKey());
    }

    private SigningKey(KeyId keyId, ECPrivateKeyParameters privateKey) {
        this.keyId = Objects.requireNonNull(keyId, "keyId");
        this.ed25519 = null;
        this.p256 = Objects.requireNonNull(privateKey, "privateKey");
        this.external = null;
        this.verificationKey = new VerificationKey(keyId, new ECPublicKeyParameters(
                VerificationKey.P256.getG().multiply(privateKey.getD()).normalize(), VerificationKey.P256));
    }

    private SigningKey(VerificationKey publicKey, EcdsaSha256Signer signer) {
        this.keyId = publicKey.keyId();
        this.ed25519 = null;
        this.p256 = null;
        this.external = Objects.requireNonNull(signer, "signer");
        this.verificationKey = publicKey;
    }

    /** A new random Ed25519 key. */
    public static SigningKey generate(KeyId keyId, SecureRandom random) {
        return new SigningKey(keyId, new Ed25519PrivateKeyParameters(random));
    }

    /** A new random P-256 key in memory (tests, interoperability; a device keeps its P-256 key in a TPM). */
    public static SigningKey generateP256(KeyId keyId, SecureRandom random) {
        BigInteger n = VerificationKey.P256.getN();
        BigInteger d;
        do {
            d = new BigInteger(n.bitLength(), random);
        } while (d.signum() == 0 || d.compareTo(n) >= 0);
        return new SigningKey(keyId, new ECPrivateKeyParameters(d, VerificationKey.P256));
    }

    /** From the 32-byte Ed25519 seed (RFC 8032 private key). */
    public static SigningKey fromSeed(KeyId keyId, byte[] seed) {
        if (seed.length != Ed25519PrivateKeyParameters.KEY_SIZE) {
            throw new IllegalArgumentException("an Ed25519 private key is 32 bytes, was " + seed.length);
        }
        return new SigningKey(keyId, new Ed25519PrivateKeyParameters(seed, 0));
    }

    /**
     * From a PKCS#8 {@code PRIVATE KEY} PEM, as written by {@link #toPem()}, {@code openssl genpkey
     * -algorithm ed25519} or ({@code P-256}) {@code openssl genpkey -algorithm EC -pkeyopt
     * ec_paramgen_curve:P-256}.
     */
    public static SigningKey fromPem(KeyId keyId, String pem) {
        byte[] der = Pem.decode(pem, "PRIVATE KEY");
        AsymmetricKeyParameter key;
        try {
            key = PrivateKeyFactory.createKey(der);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("not a PKCS#8 private key: " + e.getMessage(), e);
        }
        if (key instanceof Ed25519PrivateKeyParameters ed) {
            return new SigningKey(keyId, ed);
        }
        if (key instanceof ECPrivateKeyParameters ec && ec.getParameters().equals(VerificationKey.P256)) {
            return new SigningKey(keyId, new ECPrivateKeyParameters(ec.getD(), VerificationKey.P256));
        }
        throw new IllegalArgumentException("not an Ed25519 or P-256 key: " + key.getClass().getSimpleName());
    }

    /**
     * A P-256 key whose private half stays with its holder (a TPM): {@code signer} is asked for every
     * signature, and each answer is checked against {@code publicKey} before it is used, so a holder
     * that signs with another key, or returns garbage, fails loudly instead of producing evidence that
     * will not verify.
     */
    public static SigningKey external(VerificationKey publicKey, EcdsaSha256Signer signer) {
        if (publicKey.type() != KeyType.P256) {
            throw new IllegalArgumentException("an external key is a P-256 key, not " + publicKey.type());
        }
        return new SigningKey(publicKey, signer);
    }

    /**
     * PKCS#8 PEM, readable by OpenSSL. Keep it secret.
     *
     * @throws UnsupportedOperationException for an {@link #external} key, whose private half cannot be had
     */
    public String toPem() {
        if (external != null) {
            throw new UnsupportedOperationException("key " + keyId + " is held outside this program (e.g. in a TPM) and cannot be exported");
        }
        try {
            PrivateKeyInfo info = ed25519 != null
                    // Version 1 PKCS#8 (RFC 8410 section 7), without the optional public key: what OpenSSL 3.0 reads.
                    ? new PrivateKeyInfo(new AlgorithmIdentifier(ID_ED25519), new DEROctetString(ed25519.getEncoded()))
                    : PrivateKeyInfoFactory.createPrivateKeyInfo(p256);
            return Pem.encode(info.getEncoded(), "PRIVATE KEY");
        } catch (IOException e) {
            throw new IllegalStateException("encoding a private key failed", e);
        }
    }

    public KeyId keyId() {
        return keyId;
    }

    /** Ed25519 or P-256. */
    public KeyType type() {
        return verificationKey.type();
    }

    /** Whether the private half lives outside this program (e.g. in a TPM). */
    public boolean isExternal() {
        return external != null;
    }

    /** The public half, to enroll with the receiver or give to a verifier. */
    public VerificationKey verificationKey() {
        return verificationKey;
    }

    /** The 64-byte JWS signature of {@code data}: pure Ed25519, or ES256's {@code R || S}. */
    byte[] sign(byte[] data) {
        if (ed25519 != null) {
            byte[] signature = new byte[Ed25519PrivateKeyParameters.SIGNATURE_SIZE];
            ed25519.sign(Ed25519.Algorithm.Ed25519, null, data, 0, data.length, signature, 0);
            return signature;
        }
        if (p256 != null) {
            DSADigestSigner signer = new DSADigestSigner(new ECDSASigner(new HMacDSAKCalculator(new SHA256Digest())),
                    new SHA256Digest(), PlainDSAEncoding.INSTANCE);
            signer.init(true, p256);
            signer.update(data, 0, data.length);
            return signer.generateSignature();
        }
        byte[] signature;
        try {
            BigInteger[] rs = StandardDSAEncoding.INSTANCE.decode(VerificationKey.P256.getN(), external.signDer(data));
            signature = PlainDSAEncoding.INSTANCE.encode(VerificationKey.P256.getN(), rs[0], rs[1]);
        } catch (Exception e) {
            throw new SigningFailedException("key " + keyId + " could not sign: " + e.getMessage(), e);
        }
        if (!verificationKey.verify(data, signature)) {
            throw new SigningFailedException("key " + keyId + "'s holder returned a signature that does not verify with "
                    + keyId + "'s public key (sha256:" + verificationKey.fingerprint().substring(0, 16) + ")", null);
        }
        return signature;
    }

    @Override
    public String toString() {
        return "SigningKey[" + keyId + ", " + type() + (external != null ? ", external" : "") + "]";
    }
}
