package org.breathgate.receiver.care.cases;

import org.breathgate.care.access.Actor;
import org.breathgate.care.access.CaseStatus;
import org.breathgate.care.access.Client;
import org.breathgate.care.access.Decision;
import org.breathgate.care.access.Operation;
import org.breathgate.care.alert.CaseContext;
import org.breathgate.protocol.DeviceIds;
import org.breathgate.protocol.SignedMessage;
import org.breathgate.receiver.care.consent.CaseContexts;
import org.breathgate.receiver.care.gate.CareGate;
import org.breathgate.receiver.care.gate.Visit;
import org.breathgate.receiver.care.people.Assignment;
import org.breathgate.receiver.care.people.Clients;
import org.breathgate.receiver.care.people.DeviceAssignments;
import org.breathgate.receiver.care.schedule.DeviceConfigs;
import org.breathgate.receiver.evidence.device.Device;
import org.breathgate.receiver.evidence.device.DeviceRegistry;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A case's life on the pages: a device lent to the client and taken back (the loans are the case's device history), and the
 * case closed (retention starts counting) or reopened. {@link Operation#MANAGE_CLIENT}, decided and audited by the gate
 * ({@code device.lent}, {@code device.returned}, {@code client.closed}, {@code client.reopened}, refusals).
 *
 * <p>A device lent to a client gets the client's configuration at once ({@link DeviceConfigs}): their schedule on record (or
 * none yet) and their alert threshold, so the device and the receiver agree on the threshold from the first minute.
 */
public final class Cases {

    private final CareGate gate;
    private final DeviceRegistry registry;
    private final DeviceConfigs configs;

    public Cases(CareGate gate, DeviceRegistry registry, DeviceConfigs configs) {
        this.gate = Objects.requireNonNull(gate, "gate");
        this.registry = Objects.requireNonNull(registry, "registry");
        this.configs = Objects.requireNonNull(configs, "configs");
    }

    /**
     * The devices a substance-abuse worker may lend now: enrolled, not retired, lent to nobody (by id; no health, no results).
     */
    public List<String> lendable(Actor actor) {
        return gate.look(actor, "listing devices to lend", visit -> {
            visit.requireRole(java.util.Set.of(org.breathgate.care.access.Role.SUBSTANCE_ABUSE_WORKER), Operation.MANAGE_CLIENT, "devices",
                    "lendable");
            List<String> out = new java.util.ArrayList<>();
            for (String id : registry.deviceIds()) {
                boolean retired = registry.device(id).map(Device::revoked).orElse(true);
                if (!retired && DeviceAssignments.clientAt(visit.connection(), id, visit.now()).isEmpty()) {
                    out.add(id);
                }
            }
            return out;
        });
    }

    /** The substance-abuse workers of {@code actor}'s own service, by id: whom a client's duties and a handover may name. */
    public List<String> colleagues(Actor actor) {
        return gate.look(actor, "listing colleagues", visit -> {
            visit.requireRole(java.util.Set.of(org.breathgate.care.access.Role.SUBSTANCE_ABUSE_WORKER), Operation.MANAGE_CLIENT, "users",
                    "colleagues");
            return org.breathgate.receiver.care.people.Users.workersOf(visit.connection(), actor.organisationId()).stream()
                    .map(u -> u.actor().userId()).toList();
        });
    }

    /** The client's loans, oldest first (the device history of the case). */
    public List<Assignment> loans(Actor actor, String clientId) {
        return gate.look(actor, "reading the loans of " + clientId, visit -> {
            visit.require(Operation.MANAGE_CLIENT, CaseContexts.load(visit.connection(), clientId), "client", clientId);
            return DeviceAssignments.ofClient(visit.connection(), clientId);
        });
    }

