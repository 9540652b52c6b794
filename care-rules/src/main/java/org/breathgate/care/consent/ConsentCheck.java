package org.breathgate.care.consent;

import java.util.Objects;

/**
 * The answer to "does consent cover this?", with the reason and the consent version it rests on.
 *
 * @param result what was found
 * @param basis  the consent version that covers, or that came closest; {@code null} when the unit has no consent
 */
public record ConsentCheck(Result result, ConsentVersion basis) {

    /** What a consent check can find, from covered to nothing at all. */
    public enum Result {
        /** A consent in force now covers the scope and the event's whole time span. */
        COVERED,
        /** A consent is in force with the scope, but the event lies (partly) outside its period. */
        EVENT_OUTSIDE_PERIOD,
        /** A consent is in force, but without this scope. */
        SCOPE_NOT_GIVEN,
        /** The consented period has not begun. */
        NOT_YET_IN_FORCE,
        /** The consented period has ended. */
        EXPIRED,
        /** The parent revoked the consent. */
        REVOKED,
        /** The parent has never consented to share with this unit. */
        NO_CONSENT_FOR_UNIT
    }

    public ConsentCheck {
        Objects.requireNonNull(result, "result");
        if (result == Result.NO_CONSENT_FOR_UNIT ? basis != null : basis == null) {
            throw new IllegalArgumentException(result + (basis == null ? " needs" : " has no") + " basis");
        }
    }

    /** Whether the consent covers it. */
    public boolean covered() {
        return result == Result.COVERED;
    }
}
