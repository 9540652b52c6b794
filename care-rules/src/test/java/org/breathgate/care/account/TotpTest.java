package org.breathgate.care.account;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.OptionalLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** RFC 6238, Appendix B: the test vectors (8 digits, T0 = 0, X = 30 s), and the window of one step either side. */
class TotpTest {

    private static final byte[] SHA1_SEED = "12345678901234567890".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SHA256_SEED = "12345678901234567890123456789012".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SHA512_SEED = "1234567890123456789012345678901234567890123456789012345678901234"
            .getBytes(StandardCharsets.US_ASCII);

    private static final long[] TIMES = {59L, 1111111109L, 1111111111L, 1234567890L, 2000000000L, 20000000000L};
    private static final String[] SHA1 = {"94287082", "07081804", "14050471", "89005924", "69279037", "65353130"};
    private static final String[] SHA256 = {"46119246", "68084774", "67062674", "91819424", "90698825", "77737706"};
    private static final String[] SHA512 = {"90693936", "25091201", "99943326", "93441116", "38618901", "47863826"};

    @Test
    void the_rfc_6238_test_vectors_for_sha1_sha256_and_sha512() {
        Totp sha1 = new Totp("HmacSHA1", 8);
        Totp sha256 = new Totp("HmacSHA256", 8);
        Totp sha512 = new Totp("HmacSHA512", 8);
        for (int i = 0; i < TIMES.length; i++) {
            long step = Totp.stepOf(Instant.ofEpochSecond(TIMES[i]));
            assertEquals(SHA1[i], sha1.code(SHA1_SEED, step), "SHA1 at " + TIMES[i]);
            assertEquals(SHA256[i], sha256.code(SHA256_SEED, step), "SHA256 at " + TIMES[i]);
            assertEquals(SHA512[i], sha512.code(SHA512_SEED, step), "SHA512 at " + TIMES[i]);
        }
    }

    @Test
    void the_rfc_steps_are_the_ones_the_rfc_lists() {
        assertEquals(0x23523ECL, Totp.stepOf(Instant.ofEpochSecond(1111111109L)));
        assertEquals(0x27BC86AAL, Totp.stepOf(Instant.ofEpochSecond(20000000000L)));
    }

    @Test
    void six_digit_codes_are_the_last_six_digits_of_the_rfc_values() {
        Totp totp = new Totp();
        long step = Totp.stepOf(Instant.ofEpochSecond(1234567890L));
        assertEquals("005924", totp.code(SHA1_SEED, step));
    }

    @Test
    void a_code_one_step_early_or_late_is_accepted_and_two_steps_off_is_not() {
        Totp totp = new Totp();
        Instant now = Instant.ofEpochSecond(1234567890L);
        long step = Totp.stepOf(now);
        assertEquals(OptionalLong.of(step), totp.verify(SHA1_SEED, totp.code(SHA1_SEED, step), now, Long.MIN_VALUE));
        assertEquals(OptionalLong.of(step - 1), totp.verify(SHA1_SEED, totp.code(SHA1_SEED, step - 1), now, Long.MIN_VALUE));
        assertEquals(OptionalLong.of(step + 1), totp.verify(SHA1_SEED, totp.code(SHA1_SEED, step + 1), now, Long.MIN_VALUE));
        assertFalse(totp.verify(SHA1_SEED, totp.code(SHA1_SEED, step - 2), now, Long.MIN_VALUE).isPresent());
        assertFalse(totp.verify(SHA1_SEED, totp.code(SHA1_SEED, step + 2), now, Long.MIN_VALUE).isPresent());
    }

    @Test
    void a_code_already_used_or_older_than_the_last_used_is_refused() {
        Totp totp = new Totp();
        Instant now = Instant.ofEpochSecond(1234567890L);
        long step = Totp.stepOf(now);
        String code = totp.code(SHA1_SEED, step);
        assertFalse(totp.verify(SHA1_SEED, code, now, step).isPresent(), "replayed");
        assertFalse(totp.verify(SHA1_SEED, totp.code(SHA1_SEED, step - 1), now, step).isPresent(), "older than the last used");
        assertTrue(totp.verify(SHA1_SEED, totp.code(SHA1_SEED, step + 1), now, step).isPresent(), "the next step is fine");
    }

    @Test
    void spaces_are_ignored_and_malformed_codes_are_refused() {
        Totp totp = new Totp();
        Instant now = Instant.ofEpochSecond(1234567890L);
        String code = totp.code(SHA1_SEED, Totp.stepOf(now));
        assertTrue(totp.verify(SHA1_SEED, code.substring(0, 3) + " " + code.substring(3), now, Long.MIN_VALUE).isPresent());
        assertFalse(totp.verify(SHA1_SEED, "12345", now, Long.MIN_VALUE).isPresent());
        assertFalse(totp.verify(SHA1_SEED, "abcdef", now, Long.MIN_VALUE).isPresent());
        assertFalse(totp.verify(SHA1_SEED, null, now, Long.MIN_VALUE).isPresent());
    }
}
