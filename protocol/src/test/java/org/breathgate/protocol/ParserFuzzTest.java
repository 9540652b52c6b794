package org.breathgate.protocol;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Random and mutated bytes into the verifier and the payload decoder: only the protocol's own
 * {@link InvalidMessageException} may come out (any other exception fails the property), and a
 * mutated message is never accepted as different content.
 */
class ParserFuzzTest {

    private static final SigningKey KEY = Samples.deviceKey();
    private static final MessageVerifier VERIFIER = new MessageVerifier(KeyResolver.of(KEY.verificationKey()));
    private static final List<byte[]> SEEDS = Samples.oneOfEach().stream()
            .filter(m -> m instanceof DeviceMessage)
            .map(m -> new MessageSigner(KEY).sign(m).bytes()).toList();

    @Provide
    Arbitrary<byte[]> randomBytes() {
        return Arbitraries.bytes().array(byte[].class).ofMaxSize(2048);
    }

    @Provide
    Arbitrary<Tuple.Tuple2<Integer, List<Tuple.Tuple2<Integer, Byte>>>> mutations() {
        return Arbitraries.integers().between(0, SEEDS.size() - 1).flatMap(i ->
                Arbitraries.integers().between(0, SEEDS.get(i).length - 1)
                        .flatMap(pos -> Arbitraries.bytes().map(b -> Tuple.of(pos, b)))
                        .list().ofMinSize(1).ofMaxSize(4).map(list -> Tuple.of(i, list)));
    }

    @Provide
    Arbitrary<String> jsonish() {
        return Arbitraries.strings().withChars("{}[]\":,0123456789.-eEtrufalsn \\abcdxyz_\u00e4").ofMaxLength(300);
    }

    @Property(tries = 3000)
    void random_bytes_give_only_typed_rejections(@ForAll("randomBytes") byte[] bytes) {
        try {
            VERIFIER.verify(bytes, Samples.DEVICE);
        } catch (InvalidMessageException expected) {
            // the only acceptable failure
        }
    }

    @Property(tries = 3000)
    void mutated_signed_messages_are_rejected_or_unchanged(
            @ForAll("mutations") Tuple.Tuple2<Integer, List<Tuple.Tuple2<Integer, Byte>>> mutation) throws Exception {
        byte[] original = SEEDS.get(mutation.get1());
        byte[] bytes = original.clone();
        for (Tuple.Tuple2<Integer, Byte> change : mutation.get2()) {
            bytes[change.get1()] = change.get2();
        }
        SignedMessage reference = VERIFIER.verify(original, Samples.DEVICE);
        try {
            SignedMessage accepted = VERIFIER.verify(bytes, Samples.DEVICE);
            // Only a change that leaves the bytes as they were may pass.
            assertEquals(new String(original, StandardCharsets.US_ASCII), accepted.compact());
            assertEquals(reference.message(), accepted.message());
        } catch (InvalidMessageException expected) {
            // rejected with a typed reason
        }
    }

    @Property(tries = 3000)
    void random_json_text_gives_only_typed_rejections(@ForAll("jsonish") String text) {
        try {
            MessageJson.decode(text.getBytes(StandardCharsets.UTF_8));
        } catch (InvalidMessageException expected) {
            // the only acceptable failure
        }
    }

    @Property(tries = 2000)
    void mutated_payload_json_gives_only_typed_rejections(@ForAll("mutations") Tuple.Tuple2<Integer, List<Tuple.Tuple2<Integer, Byte>>> mutation) {
        byte[] json = MessageJson.encode(Samples.oneOfEach().get(mutation.get1()));
        for (Tuple.Tuple2<Integer, Byte> change : mutation.get2()) {
            json[change.get1() % json.length] = change.get2();
        }
        try {
            MessageJson.decode(json);
        } catch (InvalidMessageException expected) {
            // the only acceptable failure
        }
    }
}
