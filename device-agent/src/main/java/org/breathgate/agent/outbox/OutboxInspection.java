package org.breathgate.agent.outbox;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import org.sqlite.SQLiteConfig;

/**
 * What an outbox holds, read without disturbing the agent that may be using it (a read-only
 * connection; SQLite's WAL lets it read while the agent writes): for the technician's
 * {@code status}, {@code doctor} and {@code deprovision}.
 *
 * @param deviceId     the device the outbox belongs to
 * @param depth        events waiting for the receiver's ack
 * @param bytes        their size, with the dead letters
 * @param deadLetters  events the receiver quarantined
 * @param lastSeq      the highest sequence number used
 * @param lastReading  the newest reading's compact JWS, if any
 */
public record OutboxInspection(String deviceId, int depth, long bytes, int deadLetters, long lastSeq, Optional<String> lastReading) {

    /** Reads {@code file} read-only; empty if there is no outbox there yet. */
    public static Optional<OutboxInspection> read(Path file) {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        SQLiteConfig ro = new SQLiteConfig();
        ro.setReadOnly(true);
        ro.setBusyTimeout(5000);
        // With the agent running, its connection keeps the -wal and -shm files and this reader joins
        // them. Without them nobody is writing, and a plain read-only connection would create them:
        // read the file as immutable instead, so inspecting leaves the device's files as they were.
        boolean quiet = !Files.exists(Path.of(file + "-wal"));
        String url = quiet ? "jdbc:sqlite:file:" + file.toAbsolutePath() + "?immutable=1" : "jdbc:sqlite:" + file;
        try (Connection c = ro.createConnection(url); Statement s = c.createStatement()) {
            String device = one(s, "SELECT v FROM meta WHERE k = 'device_id'");
            // Events the device key has not signed yet are waiting too (a file from before that table has none).
            boolean unsignedTable = one(s, "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'awaiting_signature'") != null;
            long lastSeq = Math.max(parse(one(s, "SELECT v FROM meta WHERE k = 'last_seq'")),
                    Math.max(parse(one(s, "SELECT MAX(seq) FROM outbox")), parse(one(s, "SELECT MAX(seq) FROM dead_letter"))));
            int depth = (int) parse(one(s, "SELECT COUNT(*) FROM outbox"));
            long bytes = parse(one(s, "SELECT COALESCE(SUM(LENGTH(compact)),0) FROM outbox"))
                    + parse(one(s, "SELECT COALESCE(SUM(LENGTH(compact)),0) FROM dead_letter"));
            if (unsignedTable) {
                lastSeq = Math.max(lastSeq, parse(one(s, "SELECT MAX(seq) FROM awaiting_signature")));
                depth += (int) parse(one(s, "SELECT COUNT(*) FROM awaiting_signature"));
                bytes += parse(one(s, "SELECT COALESCE(SUM(LENGTH(payload)),0) FROM awaiting_signature"));
            }
            int dead = (int) parse(one(s, "SELECT COUNT(*) FROM dead_letter"));
            String last = one(s, "SELECT compact FROM outbox WHERE type = 'reading' ORDER BY seq DESC LIMIT 1");
            if (last == null) {
                last = one(s, "SELECT v FROM meta WHERE k = 'last_reading'");
            }
            return Optional.of(new OutboxInspection(device == null ? "" : device, depth, bytes, dead, lastSeq, Optional.ofNullable(last)));
        } catch (SQLException e) {
            throw new OutboxException("cannot read the outbox " + file + ": " + e.getMessage(), e);
        }
    }

    private static String one(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    private static long parse(String v) {
        return v == null ? 0 : Long.parseLong(v);
    }
}
