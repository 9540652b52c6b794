package org.breathgate.receiver.care.schedule;

import org.breathgate.care.access.Actor;
import org.breathgate.care.access.Decision;
import org.breathgate.care.access.Operation;
import org.breathgate.care.alert.CaseContext;
import org.breathgate.care.audit.AuditAction;
import org.breathgate.protocol.ConfigUpdate;
import org.breathgate.protocol.Schedule;
import org.breathgate.protocol.SignedMessage;
import org.breathgate.receiver.care.consent.CaseContexts;
import org.breathgate.receiver.care.gate.CareGate;
import org.breathgate.receiver.care.gate.Visit;

import java.util.Objects;
import java.util.Optional;

/**
 * A client's test schedule, set with the parent by their substance-abuse worker, in the parent's language: signed with the
 * receiver's key as the device's configuration ({@link DeviceConfigs}), stored, audited, and sent to the device through the
 * {@link DownlinkPublisher} (which the app wires to ingest's MQTT connection).
 */
public final class Schedules {

    private final CareGate gate;
    private final DeviceConfigs configs;

    public Schedules(CareGate gate, DeviceConfigs configs) {
        this.gate = Objects.requireNonNull(gate, "gate");
        this.configs = Objects.requireNonNull(configs, "configs");
    }

    /** As {@link #set(Actor, String, Schedule, String)} in the language of the client's schedule on record (Finnish if none). */
    public SignedMessage set(Actor actor, String clientId, Schedule schedule) {
        return set(actor, clientId, schedule, null);
    }

    /**
     * Sets the client's test schedule: a {@link ConfigUpdate} for the device lent to them now, with the client's alert
     * threshold as the device's retest threshold and {@code language} as its prompt language ({@code null}: the language of
     * the schedule on record, so a new schedule never resets the parent's language), signed with the receiver's key,
     * stored, audited, and published retained on the device's config topic once committed.
     *
     * @throws IllegalStateException if no device is lent to the client now
     */
    public SignedMessage set(Actor actor, String clientId, Schedule schedule, String language) {
        Objects.requireNonNull(schedule, "schedule");
        if (language != null && !ConfigUpdate.LANGUAGES.contains(language)) {
            throw new IllegalArgumentException("language must be one of fi, sv, en, was '" + language + "'");
        }
        SignedMessage signed = gate.run(actor, "setting the schedule of " + clientId, visit -> {
            CaseContext context = CaseContexts.load(visit.connection(), clientId);
            Decision d = visit.require(Operation.SET_SCHEDULE, context, "client", clientId);
            SignedMessage message = configs.issue(visit.connection(), visit.now(), actor.userId(), clientId, schedule, language)
                    .orElseThrow(() -> new IllegalStateException("no device is lent to client " + clientId + "; assign one first"));
            ConfigUpdate update = (ConfigUpdate) message.message();
            visit.record(AuditAction.SCHEDULE_SET.code(), "client", clientId, Visit.basis(d) + "; device " + update.deviceId()
                    + " config v" + update.version() + ", " + schedule.slots().size() + " slots, language " + update.language());
            return message;
        });
        configs.publish(Optional.of(signed));
        return signed;
    }

    /** How long a requested test stays open unless the worker says otherwise: "please test within 30 minutes". */
    public static final java.time.Duration DEFAULT_REQUEST_WINDOW = java.time.Duration.ofMinutes(30);

    /**
     * Asks the device lent to the client for a test now: a {@link org.breathgate.protocol.TestRequest} open for
     * {@code window} (at most four hours), signed with the receiver's key like a configuration, stored, audited
     * ({@code test.requested}) and published retained on the device's {@code down/test_request} topic once committed. A
     * missed one is a missed test like any other; one that never arrives raises "expected test not received".
     *
     * @throws IllegalStateException if no device is lent to the client now
     */
    public org.breathgate.protocol.TestRequest requestTest(Actor actor, String clientId, java.time.Duration window) {
        SignedMessage signed = gate.run(actor, "asking " + clientId + " for a test now", visit -> {
            CaseContext context = CaseContexts.load(visit.connection(), clientId);
            Decision d = visit.require(Operation.SET_SCHEDULE, context, "client", clientId);
            java.sql.Connection c = visit.connection();
            String device = org.breathgate.receiver.care.people.DeviceAssignments.ofClient(c, clientId).stream()
                    .filter(org.breathgate.receiver.care.people.Assignment::active).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no device is lent to client " + clientId + "; assign one first"))
                    .deviceId();
            long number = 1;
            try (java.sql.PreparedStatement q = c.prepareStatement("select max(request) from care_test_requests where device_id = ?")) {
                q.setString(1, device);
                try (java.sql.ResultSet rs = q.executeQuery()) {
                    if (rs.next()) {
                        number = rs.getLong(1) + 1;
                    }
                }
            }
            org.breathgate.protocol.TestRequest request = new org.breathgate.protocol.TestRequest(device, number, visit.now(),
                    visit.now().plus(window));
            SignedMessage message = configs.sign(request);
            try (java.sql.PreparedStatement s = c.prepareStatement("insert into care_test_requests (device_id, request, client_id, "
                    + "issued_at_ms, until_ms, issued_by, compact) values (?, ?, ?, ?, ?, ?, ?)")) {
                s.setString(1, device);
                s.setLong(2, number);
                s.setString(3, clientId);
                s.setLong(4, request.issued().toEpochMilli());
                s.setLong(5, request.until().toEpochMilli());
                s.setString(6, actor.userId());
                s.setString(7, message.compact());
                s.executeUpdate();
            }
            visit.record("test.requested", "client", clientId, Visit.basis(d) + "; device " + device + " request " + number + " until "
                    + request.until());
            return message;
        });
        configs.publishTestRequest(signed);
        return (org.breathgate.protocol.TestRequest) signed.message();
    }

    /**
     * The client's schedule as last sent to a device (with its language, threshold and who set it), for whoever may open the
     * client's timeline; empty when none was ever sent.
     */
    public Optional<DeviceConfigs.OnRecord> current(Actor actor, String clientId) {
        return gate.look(actor, "reading the schedule of " + clientId, visit -> {
            CaseContext context = CaseContexts.load(visit.connection(), clientId);
            visit.require(Operation.VIEW_TIMELINE, context, "client", clientId);
            return DeviceConfigs.onRecord(visit.connection(), clientId);
        });
    }

    /**
     * The client's next scheduled test by the schedule on record (the parent's first page): as {@link #current}, decided by
     * the same rule; empty when no schedule was sent or it has no fixed times.
     */
    public Optional<NextTest> nextTest(Actor actor, String clientId) {
        return current(actor, clientId).flatMap(r -> NextTest.of(r.config().schedule(), gate.now()));
    }
}
