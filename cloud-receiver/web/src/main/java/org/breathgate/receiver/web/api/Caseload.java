package org.breathgate.receiver.web.api;

import org.breathgate.care.access.AccessPolicy;
import org.breathgate.care.access.Actor;
import org.breathgate.care.access.Client;
import org.breathgate.care.access.Decision;
import org.breathgate.care.access.Operation;
import org.breathgate.care.consent.ConsentHistory;
import org.breathgate.receiver.evidence.db.Sql;
import org.breathgate.receiver.care.consent.ConsentStore;
import org.breathgate.receiver.care.people.Assignment;
import org.breathgate.receiver.care.people.Clients;
import org.breathgate.receiver.care.people.DeviceAssignments;
import org.breathgate.receiver.evidence.db.Database;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A worker's caseload: the clients whose timeline they may open now ({@link Operation#VIEW_TIMELINE}),
 * decided by the care core for each client. A substance-abuse worker gets their organisation's
 * clients, a child-protection worker the clients whose consent to their unit is in force now with
 * results or missed tests, a parent themselves; technicians and administrators none. Names only: no
 * result is read, so nothing is audited.
 */
public final class Caseload {

    /**
     * One client on the list.
     *
     * @param basis  why the actor may see them ({@code allowed.own_organisation}, {@code allowed.consent} …)
     * @param device the device lent to the client now, or {@code null}
     */
    public record Entry(Client client, String basis, String device) {
    }

    private final Database database;

    public Caseload(Database database) {
        this.database = Objects.requireNonNull(database, "database");
    }

    /** The clients {@code actor} may open at {@code now}, in id order. */
    public List<Entry> of(Actor actor, Instant now) {
        return Sql.read(database, "reading the caseload of " + actor.userId(), c -> {
            List<Entry> entries = new ArrayList<>();
            for (Client client : Clients.all(c)) {
                ConsentHistory consents = ConsentStore.history(c, client.id());
                Decision d = AccessPolicy.decide(actor, Operation.VIEW_TIMELINE, client, consents, null, now);
                if (d.allowed()) {
                    String device = DeviceAssignments.ofClient(c, client.id()).stream().filter(Assignment::active)
                            .map(Assignment::deviceId).findFirst().orElse(null);
                    String basis = d.code().code() + (d.consentBasis() == null ? ""
                            : " (consent " + d.consentBasis().consentId() + " v" + d.consentBasis().version() + ")");
                    entries.add(new Entry(client, basis, device));
                }
            }
            return entries;
        });
    }
}
