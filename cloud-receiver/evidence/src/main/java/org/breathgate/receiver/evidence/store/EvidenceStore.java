package org.breathgate.receiver.evidence.store;

import org.breathgate.receiver.evidence.db.Database;

import org.breathgate.protocol.DeviceStatus;
import org.breathgate.protocol.EvidenceEvent;
import org.breathgate.protocol.Reading;
import org.breathgate.protocol.SignedMessage;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Evidence, device status and quarantine in the {@link Database}, written in batches by ingest (read back through
 * {@link EvidenceReader}).
 *
 * <p>Evidence is kept exactly once per (device, sequence number), as the exact signed bytes plus
 * the fields needed to search it. The same signed content again (header and payload; see {@link #settleConflict}) is a {@link Write.Result#DUPLICATE}; other
 * bytes under a stored sequence number are a {@link Write.Result#SEQ_REUSED} tamper alarm, kept in
 * quarantine. Thread-safe.
 */
public final class EvidenceStore {

    /** Raw bytes kept of a quarantined message at most: the largest message a verifier reads. */
    public static final int MAX_QUARANTINE_BYTES = 16 * 1024;

    /** The quarantine reason for a sequence number reused with different content. */
    public static final String SEQ_REUSED = "seq_reused";
    /**
     * The quarantine reason for evidence signed by a superseded key version under a sequence number above the lowest one a
     * later version of the same device signed. A device signs every event once, when it stores it, with the key it has then,
     * and its numbers only grow; after a rotation it never signs with the old key again. So everything the old key signed has
     * a lower number than anything the new key signed, and such a message was made by a copy of the old key.
     */
    public static final String KEY_SUPERSEDED = "key_superseded";

    /**
     * How much the quarantine keeps, so that a flood of bad input cannot fill the disk: rows are capped per device and class
     * (verified by the device's key, or not: a flood of junk on a device's topics cannot crowd out that device's own
     * {@code seq_reused} records) and overall; beyond a cap a message is counted ({@code quarantine_tally.dropped}), not
     * kept. Rows older than {@code retention} are deleted ({@link #pruneQuarantine}).
     *
     * @param perDevice rows per device and class at most
     * @param overall   rows at most
     * @param retention how long a row is kept
     */
    public record QuarantineLimits(int perDevice, int overall, java.time.Duration retention) {
        /**
         * 500 rows per device and class, 10,000 overall (at most 16 KiB of raw bytes each: about 160 MiB), kept 90 days:
         * enough to see what an attack or a broken device sent, far from filling a disk.
         */
        public static final QuarantineLimits DEFAULT = new QuarantineLimits(500, 10_000, java.time.Duration.ofDays(90));

        public QuarantineLimits {
            if (perDevice < 1 || overall < perDevice) {
                throw new IllegalArgumentException("quarantine caps must be positive, the overall one at least the per-device one");
            }
            Objects.requireNonNull(retention, "retention");
            if (retention.isNegative() || retention.isZero()) {
                throw new IllegalArgumentException("quarantine retention must be positive");
            }
        }
    }

    private final Database database;
    private final QuarantineLimits limits;

    /** With {@link QuarantineLimits#DEFAULT}. */
    public EvidenceStore(Database database) {
        this(database, QuarantineLimits.DEFAULT);
    }

    public EvidenceStore(Database database, QuarantineLimits limits) {
        this.database = Objects.requireNonNull(database, "database");
        this.limits = Objects.requireNonNull(limits, "limits");
    }

    // ---------------------------------------------------------------- writing

    /**
     * Writes {@code writes} in one transaction and returns what happened to each, in order. When
     * this returns, everything is durably stored; when it throws, nothing is.
     */
    public List<Write.Result> write(List<? extends Write> writes) throws SQLException {
        if (writes.isEmpty()) {
            return List.of();
        }
        return database.inTransaction(connection -> {
            try (Statements s = new Statements(connection)) {
                Write.Result[] results = new Write.Result[writes.size()];
                insertEvidenceBatch(s, writes, results);
                for (int i = 0; i < writes.size(); i++) {
                    if (results[i] == null) {
                        results[i] = apply(s, writes.get(i));
                    }
                }
                return List.of(results);
            }
        });
    }

    /**
     * Inserts every evidence write in one JDBC batch (one round trip to PostgreSQL instead of one
     * per row), then settles the ones that hit an existing (device, seq): same signed content a duplicate,
     * other bytes a reused sequence number. Within one batch a repeat sees the earlier row, as the
     * rows are inserted in order in the same transaction.
     */
    private void insertEvidenceBatch(Statements s, List<? extends Write> writes, Write.Result[] results) throws SQLException {
        List<Integer> indexes = new ArrayList<>();
        PreparedStatement insert = null;
        for (int i = 0; i < writes.size(); i++) {
            if (writes.get(i) instanceof Write.Evidence evidence) {
                if (evidence.supersededKey() && signedAfterItsSuccessor(s, evidence, writes)) {
                    results[i] = Write.Result.KEY_SUPERSEDED;
                    continue;
                }
                insert = s.insertEvidence();
                bindEvidence(insert, evidence);
                insert.addBatch();
                indexes.add(i);
            }
        }
        if (insert == null) {
            return;
        }
        int[] counts = insert.executeBatch();
        for (int k = 0; k < indexes.size(); k++) {
            int i = indexes.get(k);
            results[i] = counts[k] == 1 ? Write.Result.STORED : settleConflict(s, (Write.Evidence) writes.get(i));
        }
    }

    private Write.Result apply(Statements s, Write write) throws SQLException {
        if (write instanceof Write.Status status) {
            saveStatus(s, status);
            return Write.Result.STATUS_SAVED;
        } else {
            return insertQuarantine(s, (Write.Quarantine) write) ? Write.Result.QUARANTINED : Write.Result.QUARANTINE_FULL;
        }
    }

    private static void bindEvidence(PreparedStatement insert, Write.Evidence write) throws SQLException {
        EvidenceEvent event = write.event();
        SignedMessage signed = write.signed();
        insert.setString(1, event.deviceId());
        insert.setLong(2, event.seq());
        insert.setString(3, event.type().wireName());
        insert.setInt(4, signed.keyId().version());
        insert.setString(5, signed.compact());
        insert.setLong(6, event.clock().wall().toEpochMilli());
        insert.setBoolean(7, event.clock().synced());
        insert.setString(8, event.clock().bootId());
        insert.setLong(9, write.receivedAt().toEpochMilli());
        if (event instanceof Reading reading) {
            insert.setString(10, reading.outcome().wireName());
            setNullableInt(insert, 11, reading.breathAlcohol() == null ? null : reading.breathAlcohol().microgramsPerLitre());
            insert.setInt(12, reading.threshold().microgramsPerLitre());
        } else {
            insert.setNull(10, Types.VARCHAR);
            insert.setNull(11, Types.INTEGER);
            insert.setNull(12, Types.INTEGER);
        }
        insert.setString(13, cut(write.misroutedTopic(), 512));
        insert.setInt(14, write.misroutedTopic() == null ? 0 : 1);
        insert.setString(15, cut(write.clockCheck(), 500));
    }

    /**
     * An insert found the (device, seq) taken: the same signed content (protected header and payload) is a duplicate, other
     * content a reused seq (quarantined). The signature is not compared: ECDSA signatures ({@code ES256}) are randomised, so
     * the same content signed twice (a device that re-signs on resend) has different signature bytes; both were verified
     * with the device's key before this point, so either is the device's. The stored row keeps the first one.
     */
    private Write.Result settleConflict(Statements s, Write.Evidence write) throws SQLException {
        EvidenceEvent event = write.event();
        SignedMessage signed = write.signed();
        PreparedStatement existing = s.selectCompact();
        existing.setString(1, event.deviceId());
        existing.setLong(2, event.seq());
        String stored;
        try (ResultSet rs = existing.executeQuery()) {
            if (!rs.next()) {
                throw new SQLException("insert of " + event.deviceId() + "#" + event.seq() + " conflicted, but no row is there");
            }
            stored = rs.getString(1);
        }
        if (signingInput(stored).equals(signingInput(signed.compact()))) {
            if (write.misroutedTopic() != null) {
                // Its exact bytes again, on another topic than their own: nothing new is stored, the mismatch is counted.
                PreparedStatement misrouted = s.countMisrouted();
                misrouted.setString(1, event.deviceId());
                misrouted.setLong(2, event.seq());
                misrouted.executeUpdate();
            }
            return Write.Result.DUPLICATE;
        }
        insertQuarantine(s, new Write.Quarantine(SEQ_REUSED, write.misroutedTopic(), event.deviceId(), event.seq(),
                "sequence number " + event.seq() + " is already stored with different content (signed by "
                        + signed.keyId() + ")", signed.bytes(), write.receivedAt(), true));
        return Write.Result.SEQ_REUSED;
    }

    /**
     * Whether {@code write}, signed by a superseded key version, carries a sequence number above the lowest one a later version
     * of its device signed, stored or in this batch; if so it is quarantined as {@link #KEY_SUPERSEDED}. Only writes ingest
     * marked {@link Write.Evidence#supersededKey()} pay for this query, so the latest key's evidence costs nothing more.
     */
    private boolean signedAfterItsSuccessor(Statements s, Write.Evidence write, List<? extends Write> batch) throws SQLException {
        EvidenceEvent event = write.event();
        int version = write.signed().keyId().version();
        long lowest = Long.MAX_VALUE;
        for (Write other : batch) {
            if (other instanceof Write.Evidence e && e.event().deviceId().equals(event.deviceId()) && e.signed().keyId().version() > version) {
                lowest = Math.min(lowest, e.event().seq());
            }
        }
        PreparedStatement query = s.lowestSeqOfLaterKeys();
        query.setString(1, event.deviceId());
        query.setInt(2, version);
        Integer laterVersion = null;
        try (ResultSet rs = query.executeQuery()) {
            if (rs.next()) {
                long stored = rs.getLong(1);
                if (!rs.wasNull() && stored < lowest) {
                    lowest = stored;
                    laterVersion = rs.getInt(2);
                }
            }
        }
        if (event.seq() <= lowest) {
            return false;
        }
        insertQuarantine(s, new Write.Quarantine(KEY_SUPERSEDED, write.misroutedTopic(), event.deviceId(), event.seq(),
                "signed by " + write.signed().keyId() + ", a superseded key version, under sequence number " + event.seq()
                        + ", above " + lowest + " which " + (laterVersion == null ? "a later version" : event.deviceId() + ":" + laterVersion)
                        + " already signed: the device never signs with an older key after a newer one (a copy of the old key?)",
                write.signed().bytes(), write.receivedAt(), true));
        return true;
    }

    /** {@code header.payload} of a compact JWS: what its signature covers. */
    static String signingInput(String compact) {
        int lastDot = compact.lastIndexOf('.');
        return lastDot < 0 ? compact : compact.substring(0, lastDot);
    }

    private void saveStatus(Statements s, Write.Status write) throws SQLException {
        DeviceStatus status = write.status();
        long received = write.receivedAt().toEpochMilli();
        PreparedStatement upsert = s.upsertStatus();
        int i = 1;
        upsert.setString(i++, status.deviceId());
        upsert.setLong(i++, received);
        upsert.setLong(i++, status.clock().wall().toEpochMilli());
        upsert.setBoolean(i++, status.online());
        upsert.setLong(i++, status.uptimeSeconds());
        upsert.setLong(i++, status.lastSeq());
        upsert.setLong(i++, status.lastSeq());
        upsert.setInt(i++, status.outboxDepth());
        upsert.setLong(i++, status.outboxBytes());
        upsert.setLong(i++, status.diskFreeBytes());
        upsert.setBoolean(i++, status.clock().synced());
        upsert.setString(i++, status.sensorState().wireName());
        upsert.setString(i++, status.calibrationDue() == null ? null : status.calibrationDue().toString());
        upsert.setString(i++, status.agentVersion());
        upsert.setLong(i++, status.configVersion());
        upsert.setString(i++, String.join(",", status.warnings()));
        upsert.setString(i++, write.signed().compact());
        if (status.outboxOldestSeconds() == null) {
            upsert.setNull(i, Types.BIGINT);
        } else {
            upsert.setLong(i, status.outboxOldestSeconds());
        }
        upsert.executeUpdate();
        // Whatever the order of arrival: the last will's online=false and the highest lastSeq always count.
        PreparedStatement always = s.updateStatusAlways();
        always.setBoolean(1, status.online());
        always.setLong(2, received);
        always.setLong(3, status.lastSeq());
        always.setLong(4, status.lastSeq());
        always.setString(5, status.deviceId());
        always.executeUpdate();
    }

    /** Inserts the quarantine row unless its cap is reached; returns whether it was kept (else it is counted as dropped). */
    private boolean insertQuarantine(Statements s, Write.Quarantine write) throws SQLException {
        String scope = scope(write.deviceId(), write.verified());
        if (kept(s, scope) >= limits.perDevice() || kept(s, "*") >= limits.overall()) {
            tally(s, scope, 0, 1);
            tally(s, "*", 0, 1);
            return false;
        }
        tally(s, scope, 1, 0);
        tally(s, "*", 1, 0);
        PreparedStatement insert = s.insertQuarantine();
        byte[] raw = write.raw().length > MAX_QUARANTINE_BYTES ? Arrays.copyOf(write.raw(), MAX_QUARANTINE_BYTES) : write.raw();
        insert.setLong(1, write.receivedAt().toEpochMilli());
        insert.setString(2, cut(write.reason(), 64));
        insert.setString(3, cut(write.topic(), 512));
        insert.setString(4, cut(write.deviceId(), 63));
        if (write.seq() == null) {
            insert.setNull(5, Types.BIGINT);
        } else {
            insert.setLong(5, write.seq());
        }
        insert.setString(6, cut(write.detail(), 1000));
        insert.setBytes(7, raw);
        insert.setInt(8, write.raw().length);
        insert.setInt(9, write.verified() ? 1 : 0);
        insert.executeUpdate();
        return true;
    }

    /** The tally's scope of a quarantined message: its device (or {@code -}) and class. */
    static String scope(String deviceId, boolean verified) {
        return (deviceId == null ? "-" : cut(deviceId, 63)) + (verified ? "|verified" : "|unverified");
    }

    private static long kept(Statements s, String scope) throws SQLException {
        PreparedStatement q = s.selectTally();
        q.setString(1, scope);
        try (ResultSet rs = q.executeQuery()) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    private static void tally(Statements s, String scope, int kept, int dropped) throws SQLException {
        PreparedStatement u = s.upsertTally();
        u.setString(1, scope);
        u.setInt(2, kept);
        u.setInt(3, dropped);
        u.executeUpdate();
    }

    /**
     * Deletes quarantine rows received before {@code now} minus the retention, and sets the tally's kept counts to what is
     * left; returns how many rows were deleted. Ingest calls it now and then.
     */
    public int pruneQuarantine(Instant now) throws SQLException {
        long before = now.minus(limits.retention()).toEpochMilli();
        return database.inTransaction(c -> {
            int deleted;
            try (PreparedStatement d = c.prepareStatement("delete from quarantine where received_at_ms < ?")) {
                d.setLong(1, before);
                deleted = d.executeUpdate();
            }
            if (deleted > 0) {
                try (PreparedStatement u = c.prepareStatement("update quarantine_tally set kept = 0");
                     PreparedStatement byScope = c.prepareStatement("update quarantine_tally set kept = (select count(*) from quarantine q"
                             + " where coalesce(q.device_id, '-') || '|' || case when q.verified = 1 then 'verified' else 'unverified' end"
                             + " = quarantine_tally.scope) where scope <> '*'");
                     PreparedStatement all = c.prepareStatement("update quarantine_tally set kept = (select count(*) from quarantine)"
                             + " where scope = '*'")) {
                    u.executeUpdate();
                    byScope.executeUpdate();
                    all.executeUpdate();
                }
            }
            return deleted;
        });
    }

    // ---------------------------------------------------------------- retention

    /**
     * Deletes the events of {@code deviceId} whose attribution time ({@link StoredEvent#attributionTime()}) lies in
     * {@code [from, until)}, in the caller's transaction; returns how many. Only retention deletes evidence.
     */
    public static int deleteAttributed(Connection c, String deviceId, Instant from, Instant until) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("delete from evidence where device_id = ? and ("
                + "(clock_synced = ? and clock_check is null and device_time_ms >= ? and device_time_ms < ?) or "
                + "((clock_synced = ? or clock_check is not null) and received_at_ms >= ? and received_at_ms < ?))")) {
            s.setString(1, deviceId);
            s.setBoolean(2, true);
            s.setLong(3, from.toEpochMilli());
            s.setLong(4, until.toEpochMilli());
            s.setBoolean(5, false);
            s.setLong(6, from.toEpochMilli());
            s.setLong(7, until.toEpochMilli());
            return s.executeUpdate();
        }
    }

    private static void setNullableInt(PreparedStatement statement, int index, Integer value) throws SQLException {
        if (value == null) {
            statement.setNull(index, Types.INTEGER);
        } else {
            statement.setInt(index, value);
        }
    }

    private static String cut(String text, int max) {
        return text == null || text.length() <= max ? text : text.substring(0, max);
    }

    /** The prepared statements of one write transaction, made when first needed. */
    private static final class Statements implements AutoCloseable {
        private final Connection connection;
        private PreparedStatement insertEvidence;
        private PreparedStatement selectCompact;
        private PreparedStatement upsertStatus;
        private PreparedStatement updateStatusAlways;
        private PreparedStatement insertQuarantine;
        private PreparedStatement countMisrouted;
        private PreparedStatement selectTally;
        private PreparedStatement upsertTally;
        private PreparedStatement lowestSeqOfLaterKeys;

        Statements(Connection connection) {
            this.connection = connection;
        }

        PreparedStatement insertEvidence() throws SQLException {
            if (insertEvidence == null) {
                insertEvidence = connection.prepareStatement("insert into evidence (device_id, seq, type, key_version, compact, "
                        + "device_time_ms, clock_synced, boot_id, received_at_ms, outcome, brac_ug_l, threshold_ug_l, arrived_topic, "
                        + "misrouted, clock_check) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) on conflict (device_id, seq) do nothing");
            }
            return insertEvidence;
        }

        PreparedStatement selectCompact() throws SQLException {
            if (selectCompact == null) {
                selectCompact = connection.prepareStatement("select compact from evidence where device_id = ? and seq = ?");
            }
            return selectCompact;
        }

        PreparedStatement upsertStatus() throws SQLException {
            if (upsertStatus == null) {
                // Heartbeats can arrive out of order: only a newer one (by device time) replaces the details.
                upsertStatus = connection.prepareStatement("insert into device_status (device_id, received_at_ms, device_time_ms, "
                        + "online, uptime_s, last_seq, max_last_seq, outbox_depth, outbox_bytes, disk_free_bytes, clock_synced, "
                        + "sensor_state, calibration_due, agent_version, config_version, warnings, compact, outbox_oldest_s) "
                        + "values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) on conflict (device_id) do update set "
                        + "device_time_ms = excluded.device_time_ms, uptime_s = excluded.uptime_s, last_seq = excluded.last_seq, "
                        + "outbox_depth = excluded.outbox_depth, outbox_bytes = excluded.outbox_bytes, "
                        + "outbox_oldest_s = excluded.outbox_oldest_s, "
                        + "disk_free_bytes = excluded.disk_free_bytes, clock_synced = excluded.clock_synced, "
                        + "sensor_state = excluded.sensor_state, calibration_due = excluded.calibration_due, "
                        + "agent_version = excluded.agent_version, config_version = excluded.config_version, "
                        + "warnings = excluded.warnings, compact = excluded.compact "
                        + "where excluded.device_time_ms >= device_status.device_time_ms");
            }
            return upsertStatus;
        }

        PreparedStatement updateStatusAlways() throws SQLException {
            if (updateStatusAlways == null) {
                updateStatusAlways = connection.prepareStatement("update device_status set online = ?, received_at_ms = ?, "
                        + "max_last_seq = case when ? > max_last_seq then ? else max_last_seq end where device_id = ?");
            }
            return updateStatusAlways;
        }

        PreparedStatement insertQuarantine() throws SQLException {
            if (insertQuarantine == null) {
                insertQuarantine = connection.prepareStatement("insert into quarantine (received_at_ms, reason, topic, device_id, "
                        + "seq, detail, raw, raw_length, verified) values (?, ?, ?, ?, ?, ?, ?, ?, ?)");
            }
            return insertQuarantine;
        }

        PreparedStatement countMisrouted() throws SQLException {
            if (countMisrouted == null) {
                countMisrouted = connection.prepareStatement("update evidence set misrouted = misrouted + 1 where device_id = ? and seq = ?");
            }
            return countMisrouted;
        }

        PreparedStatement selectTally() throws SQLException {
            if (selectTally == null) {
                selectTally = connection.prepareStatement("select kept from quarantine_tally where scope = ?");
            }
            return selectTally;
        }

        PreparedStatement upsertTally() throws SQLException {
            if (upsertTally == null) {
                upsertTally = connection.prepareStatement("insert into quarantine_tally (scope, kept, dropped) values (?, ?, ?) "
                        + "on conflict (scope) do update set kept = quarantine_tally.kept + excluded.kept, "
                        + "dropped = quarantine_tally.dropped + excluded.dropped");
            }
            return upsertTally;
        }

        /** The device's lowest stored sequence number signed by a key version above the given one, and that version. */
        PreparedStatement lowestSeqOfLaterKeys() throws SQLException {
            if (lowestSeqOfLaterKeys == null) {
                // In sequence order along the (device_id, seq) index, stopping at the first later version's row: no index of its own,
                // so the writes of every reading pay nothing for a query only a superseded key's messages make.
                lowestSeqOfLaterKeys = connection.prepareStatement("select seq, key_version from evidence where device_id = ?"
                        + " and key_version > ? order by seq limit 1");
            }
            return lowestSeqOfLaterKeys;
        }

        @Override
        public void close() throws SQLException {
            SQLException failure = null;
            for (PreparedStatement statement : new PreparedStatement[] {insertEvidence, selectCompact, upsertStatus,
                    updateStatusAlways, insertQuarantine, countMisrouted, selectTally, upsertTally, lowestSeqOfLaterKeys}) {
                if (statement != null) {
                    try {
                        statement.close();
                    } catch (SQLException e) {
                        if (failure == null) {
                            failure = e;
                        } else {
                            failure.addSuppressed(e);
                        }
                    }
                }
            }
            if (failure != null) {
                throw failure;
            }
        }
    }
}
