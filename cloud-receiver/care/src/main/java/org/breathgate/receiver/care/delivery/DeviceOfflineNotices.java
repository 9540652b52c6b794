package org.breathgate.receiver.care.delivery;

import org.breathgate.care.access.Role;
import org.breathgate.receiver.care.gate.CareGate;
import org.breathgate.receiver.care.people.UserAccount;
import org.breathgate.receiver.care.people.Users;
import org.breathgate.receiver.care.schedule.DeviceConfigs;
import org.breathgate.receiver.evidence.db.Database;
import org.breathgate.receiver.evidence.db.Sql;
import org.breathgate.receiver.evidence.device.DeviceRegistry;
import org.breathgate.receiver.evidence.store.EvidenceReader;
import org.breathgate.receiver.evidence.store.LatestStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A device not heard from for longer than {@code heartbeats} of its heartbeat intervals reaches the technicians at once: each
 * outage (named by the time the device was last heard) is recorded in {@code care_device_outages}, mailed to every
 * technician with an e-mail address, and audited ({@code device.offline_reported}), once. Not an alert: technicians see no
 * client and no result, and the mail names only the device and when it was last heard. A mail that fails is tried again at
 * the next check; without a mail server the outage is recorded and audited, and shown on the Devices page.
 */
public final class DeviceOfflineNotices {

    private static final Logger LOG = LoggerFactory.getLogger(DeviceOfflineNotices.class);

    /**
     * Three heartbeats (90 minutes at the default 30-minute interval): one lost heartbeat on a weak mobile link is normal, three
     * in a row are a device that is off, unplugged or without a connection.
     */
    public static final int DEFAULT_HEARTBEATS = 3;

    private final Database database;
    private final CareGate gate;
    private final DeviceRegistry registry;
    private final EvidenceReader evidence;
    private final MailSender mail;
    private final int heartbeats;
    private final String signInUrl;
    private final ZoneId zone;
    private final Clock clock;

