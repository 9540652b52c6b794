package org.breathgate.care.account;

import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.text.Normalizer;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Argon2id password hashes in the PHC string format
 * ({@code $argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>}, unpadded standard Base64), the format of the
 * Argon2 reference implementation, libsodium, argon2-cffi and others, so stored hashes can move
 * between tools.
 *
 * <p>Passwords are Unicode-normalised (NFC) and encoded as UTF-8 before hashing, so the same password
 * typed on two keyboards gives the same bytes. Comparison is constant-time.
 */
public final class PasswordHasher {

    /**
     * Argon2id cost parameters.
     *
     * @param memoryKiB   memory in KiB
     * @param iterations  passes over memory
     * @param parallelism lanes
     */
    public record Cost(int memoryKiB, int iterations, int parallelism) {

        /**
         * OWASP's Password Storage Cheat Sheet minimum for Argon2id: 19 MiB, 2 iterations, 1 lane.
         * About 20-40 ms on a small server: cheap for one login, costly for a guessing attacker.
         */
        public static final Cost OWASP_MINIMUM = new Cost(19 * 1024, 2, 1);

        public Cost {
            if (parallelism < 1 || parallelism > MAX_PARALLELISM) {
                throw new IllegalArgumentException("parallelism must be 1-" + MAX_PARALLELISM + ", was " + parallelism);
            }
            if (memoryKiB < 8 * parallelism || memoryKiB > MAX_MEMORY_KIB) {
                throw new IllegalArgumentException("memory must be " + 8 * parallelism + "-" + MAX_MEMORY_KIB + " KiB, was " + memoryKiB);
            }
            if (iterations < 1 || iterations > MAX_ITERATIONS) {
                throw new IllegalArgumentException("iterations must be 1-" + MAX_ITERATIONS + ", was " + iterations);
            }
        }
    }

    /** Upper bounds on costs read from a stored hash, so a planted hash cannot make a login use a gigabyte. */
    static final int MAX_MEMORY_KIB = 256 * 1024;
    static final int MAX_ITERATIONS = 16;
    static final int MAX_PARALLELISM = 16;
    static final int SALT_BYTES = 16;
    static final int HASH_BYTES = 32;
    /** Longest password accepted: far beyond any passphrase, short enough to bound the work. */
    public static final int MAX_PASSWORD_LENGTH = 1024;

    private static final Pattern PHC = Pattern.compile(
            "\\$argon2id\\$v=19\\$m=(\\d{1,7}),t=(\\d{1,2}),p=(\\d{1,2})\\$([A-Za-z0-9+/]{11,88})\\$([A-Za-z0-9+/]{22,88})");
    private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();
    private static final Base64.Decoder B64_DECODER = Base64.getDecoder();

    private final Cost cost;
    private final SecureRandom random;

    /**
     * @param cost   the cost for new hashes (older hashes keep verifying with their own; see {@link #needsRehash})
     * @param random the source of salts
     */
    public PasswordHasher(Cost cost, SecureRandom random) {
        this.cost = Objects.requireNonNull(cost, "cost");
        this.random = Objects.requireNonNull(random, "random");
    }

    /** A new PHC string for {@code password}, with a fresh 16-byte salt. */
    public String hash(char[] password) {
        byte[] salt = new byte[SALT_BYTES];
        random.nextBytes(salt);
        byte[] out = derive(password, salt, cost, HASH_BYTES);
        return "$argon2id$v=19$m=" + cost.memoryKiB() + ",t=" + cost.iterations() + ",p=" + cost.parallelism() + "$"
                + B64.encodeToString(salt) + "$" + B64.encodeToString(out);
    }

    /**
     * Whether {@code password} matches {@code phc}.
     *
     * @throws IllegalArgumentException if {@code phc} is not an Argon2id v19 PHC string within the cost bounds
     */
    public boolean verify(char[] password, String phc) {
        Parsed parsed = parse(phc);
        byte[] actual = derive(password, parsed.salt, parsed.cost, parsed.hash.length);
        return MessageDigest.isEqual(actual, parsed.hash);
    }

    /** Whether {@code phc} was made with other costs than this hasher's, so it should be replaced at the next login. */
    public boolean needsRehash(String phc) {
        Parsed parsed = parse(phc);
        return !parsed.cost.equals(cost) || parsed.salt.length < SALT_BYTES || parsed.hash.length < HASH_BYTES;
    }

    /**
     * Does the work of one verification and forgets it: call it when the account does not exist, so a
     * login for an unknown name takes as long as one for a known name.
     */
    public void equaliseTimingForUnknownAccount(char[] password) {
        derive(password, new byte[SALT_BYTES], cost, HASH_BYTES);
    }

    static byte[] derive(char[] password, byte[] salt, Cost cost, int length) {
        Objects.requireNonNull(password, "password");
        if (password.length == 0 || password.length > MAX_PASSWORD_LENGTH) {
            throw new IllegalArgumentException("password must be 1-" + MAX_PASSWORD_LENGTH + " characters");
        }
        byte[] bytes = utf8(Normalizer.normalize(CharBuffer.wrap(password), Normalizer.Form.NFC));
        try {
            Argon2BytesGenerator generator = new Argon2BytesGenerator();
            generator.init(new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                    .withVersion(Argon2Parameters.ARGON2_VERSION_13)
                    .withMemoryAsKB(cost.memoryKiB())
                    .withIterations(cost.iterations())
                    .withParallelism(cost.parallelism())
                    .withSalt(salt)
                    .build());
            byte[] out = new byte[length];
            generator.generateBytes(bytes, out);
            return out;
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
    }

    private static byte[] utf8(String s) {
        ByteBuffer buffer = StandardCharsets.UTF_8.encode(s);
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return bytes;
    }

    private static Parsed parse(String phc) {
        Objects.requireNonNull(phc, "phc");
        Matcher m = PHC.matcher(phc);
        if (!m.matches()) {
            throw new IllegalArgumentException("not an Argon2id (v=19) PHC string: expected $argon2id$v=19$m=..,t=..,p=..$salt$hash");
        }
        Cost cost = new Cost(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)));
        byte[] salt;
        byte[] hash;
        try {
            salt = B64_DECODER.decode(m.group(4));
            hash = B64_DECODER.decode(m.group(5));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("PHC string has bad Base64 in its salt or hash", e);
        }
        if (salt.length < 8 || hash.length < 16) {
            throw new IllegalArgumentException("PHC salt must be at least 8 bytes and hash at least 16, were " + salt.length
                    + " and " + hash.length);
        }
        return new Parsed(cost, salt, hash);
    }

    private record Parsed(Cost cost, byte[] salt, byte[] hash) {
    }
}
