package org.breathgate.receiver.evidence.store;

import org.breathgate.protocol.DeviceStatus;
import org.breathgate.protocol.EvidenceEvent;
import org.breathgate.protocol.InvalidMessageException;
import org.breathgate.protocol.Message;
import org.breathgate.protocol.MessageType;
import org.breathgate.protocol.SignedMessage;
import org.breathgate.protocol.StoredJws;
import org.breathgate.receiver.evidence.db.Database;
import org.breathgate.receiver.evidence.db.StoreException;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The one reader of stored evidence, device status and quarantine. Every stored event it returns is a
 * {@link StoredEvent}, read back from its exact signed bytes through the protocol ({@link StoredJws}).
 *
 * <p>Two ways in: the instance methods read on the database's reader connection (ingest's checks, tests, the admin
 * commands); the static ones read inside a caller's transaction, for the care workflow, so that what is shown and the
 * audit entry saying it was shown commit together. The care workflow attributes an event to the client whose device
 * assignment holds its {@linkplain StoredEvent#attributionTime() attribution time}.
 */
public final class EvidenceReader {

    private static final String EVIDENCE_COLUMNS = "device_id, seq, key_version, compact, received_at_ms, clock_check";

    private final Database database;

    public EvidenceReader(Database database) {
        this.database = Objects.requireNonNull(database, "database");
    }

    /** Every evidence event of {@code deviceId} whose device time is in [{@code from}, {@code to}), in time order. */
    public List<StoredEvent> events(String deviceId, Instant from, Instant to) {
        return queryEvents("select " + EVIDENCE_COLUMNS + " from evidence where device_id = ? and device_time_ms >= ? "
                + "and device_time_ms < ? order by device_time_ms, seq", deviceId, from, to, null);
    }

    /** The readings (breath tests) of {@code deviceId} whose device time is in [{@code from}, {@code to}), in time order. */
    public List<StoredEvent> readings(String deviceId, Instant from, Instant to) {
        return queryEvents("select " + EVIDENCE_COLUMNS + " from evidence where device_id = ? and device_time_ms >= ? "
                + "and device_time_ms < ? and type = ? order by device_time_ms, seq", deviceId, from, to, MessageType.READING);
    }

    /** The stored event {@code seq} of {@code deviceId}, if any. */
    public Optional<StoredEvent> event(String deviceId, long seq) {
        return read("event " + deviceId + "#" + seq, c -> {
            try (PreparedStatement q = c.prepareStatement("select " + EVIDENCE_COLUMNS + " from evidence where device_id = ? and seq = ?")) {
                q.setString(1, deviceId);
                q.setLong(2, seq);
                try (ResultSet rs = q.executeQuery()) {
                    return rs.next() ? Optional.of(storedEvent(rs)) : Optional.<StoredEvent>empty();
                }
            }
        });
    }

    /** How many evidence events of {@code deviceId} are stored. */
    public long count(String deviceId) {
        return read("count of " + deviceId, c -> {
            try (PreparedStatement q = c.prepareStatement("select count(*) from evidence where device_id = ?")) {
                q.setString(1, deviceId);
                try (ResultSet rs = q.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
    }

    /** How many evidence events are stored, from every device (a restored backup is checked against its manifest with it). */
    public long count() {
        return read("count of all evidence", c -> {
            try (PreparedStatement q = c.prepareStatement("select count(*) from evidence");
                 ResultSet rs = q.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    /** The device's latest status, if it ever sent one. */
    public Optional<LatestStatus> latestStatus(String deviceId) {
        return read("status of " + deviceId, c -> {
            try (PreparedStatement q = c.prepareStatement(
                    "select received_at_ms, online, max_last_seq, compact from device_status where device_id = ?")) {
                q.setString(1, deviceId);
                try (ResultSet rs = q.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.<LatestStatus>empty();
                    }
                    DeviceStatus status = (DeviceStatus) decode(rs.getString(4)).message();
                    return Optional.of(new LatestStatus(deviceId, Instant.ofEpochMilli(rs.getLong(1)), rs.getBoolean(2),
                            status, rs.getLong(3)));
                }
            }
        });
    }

    /**
     * The sequence numbers of {@code deviceId} that were never stored: holes between stored events,
     * and the missing tail up to the highest {@code lastSeq} the device reported in a status. A gap
     * is evidence the device made that has not arrived (still in its outbox, lost, or quarantined:
     * see {@link #quarantine(String)}).
     */
    public List<SeqRange> gaps(String deviceId) {
        return read("gaps of " + deviceId, c -> {
            List<SeqRange> gaps = new ArrayList<>();
            try (PreparedStatement q = c.prepareStatement(
                    "select prev + 1, seq - 1 from (select seq, coalesce(lag(seq) over (order by seq), 0) as prev "
                            + "from evidence where device_id = ?) t where seq > prev + 1 order by seq")) {
                q.setString(1, deviceId);
                try (ResultSet rs = q.executeQuery()) {
                    while (rs.next()) {
                        gaps.add(new SeqRange(rs.getLong(1), rs.getLong(2)));
                    }
                }
            }
            long highestStored;
            try (PreparedStatement q = c.prepareStatement("select coalesce(max(seq), 0) from evidence where device_id = ?")) {
                q.setString(1, deviceId);
                try (ResultSet rs = q.executeQuery()) {
                    rs.next();
                    highestStored = rs.getLong(1);
                }
            }
            try (PreparedStatement q = c.prepareStatement("select max_last_seq from device_status where device_id = ?")) {
                q.setString(1, deviceId);
                try (ResultSet rs = q.executeQuery()) {
                    if (rs.next() && rs.getLong(1) > highestStored) {
                        gaps.add(new SeqRange(highestStored + 1, rs.getLong(1)));
                    }
                }
            }
            return List.copyOf(gaps);
        });
    }

    /** How many messages are in quarantine, by reason. */
    public Map<String, Long> quarantineCounts() {
        return read("quarantine counts", c -> {
            Map<String, Long> counts = new LinkedHashMap<>();
            try (PreparedStatement q = c.prepareStatement("select reason, count(*) from quarantine group by reason order by reason");
                 ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    counts.put(rs.getString(1), rs.getLong(2));
                }
            }
            return Map.copyOf(counts);
        });
    }

    /**
     * How full the quarantine is: rows kept, and rows refused because a cap was reached (counted, not kept), overall and per
     * scope ({@code <device>|verified}, {@code <device>|unverified}, {@code -|unverified} for no device).
     */
    public QuarantineTally quarantineTally() {
        return read("quarantine tally", c -> {
            long kept = 0;
            long dropped = 0;
            Map<String, Long> droppedBy = new java.util.TreeMap<>();
            try (PreparedStatement q = c.prepareStatement("select scope, kept, dropped from quarantine_tally");
                 ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    if (rs.getString(1).equals("*")) {
                        kept = rs.getLong(2);
                        dropped = rs.getLong(3);
                    } else if (rs.getLong(3) > 0) {
                        droppedBy.put(rs.getString(1), rs.getLong(3));
                    }
                }
            }
            return new QuarantineTally(kept, dropped, droppedBy);
        });
    }

    /**
     * Rows kept and dropped.
     *
     * @param kept      rows in the quarantine table now
     * @param dropped   messages refused for a full quarantine since the table began
     * @param droppedBy of those, by scope
     */
    public record QuarantineTally(long kept, long dropped, Map<String, Long> droppedBy) {
        public QuarantineTally {
            droppedBy = Map.copyOf(droppedBy);
        }
    }

    /** The newest {@code limit} quarantine records, newest first. */
    public List<QuarantineRecord> quarantine(int limit) {
        return queryQuarantine("select " + QUARANTINE_COLUMNS + " from quarantine order by id desc limit ?", null, limit);
    }

    /** The quarantine records whose topic named {@code deviceId}, oldest first. */
    public List<QuarantineRecord> quarantine(String deviceId) {
        return queryQuarantine("select " + QUARANTINE_COLUMNS + " from quarantine where device_id = ? order by id", deviceId, 0);
    }

    private static final String QUARANTINE_COLUMNS = "id, received_at_ms, reason, topic, device_id, seq, detail, raw, raw_length";

    private List<QuarantineRecord> queryQuarantine(String sql, String deviceId, int limit) {
        return read("quarantine", c -> {
            try (PreparedStatement q = c.prepareStatement(sql)) {
                q.setObject(1, deviceId != null ? deviceId : limit);
                List<QuarantineRecord> records = new ArrayList<>();
                try (ResultSet rs = q.executeQuery()) {
                    while (rs.next()) {
                        long seq = rs.getLong(6);
                        Long seqOrNull = rs.wasNull() ? null : seq;
                        records.add(new QuarantineRecord(rs.getLong(1), Instant.ofEpochMilli(rs.getLong(2)), rs.getString(3),
                                rs.getString(4), rs.getString(5), seqOrNull, rs.getString(7), rs.getBytes(8), rs.getInt(9)));
                    }
                }
                return List.copyOf(records);
            }
        });
    }

    private List<StoredEvent> queryEvents(String sql, String deviceId, Instant from, Instant to, MessageType type) {
        return read("events of " + deviceId, c -> {
            try (PreparedStatement q = c.prepareStatement(sql)) {
                q.setString(1, deviceId);
                q.setLong(2, from.toEpochMilli());
                q.setLong(3, to.toEpochMilli());
                if (type != null) {
                    q.setString(4, type.wireName());
                }
                List<StoredEvent> events = new ArrayList<>();
                try (ResultSet rs = q.executeQuery()) {
                    while (rs.next()) {
                        events.add(storedEvent(rs));
                    }
                }
                return List.copyOf(events);
            }
        });
    }

    private <T> T read(String what, Database.SqlWork<T> work) {
        try {
            return database.read(work);
        } catch (SQLException e) {
            throw new StoreException("reading " + what + " failed: " + e.getMessage(), e);
        }
    }


    // ---------------------------------------------------------------- in a caller's transaction

    /** The events of {@code deviceId} whose attribution time lies in {@code [from, until)}, in that time's order. */
    public static List<StoredEvent> attributedTo(Connection c, String deviceId, Instant from, Instant until) throws SQLException {
        try (PreparedStatement q = c.prepareStatement("select " + EVIDENCE_COLUMNS + " from evidence where device_id = ? and ("
                + "(clock_synced = ? and clock_check is null and device_time_ms >= ? and device_time_ms < ?) or "
                + "((clock_synced = ? or clock_check is not null) and received_at_ms >= ? and received_at_ms < ?)) order by seq")) {
            q.setString(1, deviceId);
            q.setBoolean(2, true);
            q.setLong(3, from.toEpochMilli());
            q.setLong(4, until.toEpochMilli());
            q.setBoolean(5, false);
            q.setLong(6, from.toEpochMilli());
            q.setLong(7, until.toEpochMilli());
            List<StoredEvent> events = new ArrayList<>();
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    events.add(storedEvent(rs));
                }
            }
            events.sort(Comparator.comparing(StoredEvent::attributionTime));
            return events;
        }
    }

    /**
     * The stored events of {@code type} (every device) received at or after {@code since}, newest first, at most
     * {@code limit}: e.g. the support requests a service's list of requests shows.
     */
    public static List<StoredEvent> ofTypeReceivedSince(Connection c, org.breathgate.protocol.MessageType type, Instant since, int limit)
            throws SQLException {
        try (PreparedStatement q = c.prepareStatement("select " + EVIDENCE_COLUMNS + " from evidence where type = ? and received_at_ms >= ? "
                + "order by received_at_ms desc, device_id, seq desc")) {
            q.setString(1, type.wireName());
            q.setLong(2, since.toEpochMilli());
            q.setMaxRows(limit);
            List<StoredEvent> events = new ArrayList<>();
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    events.add(storedEvent(rs));
                }
            }
            return events;
        }
    }

    /** The stored events of {@code type} of {@code deviceId}, newest {@code seq} first, at most {@code limit}. */
    public static List<StoredEvent> ofDeviceAndType(Connection c, String deviceId, org.breathgate.protocol.MessageType type, int limit)
            throws SQLException {
        try (PreparedStatement q = c.prepareStatement("select " + EVIDENCE_COLUMNS + " from evidence where device_id = ? and type = ? "
                + "order by seq desc")) {
            q.setString(1, deviceId);
            q.setString(2, type.wireName());
            q.setMaxRows(limit);
            List<StoredEvent> events = new ArrayList<>();
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    events.add(storedEvent(rs));
                }
            }
            return events;
        }
    }

    /** The stored event {@code deviceId#seq}, if any, in the caller's transaction. */
    public static Optional<StoredEvent> event(Connection c, String deviceId, long seq) throws SQLException {
        try (PreparedStatement q = c.prepareStatement("select " + EVIDENCE_COLUMNS + " from evidence where device_id = ? and seq = ?")) {
            q.setString(1, deviceId);
            q.setLong(2, seq);
            try (ResultSet rs = q.executeQuery()) {
                return rs.next() ? Optional.of(storedEvent(rs)) : Optional.empty();
            }
        }
    }

    /** When the receiver last heard anything (evidence or status) from the device, if ever. */
    public static Optional<Instant> lastHeard(Connection c, String deviceId) throws SQLException {
        long latest = Long.MIN_VALUE;
        for (String sql : new String[] {"select max(received_at_ms) from evidence where device_id = ?",
                "select max(received_at_ms) from device_status where device_id = ?"}) {
            try (PreparedStatement q = c.prepareStatement(sql)) {
                q.setString(1, deviceId);
                try (ResultSet rs = q.executeQuery()) {
                    if (rs.next()) {
                        long v = rs.getLong(1);
                        if (!rs.wasNull()) {
                            latest = Math.max(latest, v);
                        }
                    }
                }
            }
        }
        return latest == Long.MIN_VALUE ? Optional.empty() : Optional.of(Instant.ofEpochMilli(latest));
    }

    // ---------------------------------------------------------------- decoding

    private static StoredEvent storedEvent(ResultSet rs) throws SQLException {
        SignedMessage signed = decode(rs.getString(4));
        if (!(signed.message() instanceof EvidenceEvent event)) {
            throw new StoreException("the evidence row " + rs.getString(1) + "#" + rs.getLong(2) + " holds a "
                    + signed.message().type().wireName() + ", not evidence: the database was changed outside the receiver");
        }
        return new StoredEvent(signed.keyId(), signed.compact(), event, Instant.ofEpochMilli(rs.getLong(5)), rs.getString(6));
    }

    /** The message inside stored compact bytes, which were verified before they were stored. */
    private static SignedMessage decode(String compact) {
        try {
            return StoredJws.read(compact);
        } catch (InvalidMessageException e) {
            throw new StoreException("a stored message no longer decodes (" + e.getMessage()
                    + "): the database was changed outside the receiver, or the protocol changed incompatibly", e);
        }
    }
}
