package org.breathgate.protocol;

import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Round trips over generated messages of every type. */
class MessageRoundTripPropertyTest {

    @Provide
    Arbitrary<Message> messages() {
        return MessageArbitraries.messages();
    }

    @Property(tries = 400)
    void decoding_an_encoded_message_gives_the_same_message(@ForAll("messages") Message message) throws Exception {
        byte[] json = MessageJson.encode(message);
        MessageJson.Payload decoded = MessageJson.decode(json);
        assertEquals(message, decoded.message());
        assertTrue(decoded.extensions().isEmpty());
        assertArrayEquals(json, MessageJson.encode(decoded.message()), "encoding is deterministic");
    }

    @Property(tries = 300)
    void a_valid_message_of_the_largest_kind_still_fits_the_size_limit(@ForAll("messages") Message message) {
        SigningKey key = message instanceof ReceiverMessage
                ? SigningKey.fromSeed(KeyId.receiver(1), Samples.seed(9))
                : SigningKey.fromSeed(new KeyId(message.deviceId(), 999_999_999), Samples.seed(5));
        int size = new MessageSigner(key).sign(message).bytes().length;
        assertTrue(size <= MessageVerifier.MAX_COMPACT_BYTES, size + " bytes");
    }

    @Property(tries = 200)
    void a_signed_message_verifies_to_the_same_message(@ForAll("messages") Message message) throws Exception {
        SigningKey key = message instanceof ReceiverMessage
                ? SigningKey.fromSeed(KeyId.receiver(1), Samples.seed(9))
                : SigningKey.fromSeed(new KeyId(message.deviceId(), 3), Samples.seed(5));
        SignedMessage signed = new MessageSigner(key).sign(message);
        SignedMessage verified = new MessageVerifier(KeyResolver.of(key.verificationKey()))
                .verify(signed.compact().getBytes(StandardCharsets.US_ASCII), key.keyId().owner());
        assertEquals(message, verified.message());
        assertEquals(signed.compact(), verified.compact());
    }
}
