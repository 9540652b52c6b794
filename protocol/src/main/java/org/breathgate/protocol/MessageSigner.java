package org.breathgate.protocol;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;

/**
 * Signs messages as JWS compact serialisation (RFC 7515): with EdDSA over Ed25519 (RFC 8037) for an
 * Ed25519 key, with ES256 (ECDSA P-256 SHA-256, RFC 7518 section 3.4) for a P-256 key.
 *
 * <p>The protected header is exactly {@code {"alg":"EdDSA","kid":"<owner>:<version>"}} (or
 * {@code "ES256"} for a P-256 key: the key decides, see {@link KeyType}). We emit
 * the polymorphic {@code EdDSA} rather than RFC 9864's fully specified {@code Ed25519} because
 * evidence must be checkable by whatever JOSE library a lawyer or auditor has, for years, and
 * {@code EdDSA} is the one they all know; the key type (OKP, crv Ed25519) leaves no ambiguity.
 * Verifiers accept both names, so devices can switch once RFC 9864 is widely supported.
 */
public final class MessageSigner {

    /** The {@code alg} written for Ed25519 keys; a P-256 key writes {@code ES256} ({@link KeyType#jwsAlgorithm()}). */
    public static final String ALG = "EdDSA";

    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private final SigningKey key;
    private final String encodedHeader;

    public MessageSigner(SigningKey key) {
        this.key = Objects.requireNonNull(key, "key");
        String header = "{\"alg\":\"" + key.type().jwsAlgorithm() + "\",\"kid\":\"" + key.keyId() + "\"}";
        this.encodedHeader = B64.encodeToString(header.getBytes(StandardCharsets.US_ASCII));
    }

    /**
     * Signs {@code message}. A device may sign only its own messages; the receiver only receiver
     * messages: anything else is a programming error.
     */
    public SignedMessage sign(Message message) {
        KeyId id = key.keyId();
        boolean fromReceiver = message instanceof ReceiverMessage;
        if (fromReceiver != id.isReceiver() || (!fromReceiver && !message.deviceId().equals(id.owner()))) {
            throw new IllegalArgumentException("key " + id + " may not sign a " + message.type().wireName()
                    + " for device " + message.deviceId());
        }
        String signingInput = encodedHeader + "." + B64.encodeToString(MessageJson.encode(message));
        byte[] signature = key.sign(signingInput.getBytes(StandardCharsets.US_ASCII));
        String compact = signingInput + "." + B64.encodeToString(signature);
        if (compact.length() > MessageVerifier.MAX_COMPACT_BYTES) {
            // The field limits keep every valid message under the limit; reaching this is a bug.
            throw new IllegalStateException("signed " + message.type().wireName() + " is " + compact.length()
                    + " bytes, over the protocol limit of " + MessageVerifier.MAX_COMPACT_BYTES);
        }
        return new SignedMessage(compact, id, key.type().jwsAlgorithm(), message, Map.of());
    }

    public KeyId keyId() {
        return key.keyId();
    }
}
