package org.breathgate.protocol;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StoredJwsTest {

    private final MessageSigner signer = new MessageSigner(Samples.deviceKey());

    @Test
    void a_stored_message_reads_back_as_the_verifier_gave_it_when_it_arrived() throws Exception {
        for (Message message : Samples.oneOfEach()) {
            SigningKey key = message instanceof ReceiverMessage ? Samples.receiverKey() : Samples.deviceKey();
            SignedMessage signed = new MessageSigner(key).sign(message);
            SignedMessage verified = new MessageVerifier(KeyResolver.of(key.verificationKey()))
                    .verify(signed.bytes(), key.keyId().owner());
            assertEquals(verified, StoredJws.read(signed.compact()), message.type().wireName());
        }
    }

    @Test
    void the_signature_is_not_checked_again_so_it_reads_only_what_was_verified_before() throws Exception {
        String compact = signer.sign(Samples.positive(41)).compact();
        String forged = compact.substring(0, compact.lastIndexOf('.') + 1) + "AAAA";
        assertEquals(Samples.positive(41), StoredJws.read(forged).message());
        assertThrows(InvalidMessageException.class, () -> new MessageVerifier(KeyResolver.of(Samples.deviceKey().verificationKey()))
                .verify(forged, Samples.DEVICE));
    }

    @Test
    void bytes_changed_into_no_message_are_refused_with_the_reason() {
        String compact = signer.sign(Samples.sober(7)).compact();
        assertEquals(Rejection.MALFORMED_COMPACT, rejection(compact.replace(".", "")));
        assertEquals(Rejection.BAD_BASE64URL, rejection("*" + compact));
        String noKid = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString("{\"alg\":\"EdDSA\"}".getBytes())
                + compact.substring(compact.indexOf('.'));
        assertEquals(Rejection.MISSING_KID, rejection(noKid));
        Rejection payload = rejection(compact.substring(0, compact.indexOf('.') + 1) + "e30" + compact.substring(compact.lastIndexOf('.')));
        assertTrue(payload == Rejection.MISSING_FIELD, payload.toString());
    }

    private static Rejection rejection(String compact) {
        return assertThrows(InvalidMessageException.class, () -> StoredJws.read(compact)).rejection();
    }
}
