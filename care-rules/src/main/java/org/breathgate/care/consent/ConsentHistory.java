package org.breathgate.care.consent;

import org.breathgate.care.Checks;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Every recorded version of every consent of one client, and the answer to what they cover.
 *
 * <p>A unit is covered for an event when, for one of its consents, the version current at
 * {@code now} (the last one recorded at or before {@code now})
 * <ol>
 *   <li>is not a revocation,</li>
 *   <li>has a period that holds {@code now} — so nothing is shown before the period begins or after it ends —</li>
 *   <li>includes the scope asked for, and</li>
 *   <li>has a period that holds the event's whole {@link EventTime} span.</li>
 * </ol>
 * Revocation therefore withdraws access to everything, also to events from before the revocation.
 *
 * <p>The history is checked when built: each consent's versions run 1, 2, 3 ... without gaps, keep
 * their client and unit, are recorded in order, and end at a revocation if there is one.
 *
 * @param clientId the client whose consents these are
 * @param versions all versions, ordered by consent id and version
 */
public record ConsentHistory(String clientId, List<ConsentVersion> versions) {

    private static final Comparator<ConsentVersion> ORDER =
            Comparator.comparing(ConsentVersion::consentId).thenComparingInt(ConsentVersion::version);

    public ConsentHistory {
        Checks.id("clientId", clientId);
        List<ConsentVersion> sorted = new ArrayList<>(versions);
        sorted.sort(ORDER);
        ConsentVersion previous = null;
        for (ConsentVersion v : sorted) {
            if (!v.clientId().equals(clientId)) {
                throw new IllegalArgumentException("consent " + v.consentId() + " v" + v.version() + " is for client "
                        + v.clientId() + ", not " + clientId);
            }
            boolean sameConsent = previous != null && previous.consentId().equals(v.consentId());
            int expectedVersion = sameConsent ? previous.version() + 1 : 1;
            if (v.version() != expectedVersion) {
                throw new IllegalArgumentException("consent " + v.consentId() + ": expected version " + expectedVersion
                        + ", found " + v.version() + " (versions are never overwritten or skipped)");
            }
            if (sameConsent) {
                if (!previous.childProtectionUnitId().equals(v.childProtectionUnitId())) {
                    throw new IllegalArgumentException("consent " + v.consentId() + " v" + v.version()
                            + " names another unit; a consent for another unit is a new consent");
                }
                if (v.recordedAt().isBefore(previous.recordedAt())) {
                    throw new IllegalArgumentException("consent " + v.consentId() + " v" + v.version()
                            + " is recorded before v" + previous.version());
                }
                if (previous.revoked()) {
                    throw new IllegalArgumentException("consent " + v.consentId() + " has a version after its revocation");
                }
            }
            previous = v;
        }
        versions = List.copyOf(sorted);
    }

    /** A client with no consents. */
    public static ConsentHistory empty(String clientId) {
        return new ConsentHistory(clientId, List.of());
    }

    /** The history of {@code clientId} from its stored versions, in any order. */
    public static ConsentHistory of(String clientId, Collection<ConsentVersion> versions) {
        return new ConsentHistory(clientId, List.copyOf(versions));
    }

    /** This history with one more version (checked like every other). */
    public ConsentHistory with(ConsentVersion next) {
        List<ConsentVersion> all = new ArrayList<>(versions);
        all.add(next);
        return new ConsentHistory(clientId, all);
    }

    /** The units named in any consent, in id order. */
    public Set<String> units() {
        Set<String> units = new TreeSet<>();
        versions.forEach(v -> units.add(v.childProtectionUnitId()));
        return Set.copyOf(units);
    }

    /** The latest version of {@code consentId}, whenever recorded. */
    public Optional<ConsentVersion> latest(String consentId) {
        ConsentVersion latest = null;
        for (ConsentVersion v : versions) {
            if (v.consentId().equals(consentId)) {
                latest = v;
            }
        }
        return Optional.ofNullable(latest);
    }

    /**
     * Whether a consent of {@code unitId} covers {@code scope} for an event at {@code eventTime}, now.
     *
     * @param eventTime the event's time, or {@code null} to ask only whether a consent with this scope
     *                  is in force now (e.g. before opening a timeline whose items are then checked one by one)
     */
    public ConsentCheck check(String unitId, Scope scope, EventTime eventTime, Instant now) {
        Objects.requireNonNull(unitId, "unitId");
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(now, "now");
        ConsentCheck best = new ConsentCheck(ConsentCheck.Result.NO_CONSENT_FOR_UNIT, null);
        for (ConsentVersion current : currentVersions(unitId, now).values()) {
            ConsentCheck check = new ConsentCheck(judge(current, scope, eventTime, now), current);
            if (check.result().ordinal() < best.result().ordinal()) {
                best = check;
            }
        }
        return best;
    }

    /** Shorthand for {@code check(...).covered()}. */
    public boolean covers(String unitId, Scope scope, EventTime eventTime, Instant now) {
        return check(unitId, scope, eventTime, now).covered();
    }

    /** Whether any consent of {@code unitId} was ever recorded at or before {@code now}, in force or not. */
    public boolean anyRecordedFor(String unitId, Instant now) {
        return !currentVersions(unitId, now).isEmpty();
    }

    private Map<String, ConsentVersion> currentVersions(String unitId, Instant now) {
        Map<String, ConsentVersion> current = new LinkedHashMap<>();
        for (ConsentVersion v : versions) {
            // versions are ordered, so a later one recorded by now replaces the earlier
            if (v.childProtectionUnitId().equals(unitId) && !v.recordedAt().isAfter(now)) {
                current.put(v.consentId(), v);
            }
        }
        return current;
    }

    private static ConsentCheck.Result judge(ConsentVersion v, Scope scope, EventTime eventTime, Instant now) {
        if (v.revoked()) {
            return ConsentCheck.Result.REVOKED;
        }
        if (now.isBefore(v.validFrom())) {
            return ConsentCheck.Result.NOT_YET_IN_FORCE;
        }
        if (!now.isBefore(v.validUntil())) {
            return ConsentCheck.Result.EXPIRED;
        }
        if (!v.scopes().contains(scope)) {
            return ConsentCheck.Result.SCOPE_NOT_GIVEN;
        }
        if (eventTime != null && !eventTime.within(v.validFrom(), v.validUntil())) {
            return ConsentCheck.Result.EVENT_OUTSIDE_PERIOD;
        }
        return ConsentCheck.Result.COVERED;
    }
}
