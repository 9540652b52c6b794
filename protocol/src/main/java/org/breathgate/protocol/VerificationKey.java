package org.breathgate.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.util.PublicKeyFactory;
import org.bouncycastle.crypto.util.SubjectPublicKeyInfoFactory;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Objects;

/**
 * An Ed25519 public key with its {@link KeyId}: what a receiver enrolls for a device, and what
 * anyone needs to check a piece of evidence. Reads and writes PEM ({@code PUBLIC KEY},
 * SubjectPublicKeyInfo) and JWK ({@code {"kty":"OKP","crv":"Ed25519","x":...}}, RFC 8037).
 */
public final class VerificationKey {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final KeyId keyId;
    private final Ed25519PublicKeyParameters publicKey;

    VerificationKey(KeyId keyId, Ed25519PublicKeyParameters publicKey) {
        this.keyId = Objects.requireNonNull(keyId, "keyId");
        this.publicKey = Objects.requireNonNull(publicKey, "publicKey");
    }

    /** From the raw 32-byte Ed25519 public key. */
    public static VerificationKey fromRaw(KeyId keyId, byte[] raw) {
        if (raw.length != Ed25519PublicKeyParameters.KEY_SIZE) {
            throw new IllegalArgumentException("an Ed25519 public key is 32 bytes, was " + raw.length);
        }
        return new VerificationKey(keyId, new Ed25519PublicKeyParameters(raw, 0));
    }

    /** From a {@code PUBLIC KEY} PEM, e.g. from {@code openssl pkey -pubout}. */
    public static VerificationKey fromPem(KeyId keyId, String pem) {
        byte[] der = Pem.decode(pem, "PUBLIC KEY");
        AsymmetricKeyParameter key;
        try {
            key = PublicKeyFactory.createKey(der);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("not a SubjectPublicKeyInfo public key: " + e.getMessage(), e);
        }
        if (!(key instanceof Ed25519PublicKeyParameters ed)) {
            throw new IllegalArgumentException("not an Ed25519 key: " + key.getClass().getSimpleName());
        }
        return new VerificationKey(keyId, ed);
    }

    /**
     * From a JWK. If the JWK has a {@code kid}, it is used (and must match {@code keyId} when
     * that is given); otherwise {@code keyId} must be given.
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
        if (!"OKP".equals(node.path("kty").asText()) || !"Ed25519".equals(node.path("crv").asText())) {
            throw new IllegalArgumentException("JWK must have kty OKP and crv Ed25519");
        }
        if (node.has("d")) {
            throw new IllegalArgumentException("JWK holds a private key ('d'); give the public key only");
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
        byte[] x;
        try {
            x = Base64.getUrlDecoder().decode(node.path("x").asText());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("JWK x is not base64url", e);
        }
        return fromRaw(id, x);
    }

    public KeyId keyId() {
        return keyId;
    }

    /** The raw 32-byte public key. */
    public byte[] raw() {
        return publicKey.getEncoded();
    }

    /** PEM ({@code PUBLIC KEY}), readable by OpenSSL. */
    public String toPem() {
        try {
            return Pem.encode(SubjectPublicKeyInfoFactory.createSubjectPublicKeyInfo(publicKey).getEncoded(), "PUBLIC KEY");
        } catch (IOException e) {
            throw new IllegalStateException("encoding an Ed25519 public key failed", e);
        }
    }

    /** JWK with {@code kid}, {@code use: sig} and {@code alg: EdDSA}. */
    public String toJwk() {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("kty", "OKP");
        node.put("crv", "Ed25519");
        node.put("x", Base64.getUrlEncoder().withoutPadding().encodeToString(raw()));
        node.put("kid", keyId.toString());
        node.put("use", "sig");
        node.put("alg", MessageSigner.ALG);
        return node.toString();
    }

    /** SHA-256 of the raw key, hex: a short fingerprint to compare by eye or in a log. */
    public String fingerprint() {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(raw()));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** Whether {@code signature} is a valid Ed25519 signature of the ASCII {@code signingInput}. */
    boolean verify(byte[] signingInput, byte[] signature) {
        return signature.length == Ed25519.SIGNATURE_SIZE
                && publicKey.verify(Ed25519.Algorithm.Ed25519, null, signingInput, 0, signingInput.length, signature, 0);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof VerificationKey other && keyId.equals(other.keyId)
                && java.util.Arrays.equals(raw(), other.raw());
    }

    @Override
    public int hashCode() {
        return keyId.hashCode() * 31 + java.util.Arrays.hashCode(raw());
    }

    @Override
    public String toString() {
        return "VerificationKey[" + keyId + ", sha256:" + fingerprint().substring(0, 16) + "]";
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
