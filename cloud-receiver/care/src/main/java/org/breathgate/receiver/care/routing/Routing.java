package org.breathgate.receiver.care.routing;

import org.breathgate.care.access.Actor;
import org.breathgate.care.access.Decision;
import org.breathgate.care.access.Operation;
import org.breathgate.care.access.Role;
import org.breathgate.care.alert.CaseContext;
import org.breathgate.receiver.care.consent.CaseContexts;
import org.breathgate.receiver.care.gate.CareGate;
import org.breathgate.receiver.care.gate.Visit;
import org.breathgate.receiver.care.people.UserAccount;
import org.breathgate.receiver.care.people.Users;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Who is responsible for whom, and the organisations' contact lists, as the people who manage them set them: a
 * substance-abuse worker names a client's responsible workers and deputy and hands a caseload over
 * ({@link Operation#MANAGE_CLIENT}, per client); an administrator keeps each organisation's on-call and escalation lists
 * ({@link Operation#MANAGE_USERS}). Decided and audited by the gate ({@code client.workers_set}, {@code caseload.handed_over},
 * {@code contacts.set}).
 */
public final class Routing {

    private final CareGate gate;

    public Routing(CareGate gate) {
        this.gate = Objects.requireNonNull(gate, "gate");
    }

    /** A client's named workers: those responsible, and the deputy (or {@code null}). */
    public record Duties(List<String> responsible, String deputy) {
        public Duties {
            responsible = List.copyOf(responsible);
        }
    }

    /** The client's duties, for whoever may open the client's timeline. */
    public Duties duties(Actor actor, String clientId) {
        return gate.look(actor, "reading who is responsible for " + clientId, visit -> {
            visit.require(Operation.VIEW_TIMELINE, CaseContexts.load(visit.connection(), clientId), "client", clientId);
            return read(visit.connection(), clientId);
        });
    }

    /**
     * Names the client's responsible workers and deputy (replacing the earlier ones). Each must be a substance-abuse worker of
     * the client's own service; the deputy is not also responsible.
     *
     * @throws IllegalArgumentException if a named worker is not one of the service's
     */
    public Duties setDuties(Actor actor, String clientId, List<String> responsible, String deputy) {
        if (responsible.isEmpty()) {
            throw new IllegalArgumentException("name at least one responsible worker");
        }
        return gate.run(actor, "naming the workers of " + clientId, visit -> {
            Connection c = visit.connection();
            CaseContext context = CaseContexts.load(c, clientId);
            Decision d = visit.require(Operation.MANAGE_CLIENT, context, "client", clientId);
            String organisation = context.client().substanceAbuseOrganisationId();
            Set<String> named = new LinkedHashSet<>(responsible);
            if (deputy != null && named.contains(deputy)) {
                throw new IllegalArgumentException("the deputy " + deputy + " is already responsible");
            }
            for (String id : deputy == null ? named : concat(named, deputy)) {
                requireWorkerOf(c, id, organisation);
            }
            try (PreparedStatement s = c.prepareStatement("delete from care_client_workers where client_id = ?")) {
                s.setString(1, clientId);
                s.executeUpdate();
            }
            for (String id : named) {
                insert(c, clientId, id, "RESPONSIBLE", visit);
            }
            if (deputy != null) {
                insert(c, clientId, deputy, "DEPUTY", visit);
            }
            visit.record("client.workers_set", "client", clientId, Visit.basis(d) + "; responsible " + String.join(", ", named)
                    + (deputy == null ? "" : "; deputy " + deputy));
            return read(c, clientId);
        });
    }

    /**
     * Hands {@code from}'s caseload to {@code to}: every client of the actor's service on which {@code from} is responsible or
     * deputy gets {@code to} in that place (each client decided and audited on its own).
     *
     * @return the clients handed over
     */
    public List<String> handover(Actor actor, String from, String to) {
        return gate.run(actor, "handing over the caseload of " + from, visit -> {
            Connection c = visit.connection();
            if (from.equals(to)) {
                throw new IllegalArgumentException("hand the caseload to someone else");
            }
            visit.requireRole(Set.of(Role.SUBSTANCE_ABUSE_WORKER), Operation.MANAGE_CLIENT, "user", from);
            requireWorkerOf(c, to, actor.organisationId());
            List<String> moved = new ArrayList<>();
            for (String clientId : clientsOf(c, from)) {
                CaseContext context = CaseContexts.load(c, clientId);
                if (!visit.check(Operation.MANAGE_CLIENT, context, null).allowed()) {
                    continue; // another service's client: not this worker's to hand over
                }
                Duties before = read(c, clientId);
                try (PreparedStatement s = c.prepareStatement("delete from care_client_workers where client_id = ? and user_id in (?, ?)")) {
                    s.setString(1, clientId);
                    s.setString(2, from);
                    s.setString(3, to);
                    s.executeUpdate();
                }
                boolean deputy = from.equals(before.deputy());
                insert(c, clientId, to, deputy && !before.responsible().contains(to) ? "DEPUTY" : "RESPONSIBLE", visit);
                visit.record("caseload.handed_over", "client", clientId, "from " + from + " to " + to);
                moved.add(clientId);
            }
            return moved;
        });
    }

    /** The members of an organisation's contact list, for an administrator. */
    public List<String> contacts(Actor admin, String organisationId, AlertRouting.Contacts list) {
        return gate.look(admin, "reading the contacts of " + organisationId, visit -> {
            visit.require(Operation.MANAGE_USERS, "organisation", organisationId);
            return AlertRouting.contacts(visit.connection(), organisationId, list);
        });
    }

    /** Replaces an organisation's contact list (each a worker of that organisation). */
    public List<String> setContacts(Actor admin, String organisationId, AlertRouting.Contacts list, List<String> userIds) {
        return gate.run(admin, "setting the contacts of " + organisationId, visit -> {
            Connection c = visit.connection();
            visit.require(Operation.MANAGE_USERS, "organisation", organisationId);
            for (String id : userIds) {
                requireWorkerOf(c, id, organisationId);
            }
            try (PreparedStatement s = c.prepareStatement("delete from care_organisation_contacts where organisation_id = ? and list = ?")) {
                s.setString(1, organisationId);
                s.setString(2, list.name());
                s.executeUpdate();
            }
            for (String id : new LinkedHashSet<>(userIds)) {
                try (PreparedStatement s = c.prepareStatement("insert into care_organisation_contacts (organisation_id, list, user_id) "
                        + "values (?, ?, ?)")) {
                    s.setString(1, organisationId);
                    s.setString(2, list.name());
                    s.setString(3, id);
                    s.executeUpdate();
                }
            }
            visit.record("contacts.set", "organisation", organisationId, list.name().toLowerCase(java.util.Locale.ROOT) + ": "
                    + String.join(", ", userIds));
            return AlertRouting.contacts(c, organisationId, list);
        });
    }

    /** The clients on whose duties {@code userId} is. */
    public static List<String> clientsOf(Connection c, String userId) throws SQLException {
        List<String> ids = new ArrayList<>();
        try (PreparedStatement q = c.prepareStatement("select client_id from care_client_workers where user_id = ? order by client_id")) {
            q.setString(1, userId);
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getString(1));
                }
            }
        }
        return ids;
    }

    private static Duties read(Connection c, String clientId) throws SQLException {
        List<String> responsible = new ArrayList<>();
        String deputy = null;
        try (PreparedStatement q = c.prepareStatement("select user_id, duty from care_client_workers where client_id = ? order by user_id")) {
            q.setString(1, clientId);
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    if (rs.getString(2).equals("DEPUTY")) {
                        deputy = rs.getString(1);
                    } else {
                        responsible.add(rs.getString(1));
                    }
                }
            }
        }
        return new Duties(responsible, deputy);
    }

    private static void insert(Connection c, String clientId, String userId, String duty, Visit visit) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("insert into care_client_workers (client_id, user_id, duty, since_ms) values (?, ?, ?, ?)")) {
            s.setString(1, clientId);
            s.setString(2, userId);
            s.setString(3, duty);
            s.setLong(4, visit.now().toEpochMilli());
            s.executeUpdate();
        }
    }

    private static void requireWorkerOf(Connection c, String userId, String organisationId) throws SQLException {
        UserAccount u = Users.find(c, userId).orElseThrow(() -> new IllegalArgumentException("no user " + userId));
        if (!AlertRouting.worker(u.actor().role()) || !organisationId.equals(u.actor().organisationId())) {
            throw new IllegalArgumentException(userId + " is not a worker of " + organisationId);
        }
    }

    private static Set<String> concat(Set<String> named, String deputy) {
        Set<String> all = new LinkedHashSet<>(named);
        all.add(deputy);
        return all;
    }
}
