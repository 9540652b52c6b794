package org.breathgate.receiver.care.signin;

import org.breathgate.care.access.Actor;

import java.time.Instant;
import java.util.Objects;

/**
 * A server-side session, as {@link Sessions} keeps it in the database. The id itself is only in the browser's cookie.
 *
 * @param actor      who signed in, or {@code null} for a pre-login session (it carries the login form's CSRF token and, in
 *                   {@code pending}, a sign-in half done)
 * @param csrfToken  the token unsafe requests of this session must carry
 * @param createdAt  when the session began (sign-in, or the first visit for a pre-login session)
 * @param lastSeen   the last request of the session (kept to within {@link Sessions#TOUCH_EVERY})
 * @param method     how the person signed in: {@code password}, {@code password+totp}, {@code password+recovery_code},
 *                   {@code oidc:<provider>}; {@code null} before sign-in
 * @param providerId the identity provider signed in through, or {@code null}
 * @param idToken    the provider's ID token, kept to end the session at the provider too ({@code id_token_hint}), or {@code null}
 * @param pending    a sign-in waiting for its second factor, or {@code null}
 */
public record Session(Actor actor, String csrfToken, Instant createdAt, Instant lastSeen, String method, String providerId, String idToken,
                      Pending pending) {

    /**
     * A password sign-in that still needs its second factor.
     *
     * @param userId whose password was right
     * @param step   {@code totp} (enter a code) or {@code totp_setup} (set up an authenticator first)
     * @param secret a new TOTP secret being set up (sealed), or {@code null}
     * @param until  when the half-done sign-in lapses
     */
    public record Pending(String userId, String step, String secret, Instant until) {
        public static final String TOTP = "totp";
        public static final String TOTP_SETUP = "totp_setup";

        public Pending {
            Objects.requireNonNull(userId, "userId");
            Objects.requireNonNull(step, "step");
            Objects.requireNonNull(until, "until");
        }
    }

    public Session {
        Objects.requireNonNull(csrfToken, "csrfToken");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(lastSeen, "lastSeen");
    }

    public boolean signedIn() {
        return actor != null;
    }

    /** Whether the session has ended by {@code now} under {@code policy}. */
    public boolean expiredAt(Instant now, SessionPolicy policy) {
        return !now.isBefore(lastSeen.plus(policy.idleTimeout())) || !now.isBefore(createdAt.plus(policy.absoluteTimeout()));
    }

    /** When the session ends if left idle from now (the earlier of its idle and absolute ends). */
    public Instant endsAt(SessionPolicy policy) {
        Instant idleEnd = lastSeen.plus(policy.idleTimeout());
        Instant absoluteEnd = createdAt.plus(policy.absoluteTimeout());
        return idleEnd.isBefore(absoluteEnd) ? idleEnd : absoluteEnd;
    }
}
