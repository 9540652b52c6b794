package org.breathgate.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.params.ECNamedDomainParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.DSADigestSigner;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.crypto.signers.PlainDSAEncoding;
import org.bouncycastle.crypto.util.PublicKeyFactory;
import org.bouncycastle.crypto.util.SubjectPublicKeyInfoFactory;
import org.bouncycastle.math.ec.ECPoint;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Objects;

/**
 * A public key with its {@link KeyId} and {@link KeyType}: what a receiver enrolls for a device, and
 * what anyone needs to check a piece of evidence. Reads and writes PEM ({@code PUBLIC KEY},
 * SubjectPublicKeyInfo) and JWK: {@code {"kty":"OKP","crv":"Ed25519","x":...}} (RFC 8037) for
 * Ed25519, {@code {"kty":"EC","crv":"P-256","x":...,"y":...}} (RFC 7518 section 6.2) for P-256.
 * No other curve is read.
 */
public final class VerificationKey {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    static final ECNamedDomainParameters P256 = ECNamedDomainParameters.lookup(SECObjectIdentifiers.secp256r1);
    /** Bytes of one P-256 coordinate, and of R and S in an ES256 signature. */
    static final int P256_FIELD_BYTES = 32;

    private final KeyId keyId;
    private final KeyType type;
    private final Ed25519PublicKeyParameters ed25519;
    private final ECPublicKeyParameters p256;

    VerificationKey(KeyId keyId, Ed25519PublicKeyParameters publicKey) {
        this.keyId = Objects.requireNonNull(keyId, "keyId");
        this.type = KeyType.ED25519;
        this.ed25519 = Objects.requireNonNull(publicKey, "publicKey");
        this.p256 = null;
    }

    VerificationKey(KeyId keyId, ECPublicKeyParameters publicKey) {
        this.keyId = Objects.requireNonNull(keyId, "keyId");
        this.type = KeyType.P256;
        this.ed25519 = null;
        this.p256 = checkP256(publicKey);
    }

    private static ECPublicKeyParameters checkP256(ECPublicKeyParameters key) {
        Objects.requireNonNull(key, "publicKey");
        if (!key.getParameters().equals(P256)) {
            throw new IllegalArgumentException("not a P-256 key: only the NIST P-256 curve is used for ES256");
        }
        return key;
    }

    /** From the raw 32-byte Ed25519 public key. */
    public static VerificationKey fromRaw(KeyId keyId, byte[] raw) {
        return fromRaw(keyId, KeyType.ED25519, raw);
    }

    /**
     * From the raw public key of the given type, as {@link #raw()} gives it: 32 bytes for Ed25519,
     * the 65-byte uncompressed point {@code 04 || X || Y} for P-256.
     */
    public static VerificationKey fromRaw(KeyId keyId, KeyType type, byte[] raw) {
        Objects.requireNonNull(type, "type");
        if (type == KeyType.ED25519) {
            if (raw.length != Ed25519PublicKeyParameters.KEY_SIZE) {
                throw new IllegalArgumentException("an Ed25519 public key is 32 bytes, was " + raw.length);
            }
            return new VerificationKey(keyId, new Ed25519PublicKeyParameters(raw, 0));
        }
        if (raw.length != 1 + 2 * P256_FIELD_BYTES || raw[0] != 0x04) {
            throw new IllegalArgumentException("a raw P-256 public key is the 65-byte uncompressed point 04||X||Y, was "
                    + raw.length + " bytes");
        }
        ECPoint point;
        try {
            point = P256.getCurve().decodePoint(raw).normalize();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a point on P-256: " + e.getMessage(), e);
        }
        return new VerificationKey(keyId, new ECPublicKeyParameters(point, P256));
    }

    /** From a {@code PUBLIC KEY} PEM (Ed25519 or P-256), e.g. from {@code openssl pkey -pubout}. */
    public static VerificationKey fromPem(KeyId keyId, String pem) {
        byte[] der = Pem.decode(pem, "PUBLIC KEY");
        AsymmetricKeyParameter key;
        try {
            key = PublicKeyFactory.createKey(der);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("not a SubjectPublicKeyInfo public key: " + e.getMessage(), e);
        }
        if (key instanceof Ed25519PublicKeyParameters ed) {
            return new VerificationKey(keyId, ed);
        }
        if (key instanceof ECPublicKeyParameters ec && ec.getParameters().equals(P256)) {
            return new VerificationKey(keyId, new ECPublicKeyParameters(ec.getQ().normalize(), P256));
        }
        throw new IllegalArgumentException("not an Ed25519 or P-256 key: " + describe(key));
    }

    private static String describe(AsymmetricKeyParameter key) {
        return key instanceof ECPublicKeyParameters ? "an EC key on another curve than P-256" : key.getClass().getSimpleName();
    }