    /**
     * Lends {@code deviceId} to {@code clientId} from now on, and sends it the client's configuration.
     *
     * @throws IllegalArgumentException if no such device is enrolled, or it is retired
     * @throws IllegalStateException    if the case is closed, the client already has a device, or the device is lent to someone
     */
    public Assignment lend(Actor actor, String clientId, String deviceId) {
        DeviceIds.check(deviceId);
        Device device = registry.device(deviceId).orElseThrow(() -> new IllegalArgumentException("no device " + deviceId + " is enrolled"));
        if (device.revoked()) {
            throw new IllegalArgumentException("device " + deviceId + " is retired");
        }
        Object[] out = gate.run(actor, "lending " + deviceId + " to " + clientId, visit -> {
            Connection c = visit.connection();
            CaseContext context = CaseContexts.load(c, clientId);
            Decision d = visit.require(Operation.MANAGE_CLIENT, context, "client", clientId);
            if (context.client().caseStatus() == CaseStatus.CLOSED) {
                throw new IllegalStateException("the case of " + clientId + " is closed: reopen it before lending a device");
            }
            if (DeviceAssignments.ofClient(c, clientId).stream().anyMatch(Assignment::active)) {
                throw new IllegalStateException("client " + clientId + " has a device already: take it back first");
            }
            Assignment a = DeviceAssignments.insert(c, deviceId, clientId, visit.now());
            SignedMessage config = configs.issueTo(c, visit.now(), actor.userId(), clientId, deviceId, null, null);
            visit.record("device.lent", "client", clientId, Visit.basis(d) + "; device " + deviceId + ", config v"
                    + ((org.breathgate.protocol.ConfigUpdate) config.message()).version());
            return new Object[] {a, config};
        });
        configs.publish(Optional.of((SignedMessage) out[1]));
        return (Assignment) out[0];
    }

    /**
     * The device lent to {@code clientId} came back now: the loan ends (evidence it signs later belongs to no one until it is
     * lent again).
     *
     * @throws IllegalStateException if no device is lent to the client
     */
    public Assignment takeBack(Actor actor, String clientId) {
        return gate.run(actor, "taking back the device of " + clientId, visit -> {
            Connection c = visit.connection();
            Decision d = visit.require(Operation.MANAGE_CLIENT, CaseContexts.load(c, clientId), "client", clientId);
            Assignment a = DeviceAssignments.ofClient(c, clientId).stream().filter(Assignment::active).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no device is lent to client " + clientId));
            Assignment ended = DeviceAssignments.end(c, a, visit.now());
            visit.record("device.returned", "client", clientId, Visit.basis(d) + "; device " + a.deviceId());
            return ended;
        });
    }

    /**
     * Closes the case now: no new schedules, consents or rule changes; the results are kept for the retention period counted
     * from now ({@code retention.results-after-case-closed}).
     *
     * @throws IllegalStateException if the case is closed already, or a device is still lent (take it back first: evidence
     *                               must not arrive for a closed case)
     */
    public Client close(Actor actor, String clientId) {
        return gate.run(actor, "closing the case of " + clientId, visit -> {
            Connection c = visit.connection();
            CaseContext context = CaseContexts.load(c, clientId);
            Decision d = visit.require(Operation.MANAGE_CLIENT, context, "client", clientId);
            if (context.client().caseStatus() == CaseStatus.CLOSED) {
                throw new IllegalStateException("the case of " + clientId + " is closed already");
            }
            if (DeviceAssignments.ofClient(c, clientId).stream().anyMatch(Assignment::active)) {
                throw new IllegalStateException("a device is still lent to client " + clientId + ": take it back first");
            }
            Client closed = context.client().closed(visit.now());
            update(c, closed);
            visit.record("client.closed", "client", clientId, Visit.basis(d) + "; retention counts from " + visit.now());
            return closed;
        });
    }

    /** Opens a closed case again (retention no longer counts). */
    public Client reopen(Actor actor, String clientId) {
        return gate.run(actor, "reopening the case of " + clientId, visit -> {
            Connection c = visit.connection();
            CaseContext context = CaseContexts.load(c, clientId);
            Decision d = visit.require(Operation.MANAGE_CLIENT, context, "client", clientId);
            if (context.client().caseStatus() == CaseStatus.OPEN) {
                throw new IllegalStateException("the case of " + clientId + " is open");
            }
            Client open = context.client().reopened();
            update(c, open);
            visit.record("client.reopened", "client", clientId, Visit.basis(d));
            return open;
        });
    }

    private static void update(Connection c, Client client) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("update care_clients set case_status = ?, closed_at_ms = ? where id = ?")) {
            s.setString(1, client.caseStatus().name());
            if (client.closedAt() == null) {
                s.setNull(2, java.sql.Types.BIGINT);
            } else {
                s.setLong(2, client.closedAt().toEpochMilli());
            }
            s.setString(3, client.id());
            s.executeUpdate();
        }
        Clients.find(c, client.id()).orElseThrow();
    }
}
