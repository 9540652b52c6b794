package org.breathgate.receiver.care.schedule;

import org.breathgate.care.access.Client;
import org.breathgate.protocol.ConfigUpdate;
import org.breathgate.protocol.InvalidMessageException;
import org.breathgate.protocol.MessageSigner;
import org.breathgate.protocol.MessageType;
import org.breathgate.protocol.Schedule;
import org.breathgate.protocol.SignedMessage;
import org.breathgate.protocol.StoredJws;
import org.breathgate.protocol.Topics;
import org.breathgate.receiver.care.people.Assignment;
import org.breathgate.receiver.care.people.Clients;
import org.breathgate.receiver.care.people.DeviceAssignments;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The one place a device's configuration is made from what the receiver knows of its client: the schedule agreed with the
 * parent, the parent's language, the client's alert threshold (the device's retest threshold, the same from the first
 * minute) and the heartbeat interval. Every configuration is signed with the receiver's key, stored in
 * {@code care_device_configs} (which is also where a client's schedule and language are read back from: the signed
 * configuration is their record) and, once the caller's transaction committed, published retained on the device's config
 * topic. A new schedule, a new threshold, and a device lent to the client each issue one.
 */
public final class DeviceConfigs {

    /** The prompt language of a client whose schedule never named one: Finnish, the service's own. */
    public static final String DEFAULT_LANGUAGE = "fi";

    /**
     * Seconds between a device's heartbeats: an hour, the agent's own default ({@code status.interval.s}), so a device
     * keeps the same rhythm before and after its first configuration. "Offline for longer than N heartbeats" is counted in
     * this interval.
     */
    public static final int DEFAULT_STATUS_INTERVAL_SECONDS = 3600;

    private final MessageSigner signer;
    private final DownlinkPublisher downlink;
    private final ZoneId zone;

    /**
     * @param signer   signs configurations with the receiver's key ({@code receiver:N})
     * @param downlink publishes them retained on the device's config topic
     * @param zone     the zone of a schedule made for a client who has none yet
     */
    public DeviceConfigs(MessageSigner signer, DownlinkPublisher downlink, ZoneId zone) {
        this.signer = Objects.requireNonNull(signer, "signer");
        this.downlink = Objects.requireNonNull(downlink, "downlink");
        this.zone = Objects.requireNonNull(zone, "zone");
    }

    /** A client's schedule as the receiver last sent it: the configuration it was part of, and who issued it when. */
    public record OnRecord(ConfigUpdate config, String issuedBy) {
        public OnRecord {
            Objects.requireNonNull(config, "config");
            Objects.requireNonNull(issuedBy, "issuedBy");
        }
    }

