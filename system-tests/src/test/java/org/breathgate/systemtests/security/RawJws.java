package org.breathgate.systemtests.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;
import org.breathgate.protocol.KeyId;
import org.breathgate.protocol.Message;
import org.breathgate.protocol.MessageJson;

/**
 * An attacker's JWS toolbox: any header, any payload bytes, signed with any test key (the seeds of
 * {@link org.breathgate.testkit.TestKeys} are public, which is the point: an attacker who has a key of their
 * own), with HMAC, or not at all. The protocol module would refuse to make most of these.
 */
final class RawJws {

    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private RawJws() {
    }

    static String b64(byte[] bytes) {
        return B64.encodeToString(bytes);
    }

    static String b64(String text) {
        return b64(text.getBytes(StandardCharsets.UTF_8));
    }

    /** The JSON the protocol module writes for {@code message}, as text to tamper with. */
    static String json(Message message) {
        return new String(MessageJson.encode(message), StandardCharsets.UTF_8);
    }

    /** {@code header.payload.signature}, the signature made with the test key named {@code signerKid} over the first two parts. */
    static String signed(String headerJson, byte[] payload, KeyId signerKid) {
        String input = b64(headerJson) + "." + b64(payload);
        return input + "." + b64(ed25519(testSeed(signerKid), input.getBytes(StandardCharsets.US_ASCII)));
    }

    /** A normal header naming {@code kid}, signed with the test key {@code signerKid} (a forgery when they differ). */
    static String signedAs(KeyId kid, String payloadJson, KeyId signerKid) {
        return signed("{\"alg\":\"EdDSA\",\"kid\":\"" + kid + "\"}", payloadJson.getBytes(StandardCharsets.UTF_8), signerKid);
    }

    /** Header + payload + the given raw signature part (e.g. empty for {@code alg: none}). */
    static String unsigned(String headerJson, String payloadJson, String signaturePart) {
        return b64(headerJson) + "." + b64(payloadJson) + "." + signaturePart;
    }

    /** HS256 over header.payload with {@code secret}: the classic "use the public key as an HMAC secret" confusion. */
    static String hmac(String headerJson, String payloadJson, byte[] secret) throws Exception {
        String input = b64(headerJson) + "." + b64(payloadJson);
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret, "HmacSHA256"));
        return input + "." + b64(mac.doFinal(input.getBytes(StandardCharsets.US_ASCII)));
    }

    /** The seed {@link org.breathgate.testkit.TestKeys} derives for {@code kid}. */
    static byte[] testSeed(KeyId kid) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(("breathgate-test-key:" + kid).getBytes(StandardCharsets.UTF_8));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] ed25519(byte[] seed, byte[] message) {
        Ed25519Signer signer = new Ed25519Signer();
        signer.init(true, new Ed25519PrivateKeyParameters(seed, 0));
        signer.update(message, 0, message.length);
        return signer.generateSignature();
    }
}
