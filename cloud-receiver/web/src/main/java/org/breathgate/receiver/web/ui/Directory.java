package org.breathgate.receiver.web.ui;

import org.breathgate.care.access.AccessPolicy;
import org.breathgate.care.access.Actor;
import org.breathgate.care.access.Client;
import org.breathgate.care.access.Operation;
import org.breathgate.care.alert.Alert;
import org.breathgate.care.alert.AlertEngine;
import org.breathgate.care.alert.CaseContext;
import org.breathgate.receiver.evidence.db.Sql;
import org.breathgate.receiver.care.CaseContexts;
import org.breathgate.receiver.care.alert.AlertStore;
import org.breathgate.receiver.care.people.Assignment;
import org.breathgate.receiver.care.people.Clients;
import org.breathgate.receiver.care.people.DeviceAssignments;
import org.breathgate.receiver.evidence.db.Database;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What the pages need to name things: organisations by id, the child-protection units a consent can
 * name, and a worker's caseload. No results are read here, so nothing here is audited; each client in a
 * caseload is one the worker may open ({@link AccessPolicy}, {@code VIEW_TIMELINE}, now).
 */
public final class Directory {

    /** One client in a caseload. */
    public record CaseloadRow(Client client, String deviceId, boolean mayViewConsents) {
    }

    /** An organisation: id and display name. */
    public record Named(String id, String name) {
    }

    private final Database database;

    Directory(Database database) {
        this.database = Objects.requireNonNull(database, "database");
    }

    /** Every organisation's name by id. */
    Map<String, String> organisationNames() {
        return Sql.read(database, "reading organisation names", c -> {
            Map<String, String> names = new LinkedHashMap<>();
            try (PreparedStatement q = c.prepareStatement("select id, name from care_organisations order by name");
                 ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    names.put(rs.getString(1), rs.getString(2));
                }
            }
            return names;
        });
    }

    /** The child-protection units, by name. */
    List<Named> childProtectionUnits() {
        return Sql.read(database, "reading child-protection units", c -> {
            List<Named> units = new ArrayList<>();
            try (PreparedStatement q = c.prepareStatement("select id, name from care_organisations where kind = ? order by name")) {
                q.setString(1, "CHILD_PROTECTION_UNIT");
                try (ResultSet rs = q.executeQuery()) {
                    while (rs.next()) {
                        units.add(new Named(rs.getString(1), rs.getString(2)));
                    }
                }
            }
            return units;
        });
    }

    Optional<Client> client(String clientId) {
        return new Clients(database).find(clientId);
    }

    /** The clients {@code worker} may open now, by name, with the device lent to each now (or {@code null}). */
    List<CaseloadRow> caseload(Actor worker, Instant now) {
        return Sql.read(database, "reading the caseload of " + worker.userId(), c -> {
            List<CaseloadRow> rows = new ArrayList<>();
            for (Client client : Clients.all(c)) {
                CaseContext context = CaseContexts.load(c, client.id());
                if (!AccessPolicy.decide(worker, Operation.VIEW_TIMELINE, context.client(), context.consents(), null, now).allowed()) {
                    continue;
                }
                String device = DeviceAssignments.ofClient(c, client.id()).stream().filter(Assignment::active)
                        .map(Assignment::deviceId).findFirst().orElse(null);
                boolean consents = AccessPolicy.decide(worker, Operation.VIEW_CONSENTS, context.client(), context.consents(), null, now)
                        .allowed();
                rows.add(new CaseloadRow(client, device, consents));
            }
            rows.sort((a, b) -> a.client().displayName().compareToIgnoreCase(b.client().displayName()));
            return rows;
        });
    }

    /**
     * How many open alerts each client has that {@code worker} may receive (the same test as the inbox:
     * addressed to their organisation, and consent still covers it). Only counts, so nothing is audited:
     * the inbox audits each alert when it shows its text.
     */
    Map<String, Integer> openAlertCounts(Actor worker, Instant now) {
        return Sql.read(database, "counting the open alerts of " + worker.userId(), c -> {
            Map<String, Integer> counts = new LinkedHashMap<>();
            Map<String, CaseContext> contexts = new LinkedHashMap<>();
            for (Alert alert : AlertStore.unresolved(c)) {
                if (!alert.open() || !alert.audience().includes(worker)) {
                    continue;
                }
                CaseContext context = contexts.get(alert.clientId());
                if (context == null) {
                    context = CaseContexts.load(c, alert.clientId());
                    contexts.put(alert.clientId(), context);
                }
                if (AlertEngine.mayReceive(alert, worker, context, now).allowed()) {
                    counts.merge(alert.clientId(), 1, Integer::sum);
                }
            }
            return counts;
        });
    }

    /** The device lent to the client now, if any. */
    Optional<String> currentDevice(String clientId) {
        return new DeviceAssignments(database).ofClient(clientId).stream().filter(Assignment::active).map(Assignment::deviceId)
                .findFirst();
    }
}
