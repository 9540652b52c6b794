package org.breathgate.protocol;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class MessageVerifierTest {

    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private final SigningKey deviceKey = Samples.deviceKey();
    private final MessageSigner signer = new MessageSigner(deviceKey);
    private final MessageVerifier verifier = new MessageVerifier(KeyResolver.of(deviceKey.verificationKey(),
            Samples.receiverKey().verificationKey()));

    private Rejection rejectionOf(String compact) {
        return rejectionOf(compact, Samples.DEVICE);
    }

    private Rejection rejectionOf(String compact, String owner) {
        return assertThrows(InvalidMessageException.class,
                () -> verifier.verify(compact.getBytes(StandardCharsets.ISO_8859_1), owner)).rejection();
    }

    /** A compact JWS with the given header and payload JSON, signed by the sample device key. */
    private String signedRaw(String headerJson, String payloadJson) {
        String input = B64.encodeToString(headerJson.getBytes(StandardCharsets.UTF_8)) + "."
                + B64.encodeToString(payloadJson.getBytes(StandardCharsets.UTF_8));
        return input + "." + B64.encodeToString(deviceKey.sign(input.getBytes(StandardCharsets.US_ASCII)));
    }

    private static String header(String alg) {
        return "{\"alg\":\"" + alg + "\",\"kid\":\"home-0001:1\"}";
    }

    private static String positiveJson() {
        return new String(MessageJson.encode(Samples.positive(41)), StandardCharsets.UTF_8);
    }

    @Test
    void a_genuine_reading_verifies_and_keeps_its_exact_bytes() throws Exception {
        SignedMessage signed = signer.sign(Samples.positive(41));
        SignedMessage verified = verifier.verify(signed.bytes(), Samples.DEVICE);
        assertEquals(Samples.positive(41), verified.message());
        assertEquals(signed.compact(), verified.compact());
        assertArrayEquals(MessageJson.encode(Samples.positive(41)), verified.payload());
        assertEquals(new KeyId(Samples.DEVICE, 1), verified.keyId());
    }

    @Test
    void the_fully_specified_ed25519_alg_is_accepted_too() throws Exception {
        SignedMessage verified = verifier.verify(signedRaw(header("Ed25519"), positiveJson()), Samples.DEVICE);
        assertEquals("Ed25519", verified.algorithm());
    }

    @Test
    void receiver_messages_verify_against_the_receiver_key() throws Exception {
        MessageSigner receiverSigner = new MessageSigner(Samples.receiverKey());
        for (Message message : Samples.oneOfEach()) {
            if (message instanceof ReceiverMessage) {
                assertEquals(message, verifier.verify(receiverSigner.sign(message).compact(), KeyId.RECEIVER).message());
            }
        }
    }

    @Test
    void alg_none_is_refused_as_such() {
        String unsigned = B64.encodeToString("{\"alg\":\"none\",\"kid\":\"home-0001:1\"}".getBytes(StandardCharsets.UTF_8))
                + "." + B64.encodeToString(positiveJson().getBytes(StandardCharsets.UTF_8)) + ".AAAA";
        assertEquals(Rejection.ALG_NONE, rejectionOf(unsigned));
    }

    @Test
    void any_other_alg_is_refused() {
        assertEquals(Rejection.UNSUPPORTED_ALG, rejectionOf(signedRaw(header("HS256"), positiveJson())));
        assertEquals(Rejection.UNSUPPORTED_ALG, rejectionOf(signedRaw(header("eddsa"), positiveJson())));
        assertEquals(Rejection.UNSUPPORTED_ALG, rejectionOf(signedRaw("{\"kid\":\"home-0001:1\"}", positiveJson())));
    }

    @Test
    void a_crit_header_is_refused() {
        assertEquals(Rejection.UNSUPPORTED_CRITICAL_HEADER,
                rejectionOf(signedRaw("{\"alg\":\"EdDSA\",\"kid\":\"home-0001:1\",\"crit\":[\"exp\"],\"exp\":1}", positiveJson())));
    }

    @Test
    void a_missing_or_malformed_kid_is_refused() {
        assertEquals(Rejection.MISSING_KID, rejectionOf(signedRaw("{\"alg\":\"EdDSA\"}", positiveJson())));
        assertEquals(Rejection.MISSING_KID, rejectionOf(signedRaw("{\"alg\":\"EdDSA\",\"kid\":\"home-0001\"}", positiveJson())));
    }

    @Test
    void a_kid_of_another_device_than_the_topic_names_is_refused() throws Exception {
        assertEquals(Rejection.KID_MISMATCH, rejectionOf(signer.sign(Samples.positive(41)).compact(), "home-0002"));
    }

    @Test
    void an_unknown_key_is_refused() {
        assertEquals(Rejection.UNKNOWN_KEY, rejectionOf(signedRaw("{\"alg\":\"EdDSA\",\"kid\":\"home-0001:2\"}", positiveJson())));
    }

    @Test
    void a_changed_payload_breaks_the_signature() {
        String compact = signer.sign(Samples.positive(41)).compact();
        String[] parts = compact.split("\\.");
        String forged = parts[0] + "." + B64.encodeToString(positiveJson().replace("230", "231").getBytes(StandardCharsets.UTF_8))
                + "." + parts[2];
        assertEquals(Rejection.BAD_SIGNATURE, rejectionOf(forged));
    }

    @Test
    void a_signature_by_another_key_is_refused() {
        SigningKey impostor = SigningKey.fromSeed(new KeyId(Samples.DEVICE, 1), Samples.seed(7));
        assertEquals(Rejection.BAD_SIGNATURE, rejectionOf(new MessageSigner(impostor).sign(Samples.positive(41)).compact()));
    }

    @Test
    void a_truncated_signature_is_refused() {
        String compact = signer.sign(Samples.positive(41)).compact();
        // 84 base64url characters are exactly 63 bytes: well-formed, one byte short of a signature.
        assertEquals(Rejection.BAD_SIGNATURE, rejectionOf(compact.substring(0, compact.length() - 2)));
    }

    @Test
    void padding_other_characters_and_non_canonical_base64url_are_refused() {
        String compact = signer.sign(Samples.positive(41)).compact();
        String[] parts = compact.split("\\.");
        assertEquals(Rejection.MALFORMED_COMPACT, rejectionOf(compact + "="));
        assertEquals(Rejection.MALFORMED_COMPACT, rejectionOf(parts[0] + "." + parts[1] + "." + parts[2].replace('_', '/')
                .replace('-', '+') + "+/"));
        // The signature is 64 bytes: 86 characters whose last holds 4 unused bits. Setting one makes it non-canonical.
        char last = parts[2].charAt(parts[2].length() - 1);
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        char sibling = alphabet.charAt(alphabet.indexOf(last) ^ 1);
        assertEquals(Rejection.BAD_BASE64URL,
                rejectionOf(parts[0] + "." + parts[1] + "." + parts[2].substring(0, parts[2].length() - 1) + sibling));
        assertEquals(Rejection.BAD_BASE64URL, rejectionOf(parts[0] + "." + parts[1] + "." + parts[2].substring(1)));
    }

    @Test
    void anything_but_three_parts_is_malformed() {
        String compact = signer.sign(Samples.positive(41)).compact();
        assertEquals(Rejection.MALFORMED_COMPACT, rejectionOf(compact + ".AAAA"));
        assertEquals(Rejection.MALFORMED_COMPACT, rejectionOf(compact.substring(0, compact.lastIndexOf('.'))));
        assertEquals(Rejection.MALFORMED_COMPACT, rejectionOf(".."));
        assertEquals(Rejection.MALFORMED_COMPACT, rejectionOf(compact + "\n"));
    }

    @Test
    void an_oversized_message_is_refused_before_anything_else() {
        assertEquals(Rejection.OVERSIZED, rejectionOf("A".repeat(MessageVerifier.MAX_COMPACT_BYTES + 1)));
    }

    @Test
    void a_header_with_a_duplicate_key_or_trailing_data_is_refused() {
        assertEquals(Rejection.DUPLICATE_KEY,
                rejectionOf(signedRaw("{\"alg\":\"EdDSA\",\"alg\":\"none\",\"kid\":\"home-0001:1\"}", positiveJson())));
        assertEquals(Rejection.TRAILING_DATA, rejectionOf(signedRaw(header("EdDSA") + "x", positiveJson())));
    }

    @Test
    void a_signed_payload_with_a_duplicate_key_is_refused() {
        assertEquals(Rejection.DUPLICATE_KEY,
                rejectionOf(signedRaw(header("EdDSA"), positiveJson().replace("\"seq\":41,", "\"seq\":41,\"seq\":42,"))));
    }

    @Test
    void a_payload_naming_another_device_than_its_kid_is_refused() {
        String otherDevice = positiveJson().replace("\"device\":\"home-0001\"", "\"device\":\"home-0002\"");
        assertEquals(Rejection.DEVICE_MISMATCH, rejectionOf(signedRaw(header("EdDSA"), otherDevice)));
    }

    @Test
    void a_device_key_cannot_sign_an_ack() {
        Message ack = Samples.oneOfEach().stream().filter(m -> m instanceof Ack).findFirst().orElseThrow();
        String json = new String(MessageJson.encode(ack), StandardCharsets.UTF_8);
        assertEquals(Rejection.DEVICE_MISMATCH, rejectionOf(signedRaw(header("EdDSA"), json)));
    }

    @Test
    void the_signer_refuses_to_sign_for_another_device() {
        MessageSigner otherDevice = new MessageSigner(SigningKey.fromSeed(new KeyId("home-0002", 1), Samples.seed(3)));
        assertThrows(IllegalArgumentException.class, () -> otherDevice.sign(Samples.positive(41)));
    }

    @Test
    void a_support_reply_signed_by_a_device_is_refused_and_a_changed_one_does_not_verify() {
        assertEquals(Rejection.DEVICE_MISMATCH, rejectionOf(signedRaw(header("EdDSA"),
                new String(MessageJson.encode(Samples.supportReply()), StandardCharsets.UTF_8)), Samples.DEVICE));
        String genuine = new MessageSigner(Samples.receiverKey()).sign(Samples.supportReply()).compact();
        String[] parts = genuine.split("\\.");
        String changed = parts[0] + "." + B64.encodeToString(new String(MessageJson.encode(Samples.supportReply()), StandardCharsets.UTF_8)
                .replace("14:00:00Z", "20:00:00Z").getBytes(StandardCharsets.UTF_8)) + "." + parts[2];
        assertEquals(Rejection.BAD_SIGNATURE, rejectionOf(changed, KeyId.RECEIVER));
    }
}
