package org.breathgate.care.account;

import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;
import org.junit.jupiter.api.Test;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PasswordHasherTest {

    /** Small costs keep the round-trip tests fast; the vectors below use their own. */
    private final PasswordHasher fast = new PasswordHasher(new PasswordHasher.Cost(64, 1, 1), new SecureRandom());

    @Test
    void bouncy_castle_argon2id_gives_the_rfc_9106_test_vector() {
        // RFC 9106 section 5.3: Argon2id v=19, m=32 KiB, t=3, p=4, password 32×0x01, salt 16×0x02,
        // secret 8×0x03, associated data 12×0x04, 32-byte tag.
        byte[] tag = new byte[32];
        Argon2BytesGenerator generator = new Argon2BytesGenerator();
        generator.init(new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                .withVersion(Argon2Parameters.ARGON2_VERSION_13)
                .withMemoryAsKB(32).withIterations(3).withParallelism(4)
                .withSalt(filled(16, 0x02)).withSecret(filled(8, 0x03)).withAdditional(filled(12, 0x04))
                .build());
        generator.generateBytes(filled(32, 0x01), tag);
        assertArrayEquals(HexFormat.of().parseHex("0d640df58d78766c08c037a34a8b53c9d01ef0452d75b65eb52520e96b01e659"), tag);
    }

    @Test
    void a_phc_string_from_the_argon2_reference_implementation_verifies() {
        // From the reference implementation's tests (phc-winner-argon2 src/test.c): "password", salt "somesalt".
        String reference = "$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc";
        assertTrue(fast.verify("password".toCharArray(), reference));
        assertFalse(fast.verify("Password".toCharArray(), reference));
    }

    @Test
    void a_new_hash_uses_the_owasp_parameters_in_phc_format() {
        PasswordHasher owasp = new PasswordHasher(PasswordHasher.Cost.OWASP_MINIMUM, new SecureRandom());
        String phc = owasp.hash("correct horse battery staple".toCharArray());
        assertTrue(phc.matches("\\$argon2id\\$v=19\\$m=19456,t=2,p=1\\$[A-Za-z0-9+/]{22}\\$[A-Za-z0-9+/]{43}"), phc);
        assertTrue(owasp.verify("correct horse battery staple".toCharArray(), phc));
    }

    @Test
    void a_wrong_password_does_not_verify() {
        String phc = fast.hash("kissa123".toCharArray());
        assertFalse(fast.verify("kissa124".toCharArray(), phc));
    }

    @Test
    void the_same_password_hashes_differently_each_time() {
        assertNotEquals(fast.hash("kissa123".toCharArray()), fast.hash("kissa123".toCharArray()));
    }

    @Test
    void composed_and_decomposed_accents_are_the_same_password() {
        String phc = fast.hash("Sodankyl\u00e4".toCharArray());
        assertTrue(fast.verify("Sodankyla\u0308".toCharArray(), phc));
    }

    @Test
    void a_hash_with_other_costs_needs_rehashing() {
        String phc = fast.hash("kissa123".toCharArray());
        assertFalse(fast.needsRehash(phc));
        assertTrue(new PasswordHasher(PasswordHasher.Cost.OWASP_MINIMUM, new SecureRandom()).needsRehash(phc));
    }

    @Test
    void a_stored_hash_demanding_too_much_memory_is_refused() {
        String greedy = "$argon2id$v=19$m=4194304,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc";
        assertThrows(IllegalArgumentException.class, () -> fast.verify("password".toCharArray(), greedy));
    }

    @Test
    void a_malformed_or_other_algorithm_hash_is_refused() {
        assertThrows(IllegalArgumentException.class, () -> fast.verify("x".toCharArray(), "$2y$10$abcdefghijklmnopqrstuv"));
        assertThrows(IllegalArgumentException.class, () -> fast.verify("x".toCharArray(),
                "$argon2i$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc"));
    }

    @Test
    void an_empty_password_is_refused() {
        assertThrows(IllegalArgumentException.class, () -> fast.hash(new char[0]));
    }

    private static byte[] filled(int n, int value) {
        byte[] b = new byte[n];
        Arrays.fill(b, (byte) value);
        return b;
    }
}
