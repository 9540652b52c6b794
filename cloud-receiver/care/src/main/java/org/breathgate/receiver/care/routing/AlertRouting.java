package org.breathgate.receiver.care.routing;

import org.breathgate.care.access.Role;
import org.breathgate.care.alert.Alert;
import org.breathgate.receiver.care.people.UserAccount;
import org.breathgate.receiver.care.people.Users;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Who in one organisation is sent an alert: the rule behind "alerts to the right person", in one place.
 *
 * <ul>
 *   <li><b>A new or changed alert</b>, in the client's substance-abuse service: the client's responsible workers and their
 *       deputy; if none are named, every worker of the service (nothing is lost to a missing setting). Outside office hours
 *       the service's on-call list as well.</li>
 *   <li><b>An escalation</b>: the organisation's escalation contacts (and, outside office hours, its on-call list) who were
 *       not among the first recipients, so escalation reaches someone new; none configured, the organisation's other
 *       workers; nobody else at all, the first recipients again.</li>
 *   <li>A child-protection unit: every worker of the unit (the unit routes within itself); its escalation goes to its
 *       escalation contacts if it has any, else to the unit again.</li>
 * </ul>
 * Every recipient is checked again by the gate before anything is sent (consent, audience).
 */
public final class AlertRouting {

    /** Delivery reasons, as the outbox names them. */
    public static final String ESCALATE = "escalate";

    private final OfficeHours hours;

    public AlertRouting(OfficeHours hours) {
        this.hours = Objects.requireNonNull(hours, "hours");
    }

    public OfficeHours hours() {
        return hours;
    }

    /**
     * The workers of {@code organisationId} to send {@code alert} to for {@code reason} ({@code raise}, {@code update},
     * {@code escalate}) at {@code now}, each once, in a stable order.
     */
    public List<UserAccount> recipients(Connection c, Alert alert, String organisationId, String reason, Instant now) throws SQLException {
        Map<String, UserAccount> workers = new LinkedHashMap<>();
        for (UserAccount u : Users.workersOf(c, organisationId)) {
            workers.put(u.actor().userId(), u);
        }
        boolean service = organisationId.equals(alert.audience().substanceAbuseOrganisationId());
        Map<String, UserAccount> first = new LinkedHashMap<>();
        if (service) {
            for (String id : duties(c, alert.clientId())) {
                if (workers.containsKey(id)) {
                    first.put(id, workers.get(id));
                }
            }
            if (first.isEmpty()) {
                first.putAll(workers);
            }
            if (!ESCALATE.equals(reason) && !hours.contains(now)) {
                putAll(first, workers, contacts(c, organisationId, Contacts.ON_CALL));
            }
        } else {
            first.putAll(workers);
        }
        if (!ESCALATE.equals(reason)) {
            return List.copyOf(first.values());
        }
        Map<String, UserAccount> escalation = new LinkedHashMap<>();
        putAll(escalation, workers, contacts(c, organisationId, Contacts.ESCALATION));
        if (!hours.contains(now)) {
            putAll(escalation, workers, contacts(c, organisationId, Contacts.ON_CALL));
        }
        // Distinct from the client's own workers (the first recipients in office hours); the on-call list, which may have
        // had the alert at night, is told again that nobody has acknowledged it.
        escalation.keySet().removeAll(first.keySet());
        if (escalation.isEmpty() && service) {
            escalation.putAll(workers);
            escalation.keySet().removeAll(first.keySet());
        }
        return List.copyOf((escalation.isEmpty() ? first : escalation).values());
    }

    private static void putAll(Map<String, UserAccount> into, Map<String, UserAccount> workers, List<String> ids) {
        for (String id : ids) {
            UserAccount u = workers.get(id);
            if (u != null) {
                into.put(id, u);
            }
        }
    }

    /** The client's responsible workers and deputy, responsible first. */
    static List<String> duties(Connection c, String clientId) throws SQLException {
        List<String> ids = new ArrayList<>();
        try (PreparedStatement q = c.prepareStatement("select user_id from care_client_workers where client_id = ? "
                + "order by case duty when 'RESPONSIBLE' then 0 else 1 end, user_id")) {
            q.setString(1, clientId);
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getString(1));
                }
            }
        }
        return ids;
    }

    /** The members of one of the organisation's contact lists. */
    static List<String> contacts(Connection c, String organisationId, Contacts list) throws SQLException {
        List<String> ids = new ArrayList<>();
        try (PreparedStatement q = c.prepareStatement("select user_id from care_organisation_contacts where organisation_id = ? "
                + "and list = ? order by user_id")) {
            q.setString(1, organisationId);
            q.setString(2, list.name());
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getString(1));
                }
            }
        }
        return ids;
    }

    /** An organisation's contact lists. */
    public enum Contacts {
        /** Told of new alerts outside office hours. */
        ON_CALL,
        /** Told when an alert is not acknowledged in time. */
        ESCALATION
    }

    /** Whether {@code role} is a worker role that can be on a client's duties or a contact list. */
    static boolean worker(Role role) {
        return role == Role.SUBSTANCE_ABUSE_WORKER || role == Role.CHILD_PROTECTION_WORKER;
    }
}
