package org.breathgate.care.alert;

import org.breathgate.care.access.Client;
import org.breathgate.care.consent.ConsentHistory;

import java.util.Objects;

/**
 * What the engine needs to know about the client an event belongs to, as it stands now.
 *
 * @param client   the client (threshold, per-mille factor, organisation)
 * @param rules    the client's alert rules
 * @param consents the client's consent history
 */
public record CaseContext(Client client, AlertRules rules, ConsentHistory consents) {

    public CaseContext {
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(rules, "rules");
        Objects.requireNonNull(consents, "consents");
        if (!consents.clientId().equals(client.id())) {
            throw new IllegalArgumentException("consent history of client " + consents.clientId() + " given for client " + client.id());
        }
    }
}
