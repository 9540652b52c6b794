package org.breathgate.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Reads back a compact JWS that was verified before it was kept: evidence a receiver stored, a status it saved.
 * Gives the same {@link SignedMessage} the {@link MessageVerifier} gave when it arrived (the {@code kid}, the
 * {@code alg}, the message and its unknown keys), without checking the signature again, which needs the key.
 *
 * <p>Use it only on bytes that were verified before they were stored; anything that arrives from outside goes through
 * {@link MessageVerifier}. To show that a stored record is still what the device signed, verify it again with the
 * device's enrolled key.
 */
public final class StoredJws {

    private StoredJws() {
    }

    /**
     * The message in {@code compact}, decoded as {@link MessageVerifier} decodes it.
     *
     * @throws InvalidMessageException if the bytes are no longer a well-formed message of this protocol version: the stored
     *                                 record was changed, or the protocol changed incompatibly
     */
    public static SignedMessage read(String compact) throws InvalidMessageException {
        int first = compact.indexOf('.');
        int second = first < 0 ? -1 : compact.indexOf('.', first + 1);
        if (first < 1 || second < first + 2 || compact.indexOf('.', second + 1) >= 0) {
            throw new InvalidMessageException(Rejection.MALFORMED_COMPACT, "a compact JWS has three parts separated by two dots");
        }
        ObjectNode header = MessageJson.readObject(part(compact.substring(0, first), "header"), "header");
        JsonNode kid = header.get("kid");
        JsonNode alg = header.get("alg");
        if (kid == null || !kid.isTextual()) {
            throw new InvalidMessageException(Rejection.MISSING_KID, "header has no kid");
        }
        if (alg == null || !alg.isTextual()) {
            throw new InvalidMessageException(Rejection.UNSUPPORTED_ALG, "header has no alg");
        }
        KeyId keyId;
        try {
            keyId = KeyId.parse(kid.textValue());
        } catch (IllegalArgumentException e) {
            throw new InvalidMessageException(Rejection.MISSING_KID, e.getMessage(), e);
        }
        MessageJson.Payload payload = MessageJson.decode(part(compact.substring(first + 1, second), "payload"));
        return new SignedMessage(compact, keyId, alg.textValue(), payload.message(), payload.extensions());
    }

    private static byte[] part(String text, String what) throws InvalidMessageException {
        try {
            return Base64.getUrlDecoder().decode(text.getBytes(StandardCharsets.US_ASCII));
        } catch (IllegalArgumentException e) {
            throw new InvalidMessageException(Rejection.BAD_BASE64URL, what + " is not base64url: " + e.getMessage(), e);
        }
    }
}
