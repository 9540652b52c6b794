package org.breathgate.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Objects;
import java.util.Set;

/**
 * Verifies a JWS compact message and decodes it. Checks, in this order, each failure with its own
 * {@link Rejection}: size; three base64url parts; header JSON; {@code alg}; {@code crit};
 * {@code kid} present and naming the expected owner; key known; {@code alg} fitting the key's
 * {@link KeyType}; signature; payload JSON and
 * fields; payload {@code device} matching the {@code kid}. The signature is checked before the
 * payload is parsed, so unauthenticated payloads are never interpreted.
 *
 * <p>Thread-safe; reuse one instance.
 */
public final class MessageVerifier {

    /**
     * Largest compact message accepted: 16 KiB, refused before any decoding. A reading is about
     * 1 KiB; an ack of {@value Ack#MAX_ENTRIES} entries about 10 KiB; the largest legitimate
     * message, a {@link PhotoChunk} of {@value PhotoChunk#CHUNK_BYTES} bytes, about 15.3 KiB.
     */
    public static final int MAX_COMPACT_BYTES = 16 * 1024;

    /**
     * The {@code alg} values accepted at all: RFC 8037's {@code EdDSA} and RFC 9864's {@code Ed25519}
     * for Ed25519 keys, RFC 7518's {@code ES256} for P-256 keys. Which one a message may use is then
     * fixed by the key its {@code kid} names.
     */
    public static final Set<String> ACCEPTED_ALGS = Set.of("EdDSA", "Ed25519", "ES256");

    private static final Base64.Decoder B64 = Base64.getUrlDecoder();
    private static final Base64.Encoder B64_OUT = Base64.getUrlEncoder().withoutPadding();

    private final KeyResolver keys;

    public MessageVerifier(KeyResolver keys) {
        this.keys = Objects.requireNonNull(keys, "keys");
    }

    /**
     * Verifies {@code compact} (ASCII bytes) as signed by a key of {@code expectedOwner}: the
     * device id from the topic it came on, or {@link KeyId#RECEIVER} on a device.
     */
    public SignedMessage verify(byte[] compact, String expectedOwner) throws InvalidMessageException {
        if (compact.length > MAX_COMPACT_BYTES) {
            throw new InvalidMessageException(Rejection.OVERSIZED,
                    compact.length + " bytes is more than the limit of " + MAX_COMPACT_BYTES);
        }
        for (byte b : compact) {
            if (!isBase64UrlChar(b) && b != '.') {
                throw new InvalidMessageException(Rejection.MALFORMED_COMPACT,
                        "a compact JWS holds only base64url characters and two dots; found byte 0x"
                                + Integer.toHexString(b & 0xff));
            }
        }
        return verify(new String(compact, StandardCharsets.US_ASCII), expectedOwner);
    }

    /** As {@link #verify(byte[], String)}, from a string. */
    public SignedMessage verify(String compact, String expectedOwner) throws InvalidMessageException {
        Envelope envelope = open(compact, expectedOwner);
        if (envelope.header().has("typ")) {
            throw new InvalidMessageException(Rejection.WRONG_TYP,
                    "a message has no typ header; typ '" + envelope.header().path("typ").asText() + "' marks another use");
        }
        MessageJson.Payload payload = MessageJson.decode(envelope.payload());
        Message message = payload.message();
        KeyId keyId = envelope.keyId();
        if (keyId.isReceiver() != (message instanceof ReceiverMessage)) {
            throw new InvalidMessageException(Rejection.DEVICE_MISMATCH,
                    "a " + message.type().wireName() + " may not be signed by " + keyId);
        }
        if (!keyId.isReceiver() && !message.deviceId().equals(keyId.owner())) {
            throw new InvalidMessageException(Rejection.DEVICE_MISMATCH,
                    "payload device '" + message.deviceId() + "' is not the kid's device '" + keyId.owner() + "'");
        }
        return new SignedMessage(compact, keyId, envelope.algorithm(), message, payload.extensions());
    }

    /** A JWS whose header and signature were checked, with its payload bytes not yet interpreted. */
    record Envelope(KeyId keyId, String algorithm, ObjectNode header, byte[] payload) {
    }

