package org.breathgate.receiver.care.consent;

import org.breathgate.care.access.Client;
import org.breathgate.care.alert.AlertRules;
import org.breathgate.care.alert.CaseContext;
import org.breathgate.receiver.care.people.Clients;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * A client's case as the care core needs it. Alert rules are the core's defaults for every client in
 * this step: per-client rules ({@code EDIT_ALERT_RULES}) are not stored yet.
 */
public final class CaseContexts {

    private CaseContexts() {
    }

    /** @throws IllegalArgumentException if there is no such client */
    public static CaseContext load(Connection c, String clientId) throws SQLException {
        Client client = Clients.find(c, clientId).orElseThrow(() -> new IllegalArgumentException("no client " + clientId));
        return new CaseContext(client, AlertRules.defaults(), ConsentStore.history(c, clientId));
    }
}
