package org.breathgate.receiver.ingest.deviceapi;

import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * Password hashes in Mosquitto 2's password-file format ({@code $7$<iterations>$<salt>$<hash>},
 * PBKDF2-HMAC-SHA512, base64), so that device logins the receiver makes can be exported to a
 * {@code mosquitto_passwd} file. The receiver keeps only the hash; the device gets the password once.
 */
final class MosquittoPasswords {

    /** Mosquitto's default iteration count for {@code $7$}. */
    public static final int ITERATIONS = 101;

    private MosquittoPasswords() {
    }

    /** A new random password of 192 bits, base64url. */
    public static String newPassword(SecureRandom random) {
        byte[] raw = new byte[24];
        random.nextBytes(raw);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
    }

    /** The {@code $7$} hash of {@code password} with a new 12-byte salt. */
    public static String hash(String password, SecureRandom random) {
        byte[] salt = new byte[12];
        random.nextBytes(salt);
        return hash(password, salt, ITERATIONS);
    }

    static String hash(String password, byte[] salt, int iterations) {
        try {
            byte[] dk = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA512")
                    .generateSecret(new PBEKeySpec(password.toCharArray(), salt, iterations, 512)).getEncoded();
            Base64.Encoder b64 = Base64.getEncoder();
            return "$7$" + iterations + "$" + b64.encodeToString(salt) + "$" + b64.encodeToString(dk);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2WithHmacSHA512 is not available", e);
        }
    }
}
