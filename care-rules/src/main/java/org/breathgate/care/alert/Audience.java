package org.breathgate.care.alert;

import org.breathgate.care.Checks;
import org.breathgate.care.access.Actor;
import org.breathgate.care.access.Role;

import java.util.Set;
import java.util.TreeSet;

/**
 * Who an alert is for: always the client's substance-abuse service, and the child-protection units
 * whose consent (scope ALERTS) covers the alert's events, where the rule shares with them.
 *
 * @param substanceAbuseOrganisationId the client's service
 * @param childProtectionUnitIds       the units, possibly none
 */
public record Audience(String substanceAbuseOrganisationId, Set<String> childProtectionUnitIds) {

    public Audience {
        Checks.id("substanceAbuseOrganisationId", substanceAbuseOrganisationId);
        childProtectionUnitIds = Set.copyOf(new TreeSet<>(childProtectionUnitIds));
        childProtectionUnitIds.forEach(u -> Checks.id("childProtectionUnitId", u));
    }

    /** Whether {@code actor} is one of the workers this alert is for. */
    public boolean includes(Actor actor) {
        if (actor.role() == Role.SUBSTANCE_ABUSE_WORKER) {
            return substanceAbuseOrganisationId.equals(actor.organisationId());
        }
        if (actor.role() == Role.CHILD_PROTECTION_WORKER) {
            return childProtectionUnitIds.contains(actor.organisationId());
        }
        return false;
    }
}
