package org.breathgate.care.consent;

import org.breathgate.care.Checks;

import java.time.Instant;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * One version of a parent's consent to share with a named child-protection unit. A consent is never
 * changed in place: an amendment or a revocation is a new version with the same {@code consentId}
 * and the next {@code version} number, so the history shows what was in force when.
 *
 * <p>The period is half-open, {@code [validFrom, validUntil)}, and always has an end: a consent for
 * an open-ended period would outlive the situation it was given for. To continue, record an
 * amendment with a later end.
 *
 * @param consentId             the consent's id, shared by all its versions
 * @param version               1 for the consent as first recorded, then 2, 3, ...
 * @param clientId              the parent (client) who consents
 * @param childProtectionUnitId the unit the parent consents to share with
 * @param validFrom             start of the consented period (inclusive)
 * @param validUntil            end of the consented period (exclusive)
 * @param scopes                what is shared; at least one
 * @param recordedBy            user id of the worker who recorded this version
 * @param recordedAt            when this version was recorded; it applies from then on
 * @param revokedAt             on a revocation version: when the parent revoked (at or before
 *                              {@code recordedAt}); otherwise {@code null}
 * @param revokedBy             on a revocation version: who recorded the revocation; otherwise {@code null}
 */
public record ConsentVersion(
        String consentId,
        int version,
        String clientId,
        String childProtectionUnitId,
        Instant validFrom,
        Instant validUntil,
        Set<Scope> scopes,
        String recordedBy,
        Instant recordedAt,
        Instant revokedAt,
        String revokedBy) {

    public ConsentVersion {
        Checks.id("consentId", consentId);
        Checks.id("clientId", clientId);
        Checks.id("childProtectionUnitId", childProtectionUnitId);
        Checks.id("recordedBy", recordedBy);
        Objects.requireNonNull(validFrom, "validFrom");
        Objects.requireNonNull(validUntil, "validUntil");
        Objects.requireNonNull(recordedAt, "recordedAt");
        if (version < 1) {
            throw new IllegalArgumentException("version must be 1 or more, was " + version);
        }
        if (!validUntil.isAfter(validFrom)) {
            throw new IllegalArgumentException("validUntil " + validUntil + " must be after validFrom " + validFrom);
        }
        Objects.requireNonNull(scopes, "scopes");
        if (scopes.isEmpty()) {
            throw new IllegalArgumentException("a consent needs at least one scope");
        }
        scopes = Set.copyOf(EnumSet.copyOf(scopes));
        if ((revokedAt == null) != (revokedBy == null)) {
            throw new IllegalArgumentException("revokedAt and revokedBy go together");
        }
        if (revokedBy != null) {
            Checks.id("revokedBy", revokedBy);
            if (version == 1) {
                throw new IllegalArgumentException("a revocation is a later version of a recorded consent, not version 1");
            }
            if (revokedAt.isAfter(recordedAt)) {
                throw new IllegalArgumentException("revokedAt " + revokedAt + " must not be after recordedAt " + recordedAt);
            }
        }
    }

    /** A new consent, version 1. */
    public static ConsentVersion first(String consentId, String clientId, String childProtectionUnitId,
                                       Instant validFrom, Instant validUntil, Set<Scope> scopes,
                                       String recordedBy, Instant recordedAt) {
        return new ConsentVersion(consentId, 1, clientId, childProtectionUnitId, validFrom, validUntil, scopes,
                recordedBy, recordedAt, null, null);
    }

    /** The next version with a changed period and scopes (e.g. extended, or narrowed to fewer scopes). */
    public ConsentVersion amend(Instant newFrom, Instant newUntil, Set<Scope> newScopes, String by, Instant at) {
        requireNotRevoked();
        return new ConsentVersion(consentId, version + 1, clientId, childProtectionUnitId, newFrom, newUntil, newScopes,
                by, at, null, null);
    }

    /**
     * The revocation: the next version, otherwise unchanged, marked revoked. The parent may revoke at
     * any time, and the revocation is final; to share again, a new consent is recorded.
     *
     * @param by        who records the revocation (a worker, or the parent in their own view)
     * @param revokedAt when the parent revoked (e.g. said so on the phone)
     * @param at        when it is recorded; it applies from then on
     */
    public ConsentVersion revoke(String by, Instant revokedAt, Instant at) {
        requireNotRevoked();
        return new ConsentVersion(consentId, version + 1, clientId, childProtectionUnitId, validFrom, validUntil, scopes,
                by, at, revokedAt, by);
    }

    /** Whether this is a revocation version. */
    public boolean revoked() {
        return revokedBy != null;
    }

    /** Whether the period holds {@code now} (revocation aside). */
    public boolean periodHolds(Instant now) {
        return !now.isBefore(validFrom) && now.isBefore(validUntil);
    }

    private void requireNotRevoked() {
        if (revoked()) {
            throw new IllegalStateException("consent " + consentId + " was revoked in version " + version
                    + "; record a new consent instead");
        }
    }
}
