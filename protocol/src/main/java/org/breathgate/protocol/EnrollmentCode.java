package org.breathgate.protocol;

import java.security.SecureRandom;
import java.util.Locale;
import java.util.Objects;

/**
 * A one-time enrollment code: 16 symbols of Crockford base32 ({@code 0-9 A-Z} without
 * {@code I L O U}), written in four groups of four, {@code K7M2-Q9XD-4RTB-8HW5}. The first 15
 * symbols are random (75 bits); the 16th is a Luhn mod 32 check symbol over them, so a mistyped
 * symbol or two swapped neighbours are caught on the device before anything is sent. Reading is
 * forgiving as Crockford intends: case is ignored, {@code I} and {@code L} read as {@code 1},
 * {@code O} as {@code 0}, and hyphens and spaces are skipped. The algorithm is in
 * {@code docs/protocol.md}, "Enrollment over HTTPS".
 */
public final class EnrollmentCode {

    /** Crockford's base32 alphabet; a symbol's value is its index. */
    public static final String ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    private static final int SYMBOLS = 16;

    private final String normalised;

    private EnrollmentCode(String normalised) {
        this.normalised = normalised;
    }

    /**
     * Reads a code as typed.
     *
     * @throws IllegalArgumentException with a message for the technician if it is not 16 symbols
     *     of the alphabet or its check symbol does not match (a typing mistake)
     */
    public static EnrollmentCode parse(String typed) {
        Objects.requireNonNull(typed, "typed");
        StringBuilder symbols = new StringBuilder(SYMBOLS);
        for (char ch : typed.toUpperCase(Locale.ROOT).toCharArray()) {
            if (ch == '-' || ch == ' ') {
                continue;
            }
            char c = ch == 'I' || ch == 'L' ? '1' : ch == 'O' ? '0' : ch;
            if (ALPHABET.indexOf(c) < 0) {
                throw new IllegalArgumentException("the enrollment code has '" + ch + "', which is not used in codes"
                        + " (codes use 0-9 and A-Z without I, L, O and U)");
            }
            symbols.append(c);
        }
        if (symbols.length() != SYMBOLS) {
            throw new IllegalArgumentException("an enrollment code has 16 characters (XXXX-XXXX-XXXX-XXXX); this one has "
                    + symbols.length());
        }
        if (luhnSum(symbols, 1) % 32 != 0) {
            throw new IllegalArgumentException("the enrollment code " + group(symbols.toString())
                    + " has a typing mistake (its check character does not match); compare it with the code you were given");
        }
        return new EnrollmentCode(symbols.toString());
    }

    /** A new random code (what a receiver issues). */
    public static EnrollmentCode generate(SecureRandom random) {
        StringBuilder s = new StringBuilder(SYMBOLS);
        for (int i = 0; i < SYMBOLS - 1; i++) {
            s.append(ALPHABET.charAt(random.nextInt(32)));
        }
        s.append(checkSymbol(s));
        return new EnrollmentCode(s.toString());
    }

    /** The Luhn mod 32 check symbol for {@code data} (symbols of {@link #ALPHABET}). */
    static char checkSymbol(CharSequence data) {
        int sum = luhnSum(data, 2);
        return ALPHABET.charAt((32 - sum % 32) % 32);
    }

    /** Luhn mod N, N = 32: from the rightmost symbol, every second value doubled, digits summed in base 32. */
    private static int luhnSum(CharSequence s, int firstFactor) {
        int factor = firstFactor;
        int sum = 0;
        for (int i = s.length() - 1; i >= 0; i--) {
            int addend = factor * ALPHABET.indexOf(s.charAt(i));
            factor = factor == 2 ? 1 : 2;
            sum += addend / 32 + addend % 32;
        }
        return sum;
    }

    private static String group(String s) {
        return s.substring(0, 4) + "-" + s.substring(4, 8) + "-" + s.substring(8, 12) + "-" + s.substring(12);
    }

    /** Upper case, in groups: {@code K7M2-Q9XD-4RTB-8HW5}; what the request carries. */
    @Override
    public String toString() {
        return group(normalised);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EnrollmentCode c && c.normalised.equals(normalised);
    }

    @Override
    public int hashCode() {
        return normalised.hashCode();
    }
}
