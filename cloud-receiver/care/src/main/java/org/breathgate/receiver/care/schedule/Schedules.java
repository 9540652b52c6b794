package org.breathgate.receiver.care.schedule;

import org.breathgate.care.access.Actor;
import org.breathgate.care.access.Decision;
import org.breathgate.care.access.Operation;
import org.breathgate.care.alert.CaseContext;
import org.breathgate.care.audit.AuditAction;
import org.breathgate.protocol.ConfigUpdate;
import org.breathgate.protocol.MessageSigner;
import org.breathgate.protocol.MessageType;
import org.breathgate.protocol.Schedule;
import org.breathgate.protocol.SignedMessage;
import org.breathgate.protocol.Topics;
import org.breathgate.receiver.care.consent.CaseContexts;
import org.breathgate.receiver.care.gate.CareGate;
import org.breathgate.receiver.care.gate.Visit;
import org.breathgate.receiver.care.people.Assignment;
import org.breathgate.receiver.care.people.DeviceAssignments;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Objects;

/**
 * A client's test schedule, set with the parent by their substance-abuse worker: signed with the receiver's key as the
 * device's configuration, stored, audited, and sent to the device through the {@link DownlinkPublisher} (which the app wires
 * to ingest's MQTT connection).
 */
public final class Schedules {

    /** Until the enrolment step stores a device's language and heartbeat, configurations use these. */
    static final String DEFAULT_LANGUAGE = "fi";
    static final int DEFAULT_STATUS_INTERVAL_SECONDS = 600;

    private final CareGate gate;
    private final MessageSigner configSigner;
    private final DownlinkPublisher downlink;

    /**
     * @param configSigner signs configurations with the receiver's key ({@code receiver:N})
     * @param downlink     publishes them retained on the device's config topic
     */
    public Schedules(CareGate gate, MessageSigner configSigner, DownlinkPublisher downlink) {
        this.gate = Objects.requireNonNull(gate, "gate");
        this.configSigner = Objects.requireNonNull(configSigner, "configSigner");
        this.downlink = Objects.requireNonNull(downlink, "downlink");
    }

    /**
     * Sets the client's test schedule: a {@link ConfigUpdate} for the device lent to them now, with the client's alert
     * threshold as the device's retest threshold, signed with the receiver's key, stored, audited, and published retained on
     * the device's config topic once committed.
     *
     * @throws IllegalStateException if no device is lent to the client now
     */
    public SignedMessage set(Actor actor, String clientId, Schedule schedule) {
        SignedMessage signed = gate.run(actor, "setting the schedule of " + clientId, visit -> {
            Connection c = visit.connection();
            Instant now = visit.now();
            CaseContext context = CaseContexts.load(c, clientId);
            Decision d = visit.require(Operation.SET_SCHEDULE, context, "client", clientId);
            Assignment device = DeviceAssignments.ofClient(c, clientId).stream().filter(Assignment::active).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no device is lent to client " + clientId + "; assign one first"));
            long version = nextConfigVersion(c, device.deviceId());
            ConfigUpdate update = new ConfigUpdate(device.deviceId(), version, now, schedule, context.client().alertThreshold(),
                    DEFAULT_LANGUAGE, DEFAULT_STATUS_INTERVAL_SECONDS);
            SignedMessage message = configSigner.sign(update);
            try (PreparedStatement s = c.prepareStatement("insert into care_device_configs (device_id, version, client_id, issued_at_ms, "
                    + "issued_by, compact) values (?, ?, ?, ?, ?, ?)")) {
                s.setString(1, device.deviceId());
                s.setLong(2, version);
                s.setString(3, clientId);
                s.setLong(4, now.toEpochMilli());
                s.setString(5, actor.userId());
                s.setString(6, message.compact());
                s.executeUpdate();
            }
            visit.record(AuditAction.SCHEDULE_SET.code(), "client", clientId, Visit.basis(d) + "; device " + device.deviceId()
                    + " config v" + version + ", " + schedule.slots().size() + " slots");
            return message;
        });
        ConfigUpdate update = (ConfigUpdate) signed.message();
        downlink.publishRetained(Topics.downlink(update.deviceId(), MessageType.CONFIG), signed.bytes());
        return signed;
    }

    private static long nextConfigVersion(Connection c, String deviceId) throws SQLException {
        long highest = 0;
        for (String sql : new String[] {"select max(version) from care_device_configs where device_id = ?",
                "select config_version from device_status where device_id = ?"}) {
            try (PreparedStatement q = c.prepareStatement(sql)) {
                q.setString(1, deviceId);
                try (ResultSet rs = q.executeQuery()) {
                    if (rs.next()) {
                        highest = Math.max(highest, rs.getLong(1));
                    }
                }
            }
        }
        return highest + 1;
    }
}
