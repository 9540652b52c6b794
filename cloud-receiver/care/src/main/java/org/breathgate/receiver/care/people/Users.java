package org.breathgate.receiver.care.people;

import org.breathgate.care.access.Actor;
import org.breathgate.care.access.Role;
import org.breathgate.care.account.PasswordHasher;
import org.breathgate.receiver.evidence.db.Database;
import org.breathgate.receiver.evidence.db.Sql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * User accounts in table {@code care_users}: role, organisation (workers) or client (parents), an Argon2id password hash
 * from the care core's {@link PasswordHasher} (or {@link UserAccount#NO_PASSWORD}), a sealed TOTP secret, the name a parent
 * may be shown, and where and in which language alerts are e-mailed to them. Checking sign-ins is the care room's
 * {@code signin}; this keeps the state.
 *
 * <p>Hashing is bounded: at most {@code hashesAtOnce} Argon2id computations run at once (each takes about 19 MiB at the
 * OWASP cost); a caller waits up to {@code wait} for a slot and then gets {@link PasswordHashingBusy}.
 */
public final class Users {

    /**
     * Four hashes at once: about 76 MiB at the OWASP cost, and on a two-core machine more at once only queue for the CPU.
     */
    public static final int DEFAULT_HASHES_AT_ONCE = 4;
    /** How long a sign-in waits for a hashing slot before it is told to try again. */
    public static final Duration DEFAULT_HASH_WAIT = Duration.ofSeconds(10);

    private static final String COLUMNS = "u.id, u.role, u.organisation_id, u.client_id, u.password_hash, t.wait_until_ms, u.email, "
            + "u.language, u.display_name, u.totp_secret";
    private static final String FROM = " from care_users u left join care_login_throttle t on t.throttle_key = 'account:' || u.id";

    private final Database database;
    private final PasswordHasher hasher;
    private final Semaphore hashing;
    private final int permits;
    private final Duration wait;

    public Users(Database database, PasswordHasher hasher) {
        this(database, hasher, DEFAULT_HASHES_AT_ONCE, DEFAULT_HASH_WAIT);
    }

    public Users(Database database, PasswordHasher hasher, int hashesAtOnce, Duration wait) {
        this.database = Objects.requireNonNull(database, "database");
        this.hasher = Objects.requireNonNull(hasher, "hasher");
        if (hashesAtOnce < 1) {
            throw new IllegalArgumentException("hashesAtOnce must be 1 or more, was " + hashesAtOnce);
        }
        this.permits = hashesAtOnce;
        this.hashing = new Semaphore(hashesAtOnce, true);
        this.wait = Objects.requireNonNull(wait, "wait");
    }