    /**
     * Signs and stores, in the caller's transaction, the configuration of the device lent to {@code clientId} now, made of
     * {@code schedule} and {@code language} where given and of the client's schedule on record otherwise (none yet: no slots,
     * the default rules), and the client's threshold as it is stored now. Publish the answer with {@link #publish} after
     * the transaction committed.
     *
     * @return the signed configuration, or empty when no device is lent to the client now
     */
    public Optional<SignedMessage> issue(Connection c, Instant now, String issuedBy, String clientId, Schedule schedule, String language)
            throws SQLException {
        Optional<Assignment> device = DeviceAssignments.ofClient(c, clientId).stream().filter(Assignment::active).findFirst();
        if (device.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(issueTo(c, now, issuedBy, clientId, device.get().deviceId(), schedule, language));
    }

    /** As {@link #issue} for {@code deviceId} (the device just lent to the client). */
    public SignedMessage issueTo(Connection c, Instant now, String issuedBy, String clientId, String deviceId, Schedule schedule,
                                 String language) throws SQLException {
        Client client = Clients.find(c, clientId).orElseThrow(() -> new IllegalArgumentException("no client " + clientId));
        Optional<OnRecord> before = onRecord(c, clientId);
        Schedule s = schedule != null ? schedule
                : before.map(r -> r.config().schedule()).orElseGet(() -> Schedule.withDefaults(zone, List.of()));
        String lang = language != null ? language : before.map(r -> r.config().language()).orElse(DEFAULT_LANGUAGE);
        long version = nextVersion(c, deviceId);
        ConfigUpdate update = new ConfigUpdate(deviceId, version, now, s, client.alertThreshold(), lang, DEFAULT_STATUS_INTERVAL_SECONDS);
        SignedMessage message = signer.sign(update);
        try (PreparedStatement st = c.prepareStatement("insert into care_device_configs (device_id, version, client_id, issued_at_ms, "
                + "issued_by, compact) values (?, ?, ?, ?, ?, ?)")) {
            st.setString(1, deviceId);
            st.setLong(2, version);
            st.setString(3, clientId);
            st.setLong(4, now.toEpochMilli());
            st.setString(5, issuedBy);
            st.setString(6, message.compact());
            st.executeUpdate();
        }
        return message;
    }

    /** Sends what {@link #issue} made (after its transaction committed), retained so an offline device gets it later. */
    public void publish(Optional<SignedMessage> message) {
        message.ifPresent(m -> downlink.publishRetained(Topics.downlink(m.message().deviceId(), MessageType.CONFIG), m.bytes()));
    }

    /** Signs a receiver message (a test request) with the receiver's key. */
    SignedMessage sign(org.breathgate.protocol.ReceiverMessage message) {
        return signer.sign(message);
    }

    /** Sends a signed test request, retained, on the device's {@code down/test_request} topic. */
    void publishTestRequest(SignedMessage message) {
        downlink.publishRetained(Topics.downlink(message.message().deviceId(), MessageType.TEST_REQUEST), message.bytes());
    }

    /** The test requests of a device whose window closed in {@code [from, to)}: number, when issued, until. */
    public record Requested(String deviceId, long request, String clientId, Instant issued, Instant until) {
    }

    /** Requests to {@code deviceId} for {@code clientId} whose window closed in {@code [from, to)}. */
    public static java.util.List<Requested> requestsClosed(Connection c, String deviceId, String clientId, Instant from, Instant to)
            throws SQLException {
        java.util.List<Requested> out = new java.util.ArrayList<>();
        try (PreparedStatement q = c.prepareStatement("select request, issued_at_ms, until_ms from care_test_requests where device_id = ? "
                + "and client_id = ? and until_ms >= ? and until_ms < ? order by request")) {
            q.setString(1, deviceId);
            q.setString(2, clientId);
            q.setLong(3, from.toEpochMilli());
            q.setLong(4, to.toEpochMilli());
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    out.add(new Requested(deviceId, rs.getLong(1), clientId, Instant.ofEpochMilli(rs.getLong(2)), Instant.ofEpochMilli(rs.getLong(3))));
                }
            }
        }
        return out;
    }

    /** The configuration last issued for {@code clientId} (on whichever device), if any. */
    public static Optional<OnRecord> onRecord(Connection c, String clientId) throws SQLException {
        try (PreparedStatement q = c.prepareStatement("select compact, issued_by from care_device_configs where client_id = ? "
                + "order by issued_at_ms desc, version desc limit 1")) {
            q.setString(1, clientId);
            try (ResultSet rs = q.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                try {
                    return Optional.of(new OnRecord((ConfigUpdate) StoredJws.read(rs.getString(1)).message(), rs.getString(2)));
                } catch (InvalidMessageException e) {
                    throw new IllegalStateException("the stored configuration of client " + clientId + " cannot be read: " + e.getMessage(), e);
                }
            }
        }
    }

    /** A configuration as issued: when, and what it said. */
    public record Issued(ConfigUpdate config, Instant issuedAt) {
    }

    /** The configuration last issued to {@code deviceId} while lent to {@code clientId}: the schedule the device keeps now. */
    public static Optional<Issued> inForce(Connection c, String deviceId, String clientId) throws SQLException {
        try (PreparedStatement q = c.prepareStatement("select compact, issued_at_ms from care_device_configs where device_id = ? "
                + "and client_id = ? order by version desc limit 1")) {
            q.setString(1, deviceId);
            q.setString(2, clientId);
            try (ResultSet rs = q.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                try {
                    return Optional.of(new Issued((ConfigUpdate) StoredJws.read(rs.getString(1)).message(),
                            Instant.ofEpochMilli(rs.getLong(2))));
                } catch (InvalidMessageException e) {
                    throw new IllegalStateException("the stored configuration of " + deviceId + " cannot be read: " + e.getMessage(), e);
                }
            }
        }
    }

    private static long nextVersion(Connection c, String deviceId) throws SQLException {
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
