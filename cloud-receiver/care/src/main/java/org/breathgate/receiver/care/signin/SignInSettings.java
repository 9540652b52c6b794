package org.breathgate.receiver.care.signin;

import java.util.Objects;

/**
 * How people sign in.
 *
 * @param sessions     how long sessions last
 * @param secondFactor whether workers, technicians and administrators need a TOTP code after their password
 * @param secret       the receiver's sign-in secret (identity-code hashes, sealed TOTP secrets)
 * @param showWorkerNamesToParents whether a parent's "who looked" names the worker (when the account has a name)
 */
public record SignInSettings(SessionPolicy sessions, SecondFactor secondFactor, SignInSecret secret, boolean showWorkerNamesToParents) {

    /** Workers shown to parents by role and organisation only. */
    public SignInSettings(SessionPolicy sessions, SecondFactor secondFactor, SignInSecret secret) {
        this(sessions, secondFactor, secret, false);
    }

    /** Whether staff need a second factor with a password. */
    public enum SecondFactor {
        /** Workers, technicians and administrators enter a TOTP code (or a recovery code) after their password: the default. */
        REQUIRED_FOR_STAFF,
        /**
         * Passwords alone sign everyone in. <b>For the demo only</b> ({@code signin.second-factor = off-demo-only}): the
         * receiver warns at every start and the login page says so.
         */
        OFF_DEMO_ONLY
    }

    public SignInSettings {
        Objects.requireNonNull(sessions, "sessions");
        Objects.requireNonNull(secondFactor, "secondFactor");
        Objects.requireNonNull(secret, "secret");
    }
}