    /** Runs one Argon2id computation within the bound. */
    private <T> T hashing(java.util.function.Supplier<T> work) {
        boolean got;
        try {
            got = hashing.tryAcquire(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PasswordHashingBusy(permits);
        }
        if (!got) {
            throw new PasswordHashingBusy(permits);
        }
        try {
            return work.get();
        } finally {
            hashing.release();
        }
    }

    /** Hashing computations running now (tests). */
    public int hashesRunning() {
        return permits - hashing.availablePermits();
    }

    /** Creates an account for {@code actor} with {@code password} (hashed here; the array is not kept). */
    public void add(Actor actor, char[] password, Instant now) {
        add(actor, password, null, UserAccount.DEFAULT_LANGUAGE, now);
    }

    /**
     * Creates an account for {@code actor} with {@code password} (hashed here; the array is not kept; {@code null}: no
     * password, as for an invited person or one who signs in through an identity provider), the address alerts are
     * e-mailed to ({@code null}: none) and the user's language ({@code fi}, {@code sv} or {@code en}).
     */
    public void add(Actor actor, char[] password, String email, String language, Instant now) {
        UserAccount.checkEmail(email);
        String lang = UserAccount.checkLanguage(language);
        String hash = password == null ? UserAccount.NO_PASSWORD : hashing(() -> hasher.hash(password));
        Sql.write(database, "adding user " + actor.userId(), c -> {
            insert(c, actor, hash, email, lang, now);
            return null;
        });
    }

    /** Inserts an account without a password on {@code c} (in the caller's transaction). */
    public static void insertWithoutPassword(Connection c, Actor actor, String language, Instant now) throws SQLException {
        insert(c, actor, UserAccount.NO_PASSWORD, null, UserAccount.checkLanguage(language), now);
    }

    private static void insert(Connection c, Actor actor, String hash, String email, String lang, Instant now) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("insert into care_users (id, role, organisation_id, client_id, "
                + "password_hash, created_at_ms, email, language) values (?, ?, ?, ?, ?, ?, ?, ?)")) {
            s.setString(1, actor.userId());
            s.setString(2, actor.role().name());
            s.setString(3, actor.organisationId());
            s.setString(4, actor.clientId());
            s.setString(5, hash);
            s.setLong(6, now.toEpochMilli());
            s.setString(7, email);
            s.setString(8, lang);
            s.executeUpdate();
        }
    }

    /** Changes where the user is e-mailed ({@code null}: nowhere) and their language. */
    public void setContact(String userId, String email, String language) {
        UserAccount.checkEmail(email);
        String lang = UserAccount.checkLanguage(language);
        update("changing the contact of user " + userId, "update care_users set email = ?, language = ? where id = ?", email, lang, userId);
    }

    /** Sets the name a parent may be shown ({@code null}: none). */
    public void setDisplayName(String userId, String displayName) {
        if (displayName != null && (displayName.isBlank() || displayName.length() > 200)) {
            throw new IllegalArgumentException("a display name is 1-200 characters");
        }
        update("naming user " + userId, "update care_users set display_name = ? where id = ?", displayName, userId);
    }

    /** Every account, in id order. */
    public List<UserAccount> all() {
        return Sql.read(database, "reading users", c -> query(c, "select " + COLUMNS + FROM + " order by u.id", null));
    }

    /** The workers of {@code organisationId} (substance-abuse or child-protection workers), in id order. */
    public static List<UserAccount> workersOf(Connection c, String organisationId) throws SQLException {
        return query(c, "select " + COLUMNS + FROM + " where u.organisation_id = ? and u.role in "
                + "('SUBSTANCE_ABUSE_WORKER', 'CHILD_PROTECTION_WORKER') order by u.id", organisationId);
    }

    /** The technicians, in id order: alerts about a device reach them too. */
    public static List<UserAccount> technicians(Connection c) throws SQLException {
        return query(c, "select " + COLUMNS + FROM + " where u.role = 'TECHNICIAN' order by u.id", null);
    }

    /** The account {@code userId}, on {@code c}. */
    public static Optional<UserAccount> find(Connection c, String userId) throws SQLException {
        List<UserAccount> found = query(c, "select " + COLUMNS + FROM + " where u.id = ?", userId);
        return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
    }

    private static List<UserAccount> query(Connection c, String sql, String param) throws SQLException {
        try (PreparedStatement q = c.prepareStatement(sql)) {
            if (param != null) {
                q.setString(1, param);
            }
            List<UserAccount> accounts = new ArrayList<>();
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    Actor actor = new Actor(rs.getString(1), Role.valueOf(rs.getString(2)), rs.getString(3), rs.getString(4));
                    accounts.add(new UserAccount(actor, rs.getString(5), Sql.instant(rs, 6), rs.getString(7), rs.getString(8),
                            rs.getString(9), rs.getString(10) != null));
                }
            }
            return accounts;
        }
    }

    public Optional<UserAccount> find(String userId) {
        return Sql.read(database, "reading user " + userId, c -> find(c, userId));
    }

    /**
     * Whether {@code password} is the user's; false for an unknown user or one without a password (after the same work, so
     * timing tells nothing).
     *
     * @throws PasswordHashingBusy if no hashing slot came free in time
     */
    public boolean passwordMatches(String userId, char[] password) {
        Optional<UserAccount> account = find(userId);
        return hashing(() -> {
            if (account.isEmpty() || !account.get().hasPassword()) {
                hasher.equaliseTimingForUnknownAccount(password);
                return false;
            }
            return hasher.verify(password, account.get().passwordHash());
        });
    }

    /** Hashes {@code password} (within the bound) for {@link #setPasswordHash}. */
    public String hash(char[] password) {
        return hashing(() -> hasher.hash(password));
    }

    /** Sets the user's password hash on {@code c} (in the caller's transaction). */
    public static void setPasswordHash(Connection c, String userId, String hash, Instant now) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("update care_users set password_hash = ?, password_changed_at_ms = ? where id = ?")) {
            s.setString(1, hash);
            s.setLong(2, now.toEpochMilli());
            s.setString(3, userId);
            if (s.executeUpdate() != 1) {
                throw new IllegalArgumentException("no user " + userId);
            }
        }
    }

    /** The user's sealed TOTP secret, if one is set up. */
    public static Optional<String> totpSecret(Connection c, String userId) throws SQLException {
        try (PreparedStatement q = c.prepareStatement("select totp_secret from care_users where id = ?")) {
            q.setString(1, userId);
            try (ResultSet rs = q.executeQuery()) {
                return rs.next() ? Optional.ofNullable(rs.getString(1)) : Optional.empty();
            }
        }
    }

    /** Sets ({@code null}: removes) the user's sealed TOTP secret; the last used step starts afresh. */
    public static void setTotpSecret(Connection c, String userId, String sealed, Long lastStep) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("update care_users set totp_secret = ?, totp_last_step = ? where id = ?")) {
            s.setString(1, sealed);
            if (lastStep == null) {
                s.setNull(2, java.sql.Types.BIGINT);
            } else {
                s.setLong(2, lastStep);
            }
            s.setString(3, userId);
            if (s.executeUpdate() != 1) {
                throw new IllegalArgumentException("no user " + userId);
            }
        }
    }

    /** The step of the last TOTP code accepted, or {@link Long#MIN_VALUE}. */
    public static long totpLastStep(Connection c, String userId) throws SQLException {
        try (PreparedStatement q = c.prepareStatement("select totp_last_step from care_users where id = ?")) {
            q.setString(1, userId);
            try (ResultSet rs = q.executeQuery()) {
                if (!rs.next()) {
                    return Long.MIN_VALUE;
                }
                long step = rs.getLong(1);
                return rs.wasNull() ? Long.MIN_VALUE : step;
            }
        }
    }

    /**
     * Records that the TOTP code of {@code step} was used, only if it is later than the last one: false when another
     * request used this step (or a later one) first, so a code works once even across receivers.
     */
    public static boolean useTotpStep(Connection c, String userId, long step) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("update care_users set totp_last_step = ? where id = ? and "
                + "(totp_last_step is null or totp_last_step < ?)")) {
            s.setLong(1, step);
            s.setString(2, userId);
            s.setLong(3, step);
            return s.executeUpdate() == 1;
        }
    }

    private void update(String what, String sql, String... params) {
        Sql.write(database, what, c -> {
            try (PreparedStatement s = c.prepareStatement(sql)) {
                for (int i = 0; i < params.length; i++) {
                    s.setString(i + 1, params[i]);
                }
                if (s.executeUpdate() != 1) {
                    throw new IllegalArgumentException("no user " + params[params.length - 1]);
                }
                return null;
            }
        });
    }

    /** Whether any administrator account exists (the device listener's admin token is retired from then on). */
    public boolean administratorExists() {
        return Sql.read(database, "looking for an administrator account", c -> {
            try (java.sql.PreparedStatement q = c.prepareStatement("select count(*) from care_users where role = 'ADMINISTRATOR'");
                 java.sql.ResultSet rs = q.executeQuery()) {
                rs.next();
                return rs.getLong(1) > 0;
            }
        });
    }
}
