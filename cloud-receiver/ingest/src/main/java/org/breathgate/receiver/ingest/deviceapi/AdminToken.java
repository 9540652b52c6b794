package org.breathgate.receiver.ingest.deviceapi;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bearer token that authorises the admin API until the receiver has user accounts (issues
 * 8/9 replace it): 256 random bits, made on first start into {@code admin-token} in the data
 * folder (0600) and logged once then. Compared in constant time.
 */
public final class AdminToken {

    /** File name in the data folder. */
    public static final String FILE = "admin-token";

    private static final Logger LOG = LoggerFactory.getLogger(AdminToken.class);

    private final byte[] token;

    private AdminToken(String token) {
        this.token = token.getBytes(StandardCharsets.US_ASCII);
    }

    /** The token in {@code dataDir}, made (and logged once) if absent. */
    public static AdminToken loadOrCreate(Path dataDir) {
        Path file = dataDir.resolve(FILE);
        try {
            if (Files.exists(file)) {
                String t = Files.readString(file, StandardCharsets.US_ASCII).strip();
                if (t.length() < 32) {
                    throw new IllegalArgumentException(file + " holds no usable token (at least 32 characters); delete it to make a new one");
                }
                return new AdminToken(t);
            }
            byte[] raw = new byte[32];
            new SecureRandom().nextBytes(raw);
            String t = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
            Files.createDirectories(dataDir);
            Path tmp = Files.createTempFile(dataDir, FILE, ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(tmp, t + "\n", StandardCharsets.US_ASCII);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
            LOG.warn("created the admin API token (shown only now; also in {} , mode 0600): {}", file, t);
            return new AdminToken(t);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or write the admin token " + file, e);
        }
    }

    /** For tests and deployments that manage the token themselves. */
    public static AdminToken of(String token) {
        if (token.length() < 32) {
            throw new IllegalArgumentException("an admin token has at least 32 characters");
        }
        return new AdminToken(token);
    }

    /** Whether an {@code Authorization} header value is {@code Bearer <this token>}; constant time in the token. */
    public boolean matches(Optional<String> authorization) {
        String presented = authorization.filter(a -> a.regionMatches(true, 0, "Bearer ", 0, 7)).map(a -> a.substring(7).strip()).orElse("");
        return MessageDigest.isEqual(presented.getBytes(StandardCharsets.US_ASCII), token);
    }

    /** The token itself (for the technician's tooling and tests). */
    public String value() {
        return new String(token, StandardCharsets.US_ASCII);
    }
}
