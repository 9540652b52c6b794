package org.breathgate.protocol;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;

/**
 * A message with its signature, as it travels and as it is kept as evidence.
 *
 * @param compact    the exact JWS compact serialisation (ASCII): the evidence, stored byte for byte
 * @param keyId      the {@code kid} of the key that signed it
 * @param algorithm  the header's {@code alg}: {@code EdDSA} or {@code Ed25519} (Ed25519 keys), {@code ES256} (P-256 keys)
 * @param message    the decoded payload
 * @param extensions payload keys this version does not know (path to raw JSON), preserved in {@code compact}
 */
public record SignedMessage(String compact, KeyId keyId, String algorithm, Message message, Map<String, String> extensions) {

    public SignedMessage {
        Objects.requireNonNull(compact, "compact");
        Objects.requireNonNull(keyId, "keyId");
        Objects.requireNonNull(algorithm, "algorithm");
        Objects.requireNonNull(message, "message");
        extensions = Map.copyOf(extensions);
    }

    /** The evidence as bytes (ASCII), e.g. to publish or store. */
    public byte[] bytes() {
        return compact.getBytes(StandardCharsets.US_ASCII);
    }

    /** The exact payload bytes that were signed. */
    public byte[] payload() {
        int first = compact.indexOf('.');
        int second = compact.indexOf('.', first + 1);
        return java.util.Base64.getUrlDecoder().decode(compact.substring(first + 1, second));
    }
}
