package org.breathgate.receiver.care.support;

import org.breathgate.care.alert.CaseContext;
import org.breathgate.care.support.SupportRouting;
import org.breathgate.receiver.care.routing.AlertRouting;
import org.breathgate.receiver.care.routing.OfficeHours;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.HashSet;

/**
 * Reads who a client's support requests reach ({@link SupportRouting.Reach}) from what the service set with #19's routing:
 * the client's responsible workers and deputy ({@code care_client_workers}), the service's on-call list
 * ({@code care_organisation_contacts}), and whether {@code now} is inside the office hours ({@code care.office-hours}).
 * The same lists alerts are routed by ({@link AlertRouting}): one fact, one home.
 */
final class SupportReach {

    private SupportReach() {
    }

    static SupportRouting.Reach load(Connection c, CaseContext context, OfficeHours hours, Instant now) throws SQLException {
        String service = context.client().substanceAbuseOrganisationId();
        return new SupportRouting.Reach(new HashSet<>(AlertRouting.duties(c, context.client().id())),
                new HashSet<>(AlertRouting.contacts(c, service, AlertRouting.Contacts.ON_CALL)), hours.contains(now));
    }
}
