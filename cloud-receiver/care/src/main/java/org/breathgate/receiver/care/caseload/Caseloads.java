package org.breathgate.receiver.care.caseload;

import org.breathgate.care.access.Actor;
import org.breathgate.care.access.Client;
import org.breathgate.care.access.Decision;
import org.breathgate.care.access.Operation;
import org.breathgate.care.access.Organisation;
import org.breathgate.care.access.Role;
import org.breathgate.care.alert.CaseContext;
import org.breathgate.receiver.care.consent.CaseContexts;
import org.breathgate.receiver.care.gate.CareGate;
import org.breathgate.receiver.care.gate.Visit;
import org.breathgate.receiver.care.people.Assignment;
import org.breathgate.receiver.care.people.Clients;
import org.breathgate.receiver.care.people.DeviceAssignments;
import org.breathgate.receiver.care.people.Organisations;
import org.breathgate.receiver.evidence.db.Database;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Who is on a worker's list, and the names the pages need: the clients an actor may open now (the care rules decide
 * {@link Operation#VIEW_TIMELINE} for each client, in the {@link CareGate}), the device lent to each, the organisations by
 * name and the child-protection units a consent can name. Names only: no result is read, so a caseload is not audited;
 * a role that has no caseload is refused, and that is.
 */
public final class Caseloads {

    private final CareGate gate;
    private final Clients clients;
    private final Organisations organisations;
    private final DeviceAssignments assignments;

    /**
     * One client on a list.
     *
     * @param basis           why the actor may see them ({@code allowed.own_organisation}, {@code allowed.consent} …)
     * @param device          the device lent to the client now, or {@code null}
     * @param mayViewConsents whether the actor may open the client's consents
     */
    public record Entry(Client client, String basis, String device, boolean mayViewConsents) {
    }

    public Caseloads(CareGate gate, Database database) {
        this.gate = Objects.requireNonNull(gate, "gate");
        this.clients = new Clients(database);
        this.organisations = new Organisations(database);
        this.assignments = new DeviceAssignments(database);
    }

    /**
     * The clients {@code actor} may open now, in id order: a substance-abuse worker their organisation's clients, a
     * child-protection worker the clients whose consent to their unit is in force now with results or missed tests, a parent
     * themselves.
     *
     * @throws org.breathgate.care.access.AccessDeniedException for technicians and administrators (audited)
     */
    public List<Entry> of(Actor actor) {
        return list(actor, Set.of(Role.SUBSTANCE_ABUSE_WORKER, Role.CHILD_PROTECTION_WORKER, Role.PARENT));
    }

    /** A worker's caseload page, by client name; anyone else is refused (audited). */
    public List<Entry> ofWorker(Actor worker) {
        List<Entry> rows = new ArrayList<>(list(worker, Set.of(Role.SUBSTANCE_ABUSE_WORKER, Role.CHILD_PROTECTION_WORKER)));
        rows.sort(Comparator.comparing(e -> e.client().displayName(), String.CASE_INSENSITIVE_ORDER));
        return rows;
    }

    private List<Entry> list(Actor actor, Set<Role> roles) {
        return gate.look(actor, "reading the caseload of " + actor.userId(), visit -> {
            visit.requireRole(roles, Operation.VIEW_TIMELINE, "caseload", actor.userId());
            Connection c = visit.connection();
            List<Entry> entries = new ArrayList<>();
            for (Client client : Clients.all(c)) {
                CaseContext context = CaseContexts.load(c, client.id());
                Decision d = visit.check(Operation.VIEW_TIMELINE, context, null);
                if (d.allowed()) {
                    boolean consents = visit.check(Operation.VIEW_CONSENTS, context, null).allowed();
                    entries.add(new Entry(client, Visit.basis(d), device(c, client.id()), consents));
                }
            }
            return entries;
        });
    }

    /**
     * Whether {@code actor} may know that the client exists: they may open its timeline or see its consents now. Decides the
     * form of a refusal (403 with the reason, or 404 as for a client that does not exist); records nothing.
     */
    public boolean mayKnowOf(Actor actor, String clientId) {
        return gate.look(actor, "checking whether " + actor.userId() + " may know of " + clientId, visit -> {
            CaseContext context = CaseContexts.load(visit.connection(), clientId);
            return visit.check(Operation.VIEW_TIMELINE, context, null).allowed() || visit.check(Operation.VIEW_CONSENTS, context, null).allowed();
        });
    }

    /**
     * Refuses (audited, {@link org.breathgate.care.access.AccessDeniedException}) unless {@code actor} may do client operation
     * {@code operation} for {@code clientId} now; for a request the API cannot even read, so a malformed request never tells
     * someone a client they may not see exists.
     */
    public void require(Actor actor, Operation operation, String clientId) {
        gate.look(actor, "checking " + operation + " of " + clientId, visit -> visit.require(operation,
                CaseContexts.load(visit.connection(), clientId), "client", clientId));
    }

    /** The client record (name, threshold, factor), if it exists: what a page that already shows the client names. */
    public Optional<Client> client(String clientId) {
        return clients.find(clientId);
    }

    /** The device lent to the client now, if any. */
    public Optional<String> currentDevice(String clientId) {
        return assignments.ofClient(clientId).stream().filter(Assignment::active).map(Assignment::deviceId).findFirst();
    }

    /** Every organisation's name by id. */
    public Map<String, String> organisationNames() {
        return organisations.names();
    }

    /** The child-protection units, by name. */
    public List<Organisation> childProtectionUnits() {
        return organisations.childProtectionUnits();
    }

    /** The organisation {@code id}, if it exists. */
    public Optional<Organisation> organisation(String id) {
        return organisations.find(id);
    }

    private static String device(Connection c, String clientId) throws SQLException {
        return DeviceAssignments.ofClient(c, clientId).stream().filter(Assignment::active).map(Assignment::deviceId).findFirst().orElse(null);
    }
}
