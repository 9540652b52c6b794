package org.breathgate.care;

import java.util.Objects;

/**
 * Argument checks shared by the care packages, so that every record refuses the same bad input with
 * the same message. Public only because Java has no module-private visibility across packages; not
 * an API for other modules.
 */
public final class Checks {

    /** Longest id accepted: room for a UUID, a prefixed key or an e-mail address. */
    public static final int MAX_ID_LENGTH = 128;

    private Checks() {
    }

    /** A required id: 1 to {@value #MAX_ID_LENGTH} characters, not blank, no control characters or spaces. */
    public static String id(String field, String value) {
        Objects.requireNonNull(value, field);
        if (value.isEmpty() || value.length() > MAX_ID_LENGTH) {
            throw new IllegalArgumentException(field + " must be 1-" + MAX_ID_LENGTH + " characters, was " + value.length());
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isISOControl(c) || Character.isWhitespace(c)) {
                throw new IllegalArgumentException(field + " must not contain spaces or control characters, was '" + value + "'");
            }
        }
        return value;
    }

    /** A required text: not blank, at most {@code max} characters, no control characters except line breaks. */
    public static String text(String field, String value, int max) {
        Objects.requireNonNull(value, field);
        if (value.isBlank()) {
            throw new IllegalArgumentException(field + " must not be blank");
        }
        return optionalText(field, value, max);
    }

    /** Like {@link #text} but {@code null} is allowed (and an empty string too). */
    public static String optionalText(String field, String value, int max) {
        if (value == null) {
            return null;
        }
        if (value.length() > max) {
            throw new IllegalArgumentException(field + " must be at most " + max + " characters, was " + value.length());
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isISOControl(c) && c != '\n') {
                throw new IllegalArgumentException(field + " must not contain control characters other than line breaks");
            }
        }
        return value;
    }
}
