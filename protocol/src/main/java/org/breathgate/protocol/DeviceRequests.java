package org.breathgate.protocol;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Requests a device signs with its key and sends to the receiver's HTTPS API (key rotation,
 * deprovisioning; see "Enrollment over HTTPS" in {@code docs/protocol.md}). They are compact JWS
 * like messages, with header {@code {"alg":"EdDSA","kid":"<device>:<n>","typ":"<typ>"}} ({@code ES256} for a
 * P-256 key): the
 * {@code typ} names the request, and since messages must have no {@code typ}, a request can never
 * be passed off as a message, nor a message as a request. The payload is any JSON object; its
 * meaning (and replay protection such as {@code iat} and {@code nonce}) is the endpoint's.
 */
public final class DeviceRequests {

    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Pattern TYP = Pattern.compile("breathgate-[a-z-]{1,40}");

    private DeviceRequests() {
    }

    /** A verified request: who signed it, and the exact payload bytes (a JSON object). */
    public record Verified(KeyId keyId, byte[] payload) {
        public Verified {
            Objects.requireNonNull(keyId, "keyId");
            payload = payload.clone();
        }

        @Override
        public byte[] payload() {
            return payload.clone();
        }
    }

    /** Signs {@code payloadJson} (a JSON object, UTF-8) as a request of type {@code typ}. */
    public static String sign(SigningKey key, String typ, byte[] payloadJson) {
        checkTyp(typ);
        if (key.keyId().isReceiver()) {
            throw new IllegalArgumentException("device requests are signed by device keys, not " + key.keyId());
        }
        String header = "{\"alg\":\"" + key.type().jwsAlgorithm() + "\",\"kid\":\"" + key.keyId() + "\",\"typ\":\"" + typ + "\"}";
        String input = B64.encodeToString(header.getBytes(StandardCharsets.US_ASCII)) + "." + B64.encodeToString(payloadJson);
        return input + "." + B64.encodeToString(key.sign(input.getBytes(StandardCharsets.US_ASCII)));
    }

    /**
     * Verifies a request of type {@code expectedTyp} signed by a key of {@code expectedOwner} (the
     * device id in the request's path), with the same checks as messages (size, base64url, strict
     * JSON, alg, kid, signature), then that the payload is one strict JSON object.
     */
    public static Verified verify(String compact, String expectedTyp, String expectedOwner, KeyResolver keys)
            throws InvalidMessageException {
        checkTyp(expectedTyp);
        MessageVerifier.Envelope envelope = new MessageVerifier(keys).open(compact, Objects.requireNonNull(expectedOwner, "expectedOwner"));
        String typ = envelope.header().path("typ").asText(null);
        if (!expectedTyp.equals(typ)) {
            throw new InvalidMessageException(Rejection.WRONG_TYP, "typ is '" + typ + "', this endpoint takes '" + expectedTyp + "'");
        }
        MessageJson.readObject(envelope.payload(), "payload");
        return new Verified(envelope.keyId(), envelope.payload());
    }

    private static void checkTyp(String typ) {
        if (typ == null || !TYP.matcher(typ).matches()) {
            throw new IllegalArgumentException("a request typ looks like 'breathgate-key-rotation', was '" + typ + "'");
        }
    }
}
