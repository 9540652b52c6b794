package org.breathgate.receiver.care.signin;

import org.breathgate.care.access.Actor;
import org.breathgate.care.account.LoginThrottle;
import org.breathgate.care.account.PasswordHasher;
import org.breathgate.care.account.ThrottleDecision;
import org.breathgate.care.audit.AuditAction;
import org.breathgate.receiver.care.gate.CareGate;
import org.breathgate.receiver.care.people.UserAccount;
import org.breathgate.receiver.care.people.Users;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * Who someone is: checking a user name and password against the login throttle, the stored lock and the stored Argon2id
 * hash, and the sign-in events the audit log keeps ({@code login.succeeded}, {@code login.failed}, {@code account.locked},
 * {@code logout}, {@code session.expired}), through the {@link CareGate}. Sessions and cookies are the web's.
 */
public final class SignIn {

    private static final Logger LOG = LoggerFactory.getLogger(SignIn.class);

    /** Audit actions of signing out and of a session's end. */
    public static final String AUDIT_LOGOUT = "logout";
    public static final String AUDIT_SESSION_EXPIRED = "session.expired";
    /** Longest user name tried; longer ones are refused without a lookup. */
    public static final int MAX_USER_NAME = 128;

    private final CareGate gate;
    private final Users users;
    private final LoginThrottle throttle;
    private final Clock clock;

    /** What a sign-in came to. */
    public enum Outcome { SIGNED_IN, FAILED, LOCKED }

    /**
     * @param actor       who signed in ({@link Outcome#SIGNED_IN}), else {@code null}
     * @param lockedUntil until when sign-in is refused ({@link Outcome#LOCKED}), else {@code null}
     */
    public record Attempt(Outcome outcome, Actor actor, Instant lockedUntil) {
    }

    public SignIn(CareGate gate, Users users, LoginThrottle throttle, Clock clock) {
        this.gate = Objects.requireNonNull(gate, "gate");
        this.users = Objects.requireNonNull(users, "users");
        this.throttle = Objects.requireNonNull(throttle, "throttle");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Checks a user name and password against the throttle, the stored lock and the stored hash, and audits the outcome. An
     * unknown user name and a wrong password take the same time and get the same answer.
     *
     * @param source the client's address, as an audit subject id (no spaces or control characters)
     */
    public Attempt attempt(String userName, String password, String source) {
        Instant now = clock.instant();
        String account = userName == null ? "" : userName;
        boolean wellFormed = isUserName(account) && password != null && !password.isEmpty()
                && password.length() <= PasswordHasher.MAX_PASSWORD_LENGTH;
        String throttleKey = account.length() > MAX_USER_NAME ? account.substring(0, MAX_USER_NAME) : account;
        ThrottleDecision decision = throttle.check(throttleKey, source);
        if (!decision.allowed()) {
            return new Attempt(Outcome.LOCKED, null, decision.lockedUntil());
        }
        Optional<UserAccount> stored = wellFormed ? users.find(account) : Optional.empty();
        if (stored.isPresent() && stored.get().lockedAt(now)) {
            return new Attempt(Outcome.LOCKED, null, stored.get().lockedUntil());
        }
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
        String subject = stored.isPresent() ? account : "unknown";
        if (ok) {
            throttle.recordSuccess(throttleKey, source);
            if (stored.get().lockedUntil() != null) {
                users.lockUntil(account, null);
            }
            gate.record(account, AuditAction.LOGIN_SUCCEEDED.code(), "user", account, "from " + source);
            return new Attempt(Outcome.SIGNED_IN, stored.get().actor(), null);
        }
        gate.record("anonymous", AuditAction.LOGIN_FAILED.code(), "user", subject, "from " + source);
        ThrottleDecision after = throttle.recordFailure(throttleKey, source);
        if (after.allowed()) {
            return new Attempt(Outcome.FAILED, null, null);
        }
        if (stored.isPresent() && "account".equals(after.lockedBy())) {
            users.lockUntil(account, after.lockedUntil());
        }
        String lockedSubject = "account".equals(after.lockedBy()) ? subject : source;
        gate.record("system", AuditAction.ACCOUNT_LOCKED.code(), "account".equals(after.lockedBy()) ? "user" : "source", lockedSubject,
                "after repeated failed sign-ins; until " + after.lockedUntil());
        LOG.warn("sign-in locked for {} {} until {}", after.lockedBy(), lockedSubject, after.lockedUntil());
        return new Attempt(Outcome.LOCKED, null, after.lockedUntil());
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

    private static boolean isUserName(String s) {
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
}