    /** @param mail the mail sender, or {@code null} when no mail server is configured */
    public DeviceOfflineNotices(Database database, CareGate gate, DeviceRegistry registry, MailSender mail, int heartbeats, String signInUrl,
                                ZoneId zone, Clock clock) {
        this.database = Objects.requireNonNull(database, "database");
        this.gate = Objects.requireNonNull(gate, "gate");
        this.registry = Objects.requireNonNull(registry, "registry");
        this.evidence = new EvidenceReader(database);
        this.mail = mail;
        if (heartbeats < 1 || heartbeats > 100) {
            throw new IllegalArgumentException("care.device-offline-heartbeats must be 1-100, was " + heartbeats);
        }
        this.heartbeats = heartbeats;
        this.signInUrl = signInUrl;
        this.zone = Objects.requireNonNull(zone, "zone");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** One round: every enrolled, not retired device that has been heard from at least once. Returns the outages reported now. */
    public List<String> check() {
        Instant now = clock.instant();
        List<String> reported = new ArrayList<>();
        for (String deviceId : registry.deviceIds()) {
            if (registry.device(deviceId).map(d -> d.revoked()).orElse(true)) {
                continue;
            }
            LatestStatus status = evidence.latestStatus(deviceId).orElse(null);
            if (status == null) {
                continue; // never heard: not yet installed
            }
            Duration interval = Duration.ofSeconds(intervalOf(deviceId));
            if (now.isBefore(status.lastSeenAt().plus(interval.multipliedBy(heartbeats)))) {
                continue;
            }
            if (report(deviceId, status.lastSeenAt())) {
                reported.add(deviceId);
            }
        }
        return reported;
    }

    /** The outages not yet reported, for the devices page: device id to when it was last heard. */
    public static java.util.Map<String, Instant> unreported(Connection c) throws SQLException {
        java.util.Map<String, Instant> out = new java.util.LinkedHashMap<>();
        try (PreparedStatement q = c.prepareStatement("select device_id, since_ms from care_device_outages where reported_at_ms is null");
             ResultSet rs = q.executeQuery()) {
            while (rs.next()) {
                out.put(rs.getString(1), Instant.ofEpochMilli(rs.getLong(2)));
            }
        }
        return out;
    }

    private long intervalOf(String deviceId) {
        return Sql.read(database, "reading the heartbeat interval of " + deviceId, c -> {
            try (PreparedStatement q = c.prepareStatement("select client_id from care_device_configs where device_id = ? "
                    + "order by version desc limit 1")) {
                q.setString(1, deviceId);
                try (ResultSet rs = q.executeQuery()) {
                    if (rs.next()) {
                        return DeviceConfigs.inForce(c, deviceId, rs.getString(1))
                                .map(i -> (long) i.config().statusIntervalSeconds()).orElse((long) DeviceConfigs.DEFAULT_STATUS_INTERVAL_SECONDS);
                    }
                }
            }
            return (long) DeviceConfigs.DEFAULT_STATUS_INTERVAL_SECONDS;
        });
    }

    private boolean report(String deviceId, Instant since) {
        List<UserAccount> technicians = Sql.write(database, "recording the outage of " + deviceId, c -> {
            try (PreparedStatement q = c.prepareStatement("select reported_at_ms from care_device_outages where device_id = ? and since_ms = ?")) {
                q.setString(1, deviceId);
                q.setLong(2, since.toEpochMilli());
                try (ResultSet rs = q.executeQuery()) {
                    if (rs.next()) {
                        return rs.getObject(1) == null ? technicians(c) : null;
                    }
                }
            }
            try (PreparedStatement s = c.prepareStatement("insert into care_device_outages (device_id, since_ms) values (?, ?)")) {
                s.setString(1, deviceId);
                s.setLong(2, since.toEpochMilli());
                s.executeUpdate();
            }
            return technicians(c);
        });
        if (technicians == null) {
            return false; // reported before
        }
        List<String> sent = new ArrayList<>();
        if (mail != null) {
            for (UserAccount t : technicians) {
                try {
                    mail.send(t.email(), AlertMail.offline(deviceId, since, t.language(), signInUrl, zone),
                            "<bg-offline-" + deviceId + "-" + since.toEpochMilli() + "-" + t.actor().userId() + "@breathgate>");
                    sent.add(t.actor().userId());
                } catch (DeliveryException e) {
                    LOG.warn("the offline notice of {} to {} failed; trying again at the next check: {}", deviceId, t.actor().userId(),
                            e.getMessage());
                    return false;
                }
            }
        }
        gate.runAsReceiver(DeliveryWorker.SYSTEM, "reporting the outage of " + deviceId, visit -> {
            try (PreparedStatement s = visit.connection().prepareStatement("update care_device_outages set reported_at_ms = ? "
                    + "where device_id = ? and since_ms = ?")) {
                s.setLong(1, visit.now().toEpochMilli());
                s.setString(2, deviceId);
                s.setLong(3, since.toEpochMilli());
                s.executeUpdate();
            }
            visit.record("device.offline_reported", "device", deviceId, "last heard " + since + ", more than " + heartbeats
                    + " heartbeats; " + (mail == null ? "no mail server: shown on the devices page" : "mailed to " + (sent.isEmpty()
                    ? "no technician with an e-mail address" : String.join(", ", sent))));
            return null;
        });
        LOG.warn("device {} offline since {} (more than {} heartbeats); technicians told: {}", deviceId, since, heartbeats, sent);
        return true;
    }

    private static List<UserAccount> technicians(Connection c) throws SQLException {
        List<UserAccount> out = new ArrayList<>();
        try (PreparedStatement q = c.prepareStatement("select id from care_users where role = ? and email is not null order by id")) {
            q.setString(1, Role.TECHNICIAN.name());
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    Users.find(c, rs.getString(1)).ifPresent(out::add);
                }
            }
        }
        return out;
    }
}