    /** Checks 1 to 12 of docs/protocol.md: everything up to and including the signature. */
    Envelope open(String compact, String expectedOwner) throws InvalidMessageException {
        Objects.requireNonNull(compact, "compact");
        if (compact.length() > MAX_COMPACT_BYTES) {
            throw new InvalidMessageException(Rejection.OVERSIZED,
                    compact.length() + " characters is more than the limit of " + MAX_COMPACT_BYTES);
        }
        int first = compact.indexOf('.');
        int second = first < 0 ? -1 : compact.indexOf('.', first + 1);
        if (first < 0 || second < 0 || compact.indexOf('.', second + 1) >= 0) {
            throw new InvalidMessageException(Rejection.MALFORMED_COMPACT, "a compact JWS has exactly three parts separated by two dots");
        }
        String headerPart = compact.substring(0, first);
        String payloadPart = compact.substring(first + 1, second);
        String signaturePart = compact.substring(second + 1);
        if (headerPart.isEmpty() || payloadPart.isEmpty() || signaturePart.isEmpty()) {
            throw new InvalidMessageException(Rejection.MALFORMED_COMPACT, "a part of the compact JWS is empty");
        }

        ObjectNode header = MessageJson.readObject(decodePart(headerPart, "header"), "header");
        JsonNode alg = header.get("alg");
        if (alg == null || !alg.isTextual()) {
            throw new InvalidMessageException(Rejection.UNSUPPORTED_ALG, "header has no alg");
        }
        if (alg.textValue().equalsIgnoreCase("none")) {
            throw new InvalidMessageException(Rejection.ALG_NONE, "alg 'none' (unsigned) is never accepted");
        }
        if (!ACCEPTED_ALGS.contains(alg.textValue())) {
            throw new InvalidMessageException(Rejection.UNSUPPORTED_ALG,
                    "alg '" + alg.textValue() + "' is not accepted; only EdDSA, Ed25519 and ES256 are");
        }
        if (header.has("crit")) {
            throw new InvalidMessageException(Rejection.UNSUPPORTED_CRITICAL_HEADER, "header has crit; no critical extensions are supported");
        }
        JsonNode kidNode = header.get("kid");
        if (kidNode == null || !kidNode.isTextual()) {
            throw new InvalidMessageException(Rejection.MISSING_KID, "header has no kid");
        }
        KeyId keyId;
        try {
            keyId = KeyId.parse(kidNode.textValue());
        } catch (IllegalArgumentException e) {
            throw new InvalidMessageException(Rejection.MISSING_KID, e.getMessage(), e);
        }
        if (expectedOwner != null && !keyId.owner().equals(expectedOwner)) {
            throw new InvalidMessageException(Rejection.KID_MISMATCH,
                    "kid " + keyId + " is not a key of '" + expectedOwner + "'");
        }
        VerificationKey key = keys.find(keyId)
                .orElseThrow(() -> new InvalidMessageException(Rejection.UNKNOWN_KEY, "no key is known for kid " + keyId));
        if (!key.type().accepts(alg.textValue())) {
            throw new InvalidMessageException(Rejection.ALG_KEY_MISMATCH, "alg '" + alg.textValue() + "' does not fit key " + keyId
                    + ", which is enrolled as " + key.type() + " and verifies only " + key.type().jwsAlgorithm());
        }

        byte[] signature = decodePart(signaturePart, "signature");
        byte[] signingInput = compact.substring(0, second).getBytes(StandardCharsets.US_ASCII);
        if (!key.verify(signingInput, signature)) {
            throw new InvalidMessageException(Rejection.BAD_SIGNATURE, "the signature does not verify with key " + keyId);
        }
        return new Envelope(keyId, alg.textValue(), header, decodePart(payloadPart, "payload"));
    }

    /** Strict base64url: no padding, no other characters, and canonical (unused bits zero). */
    private static byte[] decodePart(String part, String what) throws InvalidMessageException {
        byte[] bytes;
        try {
            if (part.indexOf('=') >= 0) {
                throw new IllegalArgumentException("padding is not allowed");
            }
            bytes = B64.decode(part);
        } catch (IllegalArgumentException e) {
            throw new InvalidMessageException(Rejection.BAD_BASE64URL, what + " is not unpadded base64url: " + e.getMessage(), e);
        }
        if (!B64_OUT.encodeToString(bytes).equals(part)) {
            throw new InvalidMessageException(Rejection.BAD_BASE64URL, what + " is not canonical base64url");
        }
        return bytes;
    }

    private static boolean isBase64UrlChar(byte b) {
        return (b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z') || (b >= '0' && b <= '9') || b == '-' || b == '_';
    }
}
