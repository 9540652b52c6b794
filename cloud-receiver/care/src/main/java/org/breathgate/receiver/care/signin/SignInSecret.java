package org.breathgate.receiver.care.signin;

import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;

/**
 * The receiver's sign-in secret (32 random bytes, {@code signin.secret-file}, shared by every instance of a deployment) and
 * what is made from it, each with a key of its own (HMAC-SHA256 of a purpose label):
 * <ul>
 *   <li>{@link #identityCodeHash}: a keyed hash of a personal identity code, so the receiver can recognise a parent's strong
 *       identification again without keeping the code (a plain hash of an identity code is reversible by trying the few
 *       hundred million valid codes; a keyed one is not without the secret);</li>
 *   <li>{@link #seal}/{@link #open}: AES-256-GCM for TOTP secrets at rest, so a copy of the database alone does not hand out
 *       second factors.</li>
 * </ul>
 */
public final class SignInSecret {

    /** Bytes of a secret. */
    public static final int BYTES = 32;
    private static final String SEALED_PREFIX = "v1:";

    private final byte[] identityKey;
    private final byte[] sealKey;
    private final SecureRandom random;

    public SignInSecret(byte[] secret, SecureRandom random) {
        Objects.requireNonNull(secret, "secret");
        if (secret.length < BYTES) {
            throw new IllegalArgumentException("the sign-in secret must be at least " + BYTES + " bytes, was " + secret.length);
        }
        this.identityKey = hmac(secret, "breathgate identity code v1".getBytes(StandardCharsets.US_ASCII));
        this.sealKey = hmac(secret, "breathgate totp seal v1".getBytes(StandardCharsets.US_ASCII));
        this.random = Objects.requireNonNull(random, "random");
    }

    /** A fresh random secret (tests; the app reads or makes the secret file). */
    public static SignInSecret random(SecureRandom random) {
        byte[] b = new byte[BYTES];
        random.nextBytes(b);
        return new SignInSecret(b, random);
    }

    /**
     * The keyed hash kept for a personal identity code (Finnish henkilötunnus, or another provider's national id): the code
     * is upper-cased and stripped of spaces first, so the same person always gives the same hash.
     */
    public String identityCodeHash(String identityCode) {
        String normal = identityCode.strip().replace(" ", "").toUpperCase(Locale.ROOT);
        if (normal.isEmpty()) {
            throw new IllegalArgumentException("an empty identity code");
        }
        return HexFormat.of().formatHex(hmac(identityKey, normal.getBytes(StandardCharsets.UTF_8)));
    }

    /** {@code plain} encrypted and authenticated (AES-256-GCM, a fresh 96-bit nonce), as text. */
    public String seal(byte[] plain) {
        byte[] iv = new byte[12];
        random.nextBytes(iv);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(sealKey, "AES"), new GCMParameterSpec(128, iv));
            byte[] ct = cipher.doFinal(plain);
            byte[] out = Arrays.copyOf(iv, iv.length + ct.length);
            System.arraycopy(ct, 0, out, iv.length, ct.length);
            return SEALED_PREFIX + Base64.getEncoder().encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is missing from this JVM", e);
        }
    }

    /**
     * What {@link #seal} sealed.
     *
     * @throws IllegalArgumentException if {@code sealed} was changed, or sealed under another secret (say, a receiver given
     *                                  another {@code signin.secret-file} than its peers)
     */
    public byte[] open(String sealed) {
        if (sealed == null || !sealed.startsWith(SEALED_PREFIX)) {
            throw new IllegalArgumentException("not a sealed value");
        }
        byte[] all = Base64.getDecoder().decode(sealed.substring(SEALED_PREFIX.length()));
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, new SecretKeySpec(sealKey, "AES"), new GCMParameterSpec(128, all, 0, 12));
            return cipher.doFinal(all, 12, all.length - 12);
        } catch (javax.crypto.AEADBadTagException e) {
            throw new IllegalArgumentException("a sealed value does not open with this receiver's sign-in secret (is "
                    + "signin.secret-file the same on every instance?)", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM failed: " + e.getMessage(), e);
        }
    }

    /** SHA-256 of {@code s} in hex: how one-time codes, states and session ids are kept. */
    public static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    private static byte[] hmac(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JVM", e);
        }
    }
}
