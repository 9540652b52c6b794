package org.breathgate.receiver.ingest.deviceapi;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BooleanSupplier;

import org.breathgate.receiver.evidence.db.Database;
import org.breathgate.receiver.evidence.db.StoreException;

/**
 * The bearer token of the device listener's code endpoint, for the time before the receiver has an administrator
 * account (docs/receiver.md, "The admin token"): 256 random bits, shown once to whoever makes it ({@link #issue}, from
 * {@code breathgate-receiver admin-token} or a first start on a terminal) and never logged; the receiver keeps only its
 * SHA-256, in the database, so every receiver on one database accepts the same token. It is <em>retired</em> once an
 * administrator account exists: from then on administrators and technicians make codes signed in, with their own names
 * in the audit log. Compared in constant time.
 */
public final class AdminToken {

    /** Where an earlier version kept the token itself, in the data folder; imported as its hash and deleted. */
    public static final String LEGACY_FILE = "admin-token";

    /** What the token is now. */
    public enum State {
        /** None made yet (and no administrator). */
        NONE,
        /** Made, and no administrator yet: it authorises the code endpoint. */
        ACTIVE,
        /** An administrator account exists: the token authorises nothing. */
        RETIRED
    }

    /** Where the hash lives: the database, or (tests) memory. */
    private interface HashStore {
        Optional<String> load();

        void save(String sha256, Instant at);
    }

    private final HashStore store;
    private final BooleanSupplier administratorExists;
    private final SecureRandom random = new SecureRandom();

    private AdminToken(HashStore store, BooleanSupplier administratorExists) {
        this.store = store;
        this.administratorExists = administratorExists;
    }

    /**
     * The token as {@code database} keeps it.
     *
     * @param administratorExists whether an administrator account exists (the care room's users; wired in app)
     */
    public static AdminToken in(Database database, BooleanSupplier administratorExists) {
        Objects.requireNonNull(database, "database");
        return new AdminToken(new HashStore() {
            @Override
            public Optional<String> load() {
                try {
                    return database.read(c -> {
                        try (PreparedStatement q = c.prepareStatement("select sha256 from ops_admin_token where id = 1");
                             ResultSet rs = q.executeQuery()) {
                            return rs.next() ? Optional.of(rs.getString(1)) : Optional.<String>empty();
                        }
                    });
                } catch (SQLException e) {
                    throw new StoreException("cannot read the admin token's hash: " + e.getMessage(), e);
                }
            }

            @Override
            public void save(String sha256, Instant at) {
                try {
                    database.inTransaction(c -> {
                        try (PreparedStatement d = c.prepareStatement("delete from ops_admin_token where id = 1");
                             PreparedStatement i = c.prepareStatement("insert into ops_admin_token (id, sha256, created_at_ms) values (1, ?, ?)")) {
                            d.executeUpdate();
                            i.setString(1, sha256);
                            i.setLong(2, at.toEpochMilli());
                            return i.executeUpdate();
                        }
                    });
                } catch (SQLException e) {
                    throw new StoreException("cannot store the admin token's hash: " + e.getMessage(), e);
                }
            }
        }, Objects.requireNonNull(administratorExists, "administratorExists"));
    }

    /** For tests and deployments that manage the token themselves: this token, held in memory (as its hash), never retired. */
    public static AdminToken of(String token) {
        if (token.length() < 32) {
            throw new IllegalArgumentException("an admin token has at least 32 characters");
        }
        String hash = sha256(token);
        return new AdminToken(new HashStore() {
            @Override
            public Optional<String> load() {
                return Optional.of(hash);
            }

            @Override
            public void save(String sha256, Instant at) {
                throw new UnsupportedOperationException("a fixed token");
            }
        }, () -> false);
    }

    /** Whether there is a token, and whether it still counts. */
    public State state() {
        if (administratorExists.getAsBoolean()) {
            return State.RETIRED;
        }
        return store.load().isPresent() ? State.ACTIVE : State.NONE;
    }

    /**
     * Makes a new token (any earlier one stops working) and returns it: the caller shows it once, to the person who asked,
     * and keeps it nowhere.
     *
     * @throws IllegalStateException if an administrator account exists (the token is retired)
     */
    public String issue(Instant now) {
        if (administratorExists.getAsBoolean()) {
            throw new IllegalStateException("an administrator account exists, so the admin token is retired: sign in as an"
                    + " administrator or technician to make enrollment codes");
        }
        byte[] raw = new byte[32];
        random.nextBytes(raw);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        store.save(sha256(token), now);
        return token;
    }

    /**
     * Moves the plaintext token file an earlier version left in {@code dataDir} into the database as its hash and deletes
     * the file, so the token still works and is no longer stored; nothing if there is no such file.
     *
     * @return whether a file was imported
     */
    public boolean importLegacyFile(Path dataDir, Instant now) {
        Path file = dataDir.resolve(LEGACY_FILE);
        if (!Files.exists(file)) {
            return false;
        }
        try {
            String token = Files.readString(file, StandardCharsets.US_ASCII).strip();
            if (token.length() >= 32 && store.load().isEmpty() && !administratorExists.getAsBoolean()) {
                store.save(sha256(token), now);
            }
            Files.delete(file);
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot import the earlier admin token file " + file, e);
        }
    }

    /**
     * Whether an {@code Authorization} header value is {@code Bearer <the token>} and the token is {@link State#ACTIVE};
     * constant time in the hash.
     */
    public boolean matches(Optional<String> authorization) {
        if (administratorExists.getAsBoolean()) {
            return false;
        }
        Optional<String> stored = store.load();
        String presented = authorization.filter(a -> a.regionMatches(true, 0, "Bearer ", 0, 7)).map(a -> a.substring(7).strip()).orElse("");
        return stored.isPresent() && !presented.isEmpty()
                && MessageDigest.isEqual(sha256(presented).getBytes(StandardCharsets.US_ASCII), stored.get().getBytes(StandardCharsets.US_ASCII));
    }

    private static String sha256(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM has no SHA-256", e);
        }
    }
}
