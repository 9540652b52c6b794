package org.breathgate.receiver.evidence.device;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * Password hashes in Mosquitto 2's password-file format ({@code $7$<iterations>$<salt>$<hash>},
 * PBKDF2-HMAC-SHA512, base64), the format of a {@code mosquitto_passwd} file and of Mosquitto's dynamic
 * security plugin. The receiver keeps only the hash; the device gets the password once.
 *
 * <p>Mosquitto's default 101 iterations are few for a person's password, but a broker password here is
 * 192 random bits: nobody guesses it however cheap each guess is, and the embedded broker checks it on
 * every connect of every device.
 */
final class MosquittoPasswords {

    /** Mosquitto's default iteration count for {@code $7$}. */
    static final int ITERATIONS = 101;

    private MosquittoPasswords() {
    }

    /** A new random password of 192 bits, base64url (32 characters). */
    static String newPassword(SecureRandom random) {
        byte[] raw = new byte[24];
        random.nextBytes(raw);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
    }

    /** The {@code $7$} hash of {@code password} with a new 12-byte salt. */
    static String hash(String password, SecureRandom random) {
        byte[] salt = new byte[12];
        random.nextBytes(salt);
        return hash(password, salt, ITERATIONS);
    }

    static String hash(String password, byte[] salt, int iterations) {
        return "$7$" + iterations + "$" + Base64.getEncoder().encodeToString(salt) + "$"
                + Base64.getEncoder().encodeToString(derive(password, salt, iterations));
    }

    /** Whether {@code password} has the {@code $7$} hash {@code stored}; false for anything malformed. Constant time in the hash. */
    static boolean matches(String password, String stored) {
        if (password == null || stored == null) {
            return false;
        }
        String[] parts = stored.split("\\$");
        // "", "7", iterations, salt, hash
        if (parts.length != 5 || !parts[0].isEmpty() || !parts[1].equals("7")) {
            return false;
        }
        try {
            int iterations = Integer.parseInt(parts[2]);
            if (iterations < 1 || iterations > 1_000_000) {
                return false;
            }
            byte[] salt = Base64.getDecoder().decode(parts[3]);
            byte[] expected = Base64.getDecoder().decode(parts[4]);
            return MessageDigest.isEqual(expected, derive(password, salt, iterations));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static byte[] derive(String password, byte[] salt, int iterations) {
        try {
            // The JDK's PBKDF2 hashes the chars' UTF-8 bytes, as Mosquitto hashes a UTF-8 password's bytes.
            char[] chars = password.toCharArray();
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA512")
                    .generateSecret(new PBEKeySpec(chars, salt, iterations, 512)).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2WithHmacSHA512 is not available", e);
        }
    }
}