    /**
     * From a JWK (Ed25519 or P-256). If the JWK has a {@code kid}, it is used (and must match
     * {@code keyId} when that is given); otherwise {@code keyId} must be given. A JWK that carries an
     * {@code alg} must name its key type's algorithm.
     */
    public static VerificationKey fromJwk(KeyId keyId, String jwk) {
        JsonNode node;
        try {
            node = MAPPER.readTree(jwk);
        } catch (IOException e) {
            throw new IllegalArgumentException("JWK is not JSON: " + e.getMessage(), e);
        }
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException("JWK must be a JSON object");
        }
        String kty = node.path("kty").asText();
        String crv = node.path("crv").asText();
        KeyType type;
        if ("OKP".equals(kty) && "Ed25519".equals(crv)) {
            type = KeyType.ED25519;
        } else if ("EC".equals(kty) && "P-256".equals(crv)) {
            type = KeyType.P256;
        } else {
            throw new IllegalArgumentException("JWK must have kty OKP and crv Ed25519, or kty EC and crv P-256");
        }
        if (node.has("d")) {
            throw new IllegalArgumentException("JWK holds a private key ('d'); give the public key only");
        }
        if (node.hasNonNull("alg") && !type.accepts(node.get("alg").asText())) {
            throw new IllegalArgumentException("JWK alg '" + node.get("alg").asText() + "' does not fit a " + crv + " key");
        }
        KeyId id = keyId;
        if (node.hasNonNull("kid")) {
            KeyId fromJwk = KeyId.parse(node.get("kid").asText());
            if (keyId != null && !keyId.equals(fromJwk)) {
                throw new IllegalArgumentException("JWK kid " + fromJwk + " is not " + keyId);
            }
            id = fromJwk;
        }
        if (id == null) {
            throw new IllegalArgumentException("the JWK has no kid and none was given");
        }
        byte[] x = coordinate(node, "x");
        if (type == KeyType.ED25519) {
            return fromRaw(id, x);
        }
        byte[] y = coordinate(node, "y");
        if (x.length != P256_FIELD_BYTES || y.length != P256_FIELD_BYTES) {
            throw new IllegalArgumentException("JWK x and y of a P-256 key are 32 bytes each");
        }
        byte[] raw = new byte[1 + 2 * P256_FIELD_BYTES];
        raw[0] = 0x04;
        System.arraycopy(x, 0, raw, 1, P256_FIELD_BYTES);
        System.arraycopy(y, 0, raw, 1 + P256_FIELD_BYTES, P256_FIELD_BYTES);
        return fromRaw(id, KeyType.P256, raw);
    }

    private static byte[] coordinate(JsonNode node, String name) {
        if (!node.path(name).isTextual()) {
            throw new IllegalArgumentException("JWK has no " + name);
        }
        try {
            return Base64.getUrlDecoder().decode(node.get(name).asText());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("JWK " + name + " is not base64url", e);
        }
    }

    public KeyId keyId() {
        return keyId;
    }

    /** Ed25519 or P-256: decides the one {@code alg} this key verifies. */
    public KeyType type() {
        return type;
    }

    /** The same key under another {@code kid} (e.g. once the receiver has named a new device). */
    public VerificationKey withKeyId(KeyId other) {
        return type == KeyType.ED25519 ? new VerificationKey(other, ed25519) : new VerificationKey(other, p256);
    }

    /** The raw public key: 32 bytes for Ed25519; the 65-byte uncompressed point {@code 04 || X || Y} for P-256. */
    public byte[] raw() {
        return type == KeyType.ED25519 ? ed25519.getEncoded() : p256.getQ().getEncoded(false);
    }

    /** PEM ({@code PUBLIC KEY}), readable by OpenSSL. */
    public String toPem() {
        try {
            AsymmetricKeyParameter key = type == KeyType.ED25519 ? ed25519 : p256;
            return Pem.encode(SubjectPublicKeyInfoFactory.createSubjectPublicKeyInfo(key).getEncoded(), "PUBLIC KEY");
        } catch (IOException e) {
            throw new IllegalStateException("encoding a public key failed", e);
        }
    }

    /** JWK with {@code kid}, {@code use: sig} and {@code alg} ({@code EdDSA} or {@code ES256}). */
    public String toJwk() {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        ObjectNode node = MAPPER.createObjectNode();
        byte[] raw = raw();
        if (type == KeyType.ED25519) {
            node.put("kty", "OKP");
            node.put("crv", "Ed25519");
            node.put("x", b64.encodeToString(raw));
        } else {
            node.put("kty", "EC");
            node.put("crv", "P-256");
            node.put("x", b64.encodeToString(Arrays.copyOfRange(raw, 1, 1 + P256_FIELD_BYTES)));
            node.put("y", b64.encodeToString(Arrays.copyOfRange(raw, 1 + P256_FIELD_BYTES, raw.length)));
        }
        node.put("kid", keyId.toString());
        node.put("use", "sig");
        node.put("alg", type.jwsAlgorithm());
        return node.toString();
    }

    /** SHA-256 of the raw key ({@link #raw()}), hex: a short fingerprint to compare by eye or in a log. */
    public String fingerprint() {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(raw()));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /**
     * Whether {@code signature} is a valid signature of the ASCII {@code signingInput} by this key:
     * 64 bytes of pure Ed25519, or for P-256 the 64-byte {@code R || S} of ECDSA over SHA-256 (RFC
     * 7518 section 3.4; each of R and S in [1, n-1]). The caller has checked that the {@code alg}
     * fits {@link #type()}.
     */
    boolean verify(byte[] signingInput, byte[] signature) {
        if (signature.length != 64) {
            return false;
        }
        if (type == KeyType.ED25519) {
            return ed25519.verify(Ed25519.Algorithm.Ed25519, null, signingInput, 0, signingInput.length, signature, 0);
        }
        DSADigestSigner verifier = new DSADigestSigner(new ECDSASigner(), new SHA256Digest(), PlainDSAEncoding.INSTANCE);
        verifier.init(false, p256);
        verifier.update(signingInput, 0, signingInput.length);
        return verifier.verifySignature(signature);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof VerificationKey other && keyId.equals(other.keyId) && type == other.type
                && Arrays.equals(raw(), other.raw());
    }

    @Override
    public int hashCode() {
        return (keyId.hashCode() * 31 + type.hashCode()) * 31 + Arrays.hashCode(raw());
    }

    @Override
    public String toString() {
        return "VerificationKey[" + keyId + ", " + type + ", sha256:" + fingerprint().substring(0, 16) + "]";
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
