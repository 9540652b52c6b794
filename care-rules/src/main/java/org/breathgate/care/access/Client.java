package org.breathgate.care.access;

import org.breathgate.care.Checks;
import org.breathgate.protocol.BreathAlcohol;
import org.breathgate.protocol.PerMilleFactor;

import java.time.Instant;
import java.util.Objects;

/**
 * A parent who uses Breathgate with a substance-abuse service.
 *
 * @param id                            stable id
 * @param displayName                   how workers see the client, e.g. a name or a case number
 * @param substanceAbuseOrganisationId  the service that holds the client relationship
 * @param caseStatus                    open or closed
 * @param closedAt                      when the case closed; set exactly when {@code caseStatus} is CLOSED
 * @param alertThreshold                a single result at or above this raises an alert; see {@link #DEFAULT_THRESHOLD}
 * @param perMilleFactor                the factor for the per-mille estimate shown beside mg/L values
 */
public record Client(
        String id,
        String displayName,
        String substanceAbuseOrganisationId,
        CaseStatus caseStatus,
        Instant closedAt,
        BreathAlcohol alertThreshold,
        PerMilleFactor perMilleFactor) {

    /**
     * 0.10 mg/L (100 µg/L) of breath, ≈ 0.23 ‰ by FI-RL-23: well below the 0.22 mg/L drunk-driving
     * limit, because a parent caring for children should have no alcohol in them, while staying above
     * the noise of fuel-cell sensors near zero. Set per client, and set the device's retest threshold
     * to match; it is compared in mg/L, never in per mille, because mg/L is what was measured.
     */
    public static final BreathAlcohol DEFAULT_THRESHOLD = new BreathAlcohol(100);

    public Client {
        Checks.id("id", id);
        Checks.text("displayName", displayName, 200);
        Checks.id("substanceAbuseOrganisationId", substanceAbuseOrganisationId);
        Objects.requireNonNull(caseStatus, "caseStatus");
        if ((caseStatus == CaseStatus.CLOSED) != (closedAt != null)) {
            throw new IllegalArgumentException("closedAt is set exactly when the case is CLOSED");
        }
        Objects.requireNonNull(alertThreshold, "alertThreshold");
        if (alertThreshold.microgramsPerLitre() == 0) {
            throw new IllegalArgumentException("an alert threshold of 0 µg/L would alert on every test");
        }
        Objects.requireNonNull(perMilleFactor, "perMilleFactor");
    }

    /** An open case with the default threshold and the FI-RL-23 factor. */
    public static Client open(String id, String displayName, String substanceAbuseOrganisationId) {
        return new Client(id, displayName, substanceAbuseOrganisationId, CaseStatus.OPEN, null, DEFAULT_THRESHOLD,
                PerMilleFactor.FINNISH_CRIMINAL_CODE);
    }

    /** This client with the case closed at {@code at}. */
    public Client closed(Instant at) {
        return new Client(id, displayName, substanceAbuseOrganisationId, CaseStatus.CLOSED, Objects.requireNonNull(at, "at"),
                alertThreshold, perMilleFactor);
    }

    /** This client with the case open again. */
    public Client reopened() {
        return new Client(id, displayName, substanceAbuseOrganisationId, CaseStatus.OPEN, null, alertThreshold, perMilleFactor);
    }

    public Client withAlertThreshold(BreathAlcohol threshold) {
        return new Client(id, displayName, substanceAbuseOrganisationId, caseStatus, closedAt, threshold, perMilleFactor);
    }

    public Client withPerMilleFactor(PerMilleFactor factor) {
        return new Client(id, displayName, substanceAbuseOrganisationId, caseStatus, closedAt, alertThreshold, factor);
    }
}
