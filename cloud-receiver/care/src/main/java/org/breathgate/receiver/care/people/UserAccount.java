package org.breathgate.receiver.care.people;

import org.breathgate.care.access.Actor;

import java.time.Instant;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A stored user account.
 *
 * @param actor        who the user is in the care workflow (id, role, organisation or client)
 * @param passwordHash the Argon2id PHC string ({@code care.account.PasswordHasher})
 * @param lockedUntil  until when logins are refused, or {@code null}
 * @param email        where alerts are e-mailed ({@code care.delivery}), or {@code null}: the in-app inbox only
 * @param language     the user's language for e-mail and screens: {@code fi}, {@code sv} or {@code en}
 * @param displayName  the person's name as a parent may be shown it ("who looked"), or {@code null}
 * @param totpEnabled  whether a TOTP second factor is set up
 */
public record UserAccount(Actor actor, String passwordHash, Instant lockedUntil, String email, String language, String displayName,
                          boolean totpEnabled) {

    /** The stored password hash of an account without a password: invited and not yet accepted, or signs in elsewhere. */
    public static final String NO_PASSWORD = "!";

    /** The languages texts are written in. */
    public static final Set<String> LANGUAGES = Set.of("fi", "sv", "en");
    /** The language of an account made without one (and of accounts from before languages were stored). */
    public static final String DEFAULT_LANGUAGE = "fi";

    /** One address, no display name, no spaces or control characters; the mail server has the last word. */
    private static final Pattern EMAIL = Pattern.compile("[^@\\s\\p{Cntrl}<>,;\"]{1,64}@[^@\\s\\p{Cntrl}<>,;\"]{1,255}");

    public UserAccount {
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(passwordHash, "passwordHash");
        checkEmail(email);
        language = checkLanguage(language);
        if (displayName != null && (displayName.isBlank() || displayName.length() > 200)) {
            throw new IllegalArgumentException("a display name is 1-200 characters");
        }
    }

    /** An account without an e-mail address, in the default language. */
    public UserAccount(Actor actor, String passwordHash, Instant lockedUntil) {
        this(actor, passwordHash, lockedUntil, null, DEFAULT_LANGUAGE, null, false);
    }

    /** Whether the account has a password of its own (not only an invitation or an identity provider). */
    public boolean hasPassword() {
        return !NO_PASSWORD.equals(passwordHash);
    }

    /** Whether this account must use a second factor when it signs in with a password: everyone but parents. */
    public boolean staff() {
        return actor.role() != org.breathgate.care.access.Role.PARENT;
    }

    /** {@code email} if it is {@code null} or a plain address, else an {@link IllegalArgumentException}. */
    public static String checkEmail(String email) {
        if (email != null && (email.length() > 320 || !EMAIL.matcher(email).matches())) {
            throw new IllegalArgumentException("not a plain e-mail address (like name@example.org): '" + email + "'");
        }
        return email;
    }

    /** {@code language} in lower case if it is one of {@link #LANGUAGES}, else an {@link IllegalArgumentException}. */
    public static String checkLanguage(String language) {
        Objects.requireNonNull(language, "language");
        String code = language.toLowerCase(Locale.ROOT);
        if (!LANGUAGES.contains(code)) {
            throw new IllegalArgumentException("language must be fi, sv or en, was '" + language + "'");
        }
        return code;
    }

    public boolean lockedAt(Instant now) {
        return lockedUntil != null && now.isBefore(lockedUntil);
    }
}
