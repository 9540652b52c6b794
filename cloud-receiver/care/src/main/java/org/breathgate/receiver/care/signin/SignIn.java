package org.breathgate.receiver.care.signin;

import org.breathgate.care.access.Actor;
import org.breathgate.care.account.LoginThrottle;
import org.breathgate.care.account.PasswordHasher;
import org.breathgate.care.account.Totp;
import org.breathgate.care.audit.AuditAction;
import org.breathgate.receiver.care.gate.CareGate;
import org.breathgate.receiver.care.people.UserAccount;
import org.breathgate.receiver.care.people.Users;
import org.breathgate.receiver.evidence.db.Database;
import org.bouncycastle.util.encoders.Base32;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Who someone is: a user name and password checked against the shared login throttle and the stored Argon2id hash, then —
 * for workers, technicians and administrators — a TOTP code or a recovery code; and the sign-in events the audit log keeps
 * ({@code login.succeeded}, {@code login.failed}, {@code login.slowed}, {@code login.refused}, {@code logout},
 * {@code session.expired}, {@code second_factor.set}), through the {@link CareGate}. Sessions are {@link #sessions()};
 * cookies are the web's.
 */
public final class SignIn {

    private static final Logger LOG = LoggerFactory.getLogger(SignIn.class);

    /** Audit actions of signing out, of a session's end, and of a second factor set up. */
    public static final String AUDIT_LOGOUT = "logout";
    public static final String AUDIT_SESSION_EXPIRED = "session.expired";
    public static final String AUDIT_SECOND_FACTOR_SET = "second_factor.set";
    /** Longest user name tried; longer ones are refused without a lookup. */
    public static final int MAX_USER_NAME = 128;
    /** How long a half-done sign-in (password right, second factor to come) waits. */
    public static final Duration PENDING_FOR = Duration.ofMinutes(5);
    /** Recovery codes made at a time. */
    public static final int RECOVERY_CODES = 10;
    /** The issuer name authenticator apps show beside the account. */
    public static final String TOTP_ISSUER = "Breathgate";

    private final CareGate gate;
    private final Database database;
    private final Users users;
    private final Throttle throttle;
    private final SignInSettings settings;
    private final Sessions sessions;
    private final Totp totp = new Totp();
    private final SecureRandom random;
    private final Clock clock;

    /** What a sign-in step came to. */
    public enum Outcome {
        /** Signed in: {@link Attempt#actor()}. */
        SIGNED_IN,
        /** The password was right; a TOTP or recovery code for {@link Attempt#pendingUserId()} comes next. */
        SECOND_FACTOR,
        /** The password was right, but the account has no authenticator yet: it must set one up first. */
        SECOND_FACTOR_SETUP,
        /** Wrong credentials (the same answer for an unknown user). */
        FAILED,
        /** Too many recent failures: try again at {@link Attempt#retryAt()}. */
        SLOWED
    }

    /**
     * @param actor         who signed in ({@link Outcome#SIGNED_IN}), else {@code null}
     * @param retryAt       when to try again ({@link Outcome#SLOWED}), else {@code null}
     * @param pendingUserId whose second factor comes next, else {@code null}
     * @param method        how they signed in ({@code password}, {@code password+totp}, ...), else {@code null}
     * @param recoveryCodes recovery codes made by this step (shown once), else empty
     */
    public record Attempt(Outcome outcome, Actor actor, Instant retryAt, String pendingUserId, String method, List<String> recoveryCodes) {
        public Attempt {
            recoveryCodes = List.copyOf(recoveryCodes);
        }

        static Attempt of(Outcome outcome) {
            return new Attempt(outcome, null, null, null, null, List.of());
        }
    }

    /** A new authenticator being set up: the secret (sealed, to keep in the session), its Base32 text and its otpauth URI. */
    public record TotpSetup(String sealed, String base32, String otpauthUri) {
    }

    public SignIn(CareGate gate, Database database, Users users, LoginThrottle rules, SignInSettings settings, SecureRandom random, Clock clock) {
        this.gate = Objects.requireNonNull(gate, "gate");
        this.database = Objects.requireNonNull(database, "database");
        this.users = Objects.requireNonNull(users, "users");
        this.throttle = new Throttle(database, Objects.requireNonNull(rules, "rules"));
        this.settings = Objects.requireNonNull(settings, "settings");
        this.random = Objects.requireNonNull(random, "random");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.sessions = new Sessions(database, settings.sessions(), random);
    }

    /** The sessions, in the database. */
    public Sessions sessions() {
        return sessions;
    }

    public SignInSettings settings() {
        return settings;
    }

    /**
     * Checks a user name and password against the throttle and the stored hash, and audits the outcome. An unknown user name
     * and a wrong password take the same time and get the same answer. Staff accounts then need their second factor (unless
     * the demo-only setting turned it off).
     *
     * @param source the client's address, as an audit subject id (no spaces or control characters)
     * @throws org.breathgate.receiver.care.people.PasswordHashingBusy if no hashing slot came free in time
     */
    public Attempt password(String userName, String password, String source) {
        Instant now = clock.instant();
        String account = userName == null ? "" : userName;
        boolean wellFormed = isUserName(account) && password != null && !password.isEmpty()
                && password.length() <= PasswordHasher.MAX_PASSWORD_LENGTH;
        String throttleKey = account.length() > MAX_USER_NAME ? account.substring(0, MAX_USER_NAME) : account;
        Throttle.Begun begun = throttle.begin(throttleKey, source, now);
        if (!begun.decision().allowed()) {
            return new Attempt(Outcome.SLOWED, null, begun.decision().retryAt(), null, null, List.of());
        }
        Optional<UserAccount> stored = wellFormed ? users.find(account) : Optional.empty();
        boolean ok = false;
        if (wellFormed) {
            char[] chars = password.toCharArray();
            try {
                ok = users.passwordMatches(account, chars);
            } catch (IllegalArgumentException e) {
                LOG.error("the stored password hash of user {} is unusable: {}", account, e.getMessage());
            } finally {
                Arrays.fill(chars, '\0');
            }
        }
        if (!ok) {
            String subject = stored.isPresent() ? account : "unknown";
            gate.record("anonymous", AuditAction.LOGIN_FAILED.code(), "user", subject, "from " + source);
            slowed(begun, stored.isPresent() ? account : "unknown", source);
            return Attempt.of(Outcome.FAILED);
        }
        throttle.succeeded(throttleKey, source);
        UserAccount user = stored.get();
        if (user.staff() && settings.secondFactor() == SignInSettings.SecondFactor.REQUIRED_FOR_STAFF) {
            return new Attempt(user.totpEnabled() ? Outcome.SECOND_FACTOR : Outcome.SECOND_FACTOR_SETUP, null, null, account, null, List.of());
        }
        gate.record(account, AuditAction.LOGIN_SUCCEEDED.code(), "user", account, "password, from " + source);
        return new Attempt(Outcome.SIGNED_IN, user.actor(), null, null, "password", List.of());
    }

    /**
     * The second factor of {@code userId}, whose password was right: a TOTP code of their authenticator, or one of their
     * recovery codes (each works once). Throttled like passwords.
     */
    public Attempt secondFactor(String userId, String code, String source) {
        Instant now = clock.instant();
        Throttle.Begun begun = throttle.begin(userId, source, now);
        if (!begun.decision().allowed()) {
            return new Attempt(Outcome.SLOWED, null, begun.decision().retryAt(), userId, null, List.of());
        }
        Optional<UserAccount> user = users.find(userId);
        String method = null;
        if (user.isPresent() && code != null && code.length() <= 64) {
            String typed = code.strip();
            if (typed.replace(" ", "").chars().allMatch(Character::isDigit)) {
                method = totpMatches(userId, typed, now) ? "password+totp" : null;
            } else {
                method = recoveryCodeUsed(userId, typed, now) ? "password+recovery_code" : null;
            }
        }
        if (method == null) {
            gate.record("anonymous", AuditAction.LOGIN_FAILED.code(), "user", user.isPresent() ? userId : "unknown",
                    "second factor, from " + source);
            slowed(begun, userId, source);
            return new Attempt(Outcome.FAILED, null, null, userId, null, List.of());
        }
        throttle.succeeded(userId, source);
        gate.record(userId, AuditAction.LOGIN_SUCCEEDED.code(), "user", userId, method + ", from " + source);
        return new Attempt(Outcome.SIGNED_IN, user.get().actor(), null, null, method, List.of());
    }

    /** A new TOTP secret for {@code userId} to set up (nothing is stored until {@link #confirmTotp}). */
    public TotpSetup newTotp(String userId) {
        byte[] secret = new byte[Totp.SECRET_BYTES];
        random.nextBytes(secret);
        return totpSetup(userId, secret, settings.secret().seal(secret));
    }

    /** The setup of a secret made by {@link #newTotp} and kept sealed, to show it again (the set-up page after a reload). */
    public TotpSetup reopenTotp(String userId, String sealed) {
        byte[] secret = settings.secret().open(sealed);
        return totpSetup(userId, secret, sealed);
    }

    private static TotpSetup totpSetup(String userId, byte[] secret, String sealed) {
        String base32 = Base32.toBase32String(secret).replace("=", "");
        String label = URLEncoder.encode(TOTP_ISSUER + ":" + userId, StandardCharsets.UTF_8).replace("+", "%20");
        String uri = "otpauth://totp/" + label + "?secret=" + base32 + "&issuer=" + TOTP_ISSUER + "&algorithm=SHA1&digits="
                + Totp.DIGITS + "&period=" + Totp.STEP.getSeconds();
        return new TotpSetup(sealed, base32, uri);
    }

    /**
     * Sets up the authenticator of {@code userId} once it shows a right code for the new secret: the secret is stored (sealed),
     * {@link #RECOVERY_CODES} recovery codes are made (returned once, kept only as hashes), and the person is signed in.
     */
    public Attempt confirmTotp(String userId, String sealedSecret, String code, String source) {
        Instant now = clock.instant();
        Throttle.Begun begun = throttle.begin(userId, source, now);
        if (!begun.decision().allowed()) {
            return new Attempt(Outcome.SLOWED, null, begun.decision().retryAt(), userId, null, List.of());
        }
        Optional<UserAccount> user = users.find(userId);
        OptionalLong step = user.isEmpty() || sealedSecret == null ? OptionalLong.empty()
                : totp.verify(settings.secret().open(sealedSecret), code, now, Long.MIN_VALUE);
        if (step.isEmpty()) {
            slowed(begun, userId, source);
            return new Attempt(Outcome.FAILED, null, null, userId, null, List.of());
        }
        throttle.succeeded(userId, source);
        List<String> codes = new ArrayList<>();
        gate.runAsReceiver(userId, "setting up the second factor of " + userId, visit -> {
            Users.setTotpSecret(visit.connection(), userId, sealedSecret, step.getAsLong());
            codes.addAll(newRecoveryCodes(visit.connection(), userId, now));
            visit.record(AUDIT_SECOND_FACTOR_SET, "user", userId, "authenticator (TOTP) and " + RECOVERY_CODES + " recovery codes");
            visit.record(AuditAction.LOGIN_SUCCEEDED.code(), "user", userId, "password+totp, from " + source);
            return null;
        });
        return new Attempt(Outcome.SIGNED_IN, user.get().actor(), null, null, "password+totp", codes);
    }

    private boolean totpMatches(String userId, String typed, Instant now) {
        return gate.runAsReceiver(userId, "checking a TOTP code", visit -> {
            Optional<String> sealed = Users.totpSecret(visit.connection(), userId);
            if (sealed.isEmpty()) {
                return false;
            }
            byte[] secret = settings.secret().open(sealed.get());
            OptionalLong step = totp.verify(secret, typed, now, Users.totpLastStep(visit.connection(), userId));
            Arrays.fill(secret, (byte) 0);
            return step.isPresent() && Users.useTotpStep(visit.connection(), userId, step.getAsLong());
        });
    }

    private boolean recoveryCodeUsed(String userId, String typed, Instant now) {
        String hash = SignInSecret.sha256(normalRecoveryCode(typed));
        return gate.runAsReceiver(userId, "checking a recovery code", visit -> {
            try (PreparedStatement u = visit.connection().prepareStatement("update care_recovery_codes set used_at_ms = ? where user_id = ? "
                    + "and code_hash = ? and used_at_ms is null")) {
                u.setLong(1, now.toEpochMilli());
                u.setString(2, userId);
                u.setString(3, hash);
                boolean used = u.executeUpdate() == 1;
                if (used) {
                    visit.record("recovery_code.used", "user", userId, remaining(visit.connection(), userId) + " left");
                }
                return used;
            }
        });
    }

    private static int remaining(java.sql.Connection c, String userId) throws java.sql.SQLException {
        try (PreparedStatement q = c.prepareStatement("select count(*) from care_recovery_codes where user_id = ? and used_at_ms is null")) {
            q.setString(1, userId);
            try (ResultSet rs = q.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    /** Replaces {@code userId}'s recovery codes with new ones, returned once (kept as SHA-256 hashes). */
    List<String> newRecoveryCodes(java.sql.Connection c, String userId, Instant now) throws java.sql.SQLException {
        try (PreparedStatement d = c.prepareStatement("delete from care_recovery_codes where user_id = ?")) {
            d.setString(1, userId);
            d.executeUpdate();
        }
        List<String> codes = new ArrayList<>();
        try (PreparedStatement i = c.prepareStatement("insert into care_recovery_codes (user_id, code_hash, created_at_ms) values (?, ?, ?)")) {
            for (int n = 0; n < RECOVERY_CODES; n++) {
                byte[] b = new byte[10]; // 80 bits
                random.nextBytes(b);
                String s = Base32.toBase32String(b).toLowerCase(Locale.ROOT);
                String code = s.substring(0, 4) + "-" + s.substring(4, 8) + "-" + s.substring(8, 12) + "-" + s.substring(12, 16);
                codes.add(code);
                i.setString(1, userId);
                i.setString(2, SignInSecret.sha256(normalRecoveryCode(code)));
                i.setLong(3, now.toEpochMilli());
                i.executeUpdate();
            }
        }
        return codes;
    }

    private static String normalRecoveryCode(String typed) {
        return typed.strip().replace("-", "").replace(" ", "").toLowerCase(Locale.ROOT);
    }

    private void slowed(Throttle.Begun begun, String account, String source) {
        for (LoginThrottle.Key key : begun.began()) {
            String subject = key == LoginThrottle.Key.SOURCE ? source : account;
            gate.record("system", AuditAction.LOGIN_SLOWED.code(), key == LoginThrottle.Key.SOURCE ? "source" : "user", subject,
                    "repeated failed sign-ins (" + key.name().toLowerCase(Locale.ROOT) + ") from " + source + ": each further attempt waits longer");
            LOG.warn("sign-in slowed for {} {} after repeated failures", key.name().toLowerCase(Locale.ROOT), subject);
        }
    }

    /** Shortest password a person may choose: 12 characters (NIST SP 800-63B asks for at least 8; workers see sensitive data). */
    public static final int MIN_PASSWORD_LENGTH = 12;
    public static final String AUDIT_PASSWORD_CHANGED = "password.changed";
    public static final String AUDIT_INVITATION_USED = "invitation.used";

    /** Whether {@code userId} has a password of their own (the account page offers to change it). */
    public boolean hasPassword(String userId) {
        return users.find(userId).map(UserAccount::hasPassword).orElse(false);
    }

    /** Whether a link's code is an account invitation that can still be used (the page asks before showing the form). */
    public boolean invitationUsable(String code) {
        if (code == null || code.isBlank() || code.length() > 64) {
            return false;
        }
        Instant now = clock.instant();
        return org.breathgate.receiver.evidence.db.Sql.read(database, "checking an invitation", c -> Invitations.find(c, Invitations.hash(code))
                .filter(i -> i.kind().equals("account") && i.stateAt(now) == Invitations.State.USABLE).isPresent());
    }

    /**
     * Accepts an invitation link: the person sets their own password (nobody else ever knew it). Then, as after a password:
     * staff set up their authenticator ({@link Outcome#SECOND_FACTOR_SETUP}), parents are signed in. An unknown, used or
     * expired code is {@link Outcome#FAILED} (throttled per address like passwords).
     *
     * @throws IllegalArgumentException if the password is shorter than {@link #MIN_PASSWORD_LENGTH} or too long
     */
    public Attempt acceptInvitation(String code, char[] password, String source) {
        checkNewPassword(password);
        Instant now = clock.instant();
        Throttle.Begun begun = throttle.begin("invitation", source, now);
        if (!begun.decision().allowed()) {
            return new Attempt(Outcome.SLOWED, null, begun.decision().retryAt(), null, null, List.of());
        }
        String hash = code == null || code.length() > 64 ? "" : Invitations.hash(code);
        String newHash = users.hash(password);
        String userId = gate.runAsReceiver("anonymous", "accepting an invitation", visit -> {
            Optional<Invitations.Invitation> inv = Invitations.find(visit.connection(), hash);
            if (inv.isEmpty() || !inv.get().kind().equals("account") || !Invitations.use(visit.connection(), hash, inv.get().userId(), now)) {
                return null;
            }
            Users.setPasswordHash(visit.connection(), inv.get().userId(), newHash, now);
            visit.record(AUDIT_INVITATION_USED, "user", inv.get().userId(), "the person set their own password, from " + source);
            return inv.get().userId();
        });
        if (userId == null) {
            refused("invitation", "account", "invitation_invalid: an unknown, used or expired invitation link", source);
            slowed(begun, "invitation", source);
            return Attempt.of(Outcome.FAILED);
        }
        throttle.succeeded("invitation", source);
        UserAccount user = users.find(userId).orElseThrow();
        if (user.staff() && settings.secondFactor() == SignInSettings.SecondFactor.REQUIRED_FOR_STAFF) {
            return new Attempt(user.totpEnabled() ? Outcome.SECOND_FACTOR : Outcome.SECOND_FACTOR_SETUP, null, null, userId, null, List.of());
        }
        gate.record(userId, AuditAction.LOGIN_SUCCEEDED.code(), "user", userId, "invitation, from " + source);
        return new Attempt(Outcome.SIGNED_IN, user.actor(), null, null, "password", List.of());
    }

    /**
     * Changes {@code actor}'s password after checking the current one (throttled like a sign-in). The web then ends the
     * person's other sessions.
     *
     * @return {@link Outcome#SIGNED_IN} when changed, {@link Outcome#FAILED} when the current password is wrong, or
     *         {@link Outcome#SLOWED}
     * @throws IllegalArgumentException if the new password is shorter than {@link #MIN_PASSWORD_LENGTH} or too long
     */
    public Attempt changePassword(Actor actor, char[] current, char[] next, String source) {
        checkNewPassword(next);
        Instant now = clock.instant();
        Throttle.Begun begun = throttle.begin(actor.userId(), source, now);
        if (!begun.decision().allowed()) {
            return new Attempt(Outcome.SLOWED, null, begun.decision().retryAt(), null, null, List.of());
        }
        if (current == null || current.length == 0 || current.length > PasswordHasher.MAX_PASSWORD_LENGTH
                || !users.passwordMatches(actor.userId(), current)) {
            gate.record(actor.userId(), AuditAction.LOGIN_FAILED.code(), "user", actor.userId(), "password change: wrong current password, from "
                    + source);
            slowed(begun, actor.userId(), source);
            return Attempt.of(Outcome.FAILED);
        }
        throttle.succeeded(actor.userId(), source);
        String hash = users.hash(next);
        gate.runAsReceiver(actor.userId(), "changing the password of " + actor.userId(), visit -> {
            Users.setPasswordHash(visit.connection(), actor.userId(), hash, now);
            visit.record(AUDIT_PASSWORD_CHANGED, "user", actor.userId(), "by the person, from " + source + "; their other sessions end");
            return null;
        });
        return new Attempt(Outcome.SIGNED_IN, actor, null, null, "password", List.of());
    }

    private static void checkNewPassword(char[] password) {
        if (password == null || password.length < MIN_PASSWORD_LENGTH || password.length > PasswordHasher.MAX_PASSWORD_LENGTH) {
            throw new IllegalArgumentException("a password is " + MIN_PASSWORD_LENGTH + "-" + PasswordHasher.MAX_PASSWORD_LENGTH + " characters");
        }
    }

    /** Records a refused sign-in (an identity provider's answer, an invitation, a second factor) with its reason. */
    public void refused(String subjectType, String subjectId, String reason, String source) {
        gate.record("anonymous", AuditAction.LOGIN_REFUSED.code(), subjectType, subjectId, reason + ", from " + source);
    }

    /** Whether {@code actor}'s account still exists with the same role and affiliation (else their sessions end). */
    public boolean stillValid(Actor actor) {
        Optional<UserAccount> account = users.find(actor.userId());
        return account.isPresent() && account.get().actor().equals(actor);
    }

    /** Records that {@code actor} signed out from {@code source}. */
    public void signedOut(Actor actor, String source) {
        gate.record(actor.userId(), AUDIT_LOGOUT, "user", actor.userId(), "from " + source);
    }

    /** Records that {@code actor}'s session ended by itself ({@code how}: "idle timeout", "absolute timeout"). */
    public void sessionEnded(Actor actor, String how) {
        gate.record(actor.userId(), AUDIT_SESSION_EXPIRED, "user", actor.userId(), "ended by " + how);
    }

    /** The time sign-in decides at. */
    public Instant now() {
        return clock.instant();
    }

    static boolean isUserName(String s) {
        if (s.isEmpty() || s.length() > MAX_USER_NAME) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isISOControl(c) || Character.isWhitespace(c)) {
                return false;
            }
        }
        return true;
    }

    Database database() {
        return database;
    }

    Throttle throttle() {
        return throttle;
    }

    Users users() {
        return users;
    }

    CareGate gate() {
        return gate;
    }
}
