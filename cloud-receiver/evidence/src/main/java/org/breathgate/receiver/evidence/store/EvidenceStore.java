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

    private final Database database;

    public EvidenceStore(Database database) {
        this.database = Objects.requireNonNull(database, "database");
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
            insertQuarantine(s, (Write.Quarantine) write);
            return Write.Result.QUARANTINED;
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
            return Write.Result.DUPLICATE;
        }
        insertQuarantine(s, new Write.Quarantine(SEQ_REUSED, null, event.deviceId(), event.seq(),
                "sequence number " + event.seq() + " is already stored with different content (signed by "
                        + signed.keyId() + ")", signed.bytes(), write.receivedAt()));
        return Write.Result.SEQ_REUSED;
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
        upsert.setString(i, write.signed().compact());
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

    private void insertQuarantine(Statements s, Write.Quarantine write) throws SQLException {
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
        insert.executeUpdate();
    }

    // ---------------------------------------------------------------- retention

    /**
     * Deletes the events of {@code deviceId} whose attribution time ({@link StoredEvent#attributionTime()}) lies in
     * {@code [from, until)}, in the caller's transaction; returns how many. Only retention deletes evidence.
     */
    public static int deleteAttributed(Connection c, String deviceId, Instant from, Instant until) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("delete from evidence where device_id = ? and ("
                + "(clock_synced = ? and device_time_ms >= ? and device_time_ms < ?) or "
                + "(clock_synced = ? and received_at_ms >= ? and received_at_ms < ?))")) {
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

        Statements(Connection connection) {
            this.connection = connection;
        }

        PreparedStatement insertEvidence() throws SQLException {
            if (insertEvidence == null) {
                insertEvidence = connection.prepareStatement("insert into evidence (device_id, seq, type, key_version, compact, "
                        + "device_time_ms, clock_synced, boot_id, received_at_ms, outcome, brac_ug_l, threshold_ug_l) "
                        + "values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) on conflict (device_id, seq) do nothing");
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
                        + "sensor_state, calibration_due, agent_version, config_version, warnings, compact) "
                        + "values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) on conflict (device_id) do update set "
                        + "device_time_ms = excluded.device_time_ms, uptime_s = excluded.uptime_s, last_seq = excluded.last_seq, "
                        + "outbox_depth = excluded.outbox_depth, outbox_bytes = excluded.outbox_bytes, "
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
                        + "seq, detail, raw, raw_length) values (?, ?, ?, ?, ?, ?, ?, ?)");
            }
            return insertQuarantine;
        }

        @Override
        public void close() throws SQLException {
            SQLException failure = null;
            for (PreparedStatement statement : new PreparedStatement[] {insertEvidence, selectCompact, upsertStatus,
                    updateStatusAlways, insertQuarantine}) {
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
