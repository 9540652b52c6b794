package org.breathgate.care.account;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * Time-based one-time passwords (RFC 6238, TOTP) as authenticator apps make them: HMAC-SHA1 over the 30-second step count,
 * dynamically truncated (RFC 4226), {@link #DIGITS} digits. Tested with the RFC's own test vectors.
 *
 * <p>{@link #verify} accepts the current step and one step either side (a phone's clock a little off, a code typed as it
 * turns over) and never a step at or before the last one used, so an overheard code cannot be used again.
 */
public final class Totp {

    /** Digits of a code: what every authenticator app shows by default. */
    public static final int DIGITS = 6;
    /** The length of a step: RFC 6238's default, which every authenticator app uses. */
    public static final Duration STEP = Duration.ofSeconds(30);
    /** Steps accepted either side of the current one. */
    public static final int SKEW_STEPS = 1;
    /** Bytes of a new secret: 160 bits, RFC 4226's recommendation for HMAC-SHA1. */
    public static final int SECRET_BYTES = 20;

    private final String algorithm;
    private final int digits;

    /** HMAC-SHA1, 6 digits: what authenticator apps use. */
    public Totp() {
        this("HmacSHA1", DIGITS);
    }

    /**
     * @param algorithm {@code HmacSHA1}, {@code HmacSHA256} or {@code HmacSHA512} (RFC 6238's test vectors use all three)
     * @param digits    6 to 8
     */
    public Totp(String algorithm, int digits) {
        this.algorithm = Objects.requireNonNull(algorithm, "algorithm");
        if (digits < 6 || digits > 8) {
            throw new IllegalArgumentException("digits must be 6-8, was " + digits);
        }
        this.digits = digits;
    }

    /** The step a time falls in: whole {@link #STEP}s since the epoch. */
    public static long stepOf(Instant time) {
        return Math.floorDiv(time.getEpochSecond(), STEP.getSeconds());
    }

    /** The code of {@code step} for {@code secret}, zero-padded to the digits. */
    public String code(byte[] secret, long step) {
        Objects.requireNonNull(secret, "secret");
        byte[] counter = new byte[8];
        for (int i = 7; i >= 0; i--) {
            counter[i] = (byte) (step & 0xff);
            step >>= 8;
        }
        byte[] h;
        try {
            Mac mac = Mac.getInstance(algorithm);
            mac.init(new SecretKeySpec(secret, "RAW"));
            h = mac.doFinal(counter);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(algorithm + " is missing from this JVM", e);
        }
        int offset = h[h.length - 1] & 0x0f;
        int binary = ((h[offset] & 0x7f) << 24) | ((h[offset + 1] & 0xff) << 16) | ((h[offset + 2] & 0xff) << 8) | (h[offset + 3] & 0xff);
        int mod = 1;
        for (int i = 0; i < digits; i++) {
            mod *= 10;
        }
        String s = Integer.toString(binary % mod);
        return "0".repeat(digits - s.length()) + s;
    }

    /**
     * The step {@code typed} matches at {@code now} (within {@link #SKEW_STEPS}), if any, later than {@code lastUsedStep}.
     * Spaces in the typed code are ignored; the comparison is constant-time.
     *
     * @param lastUsedStep the step of the last code accepted for this secret, or {@code Long.MIN_VALUE} for none
     */
    public OptionalLong verify(byte[] secret, String typed, Instant now, long lastUsedStep) {
        if (typed == null) {
            return OptionalLong.empty();
        }
        String code = typed.replace(" ", "");
        if (code.length() != digits || !code.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return OptionalLong.empty();
        }
        long current = stepOf(now);
        OptionalLong found = OptionalLong.empty();
        for (long step = current - SKEW_STEPS; step <= current + SKEW_STEPS; step++) {
            boolean same = MessageDigest.isEqual(code(secret, step).getBytes(java.nio.charset.StandardCharsets.US_ASCII),
                    code.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            if (same && step > lastUsedStep && found.isEmpty()) {
                found = OptionalLong.of(step);
            }
        }
        return found;
    }
}
