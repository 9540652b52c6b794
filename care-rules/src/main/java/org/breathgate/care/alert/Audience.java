package org.breathgate.care.alert;

import org.breathgate.care.Checks;
import org.breathgate.care.access.Actor;
import org.breathgate.care.access.Role;

import java.util.Set;
import java.util.TreeSet;

/**
 * Who an alert is for: always the client's substance-abuse service, and the child-protection units
 * whose consent (scope ALERTS) covers the alert's events, where the rule shares with them; for an alert about
 * the device ({@link AlertKind#aboutTheDevice()}), the technicians too.
 *
 * @param substanceAbuseOrganisationId the client's service
 * @param childProtectionUnitIds       the units, possibly none
 * @param technicians                  whether the technicians are in it (alerts about the device, which carry no result)
 */
public record Audience(String substanceAbuseOrganisationId, Set<String> childProtectionUnitIds, boolean technicians) {

    public Audience {
        Checks.id("substanceAbuseOrganisationId", substanceAbuseOrganisationId);
        childProtectionUnitIds = Set.copyOf(new TreeSet<>(childProtectionUnitIds));
        childProtectionUnitIds.forEach(u -> Checks.id("childProtectionUnitId", u));
    }

    /** The client's service and units, without the technicians. */
    public Audience(String substanceAbuseOrganisationId, Set<String> childProtectionUnitIds) {
        this(substanceAbuseOrganisationId, childProtectionUnitIds, false);
    }

    /** Whether {@code actor} is one of the people this alert is for. */
    public boolean includes(Actor actor) {
        if (actor.role() == Role.SUBSTANCE_ABUSE_WORKER) {
            return substanceAbuseOrganisationId.equals(actor.organisationId());
        }
        if (actor.role() == Role.CHILD_PROTECTION_WORKER) {
            return childProtectionUnitIds.contains(actor.organisationId());
        }
        if (actor.role() == Role.TECHNICIAN) {
            return technicians;
        }
        return false;
    }
}
