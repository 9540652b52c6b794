package org.breathgate.receiver.care.photo;

import java.util.Locale;

/** A worker's judgement of a test photo against the client's reference photo. */
public enum ReviewVerdict {
    /** The photo shows the client. */
    MATCHES,
    /** The photo shows someone else: raises a {@code PHOTO_MISMATCH} alert. */
    DOES_NOT_MATCH,
    /** The photo does not allow a judgement (dark, blurred, face not visible). */
    UNCLEAR;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** From {@code matches}, {@code does_not_match} or {@code unclear}. */
    public static ReviewVerdict fromWire(String value) {
        for (ReviewVerdict v : values()) {
            if (v.wireName().equals(value)) {
                return v;
            }
        }
        throw new IllegalArgumentException("verdict must be matches, does_not_match or unclear, was '" + value + "'");
    }
}
