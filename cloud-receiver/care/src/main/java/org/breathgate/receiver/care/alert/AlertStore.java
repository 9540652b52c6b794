package org.breathgate.receiver.care.alert;

import org.breathgate.care.alert.Alert;
import org.breathgate.care.alert.AlertCommand;
import org.breathgate.care.alert.AlertLookup;
import org.breathgate.receiver.evidence.db.Sql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Alerts in table {@code care_alerts}, one row per alert key, and what each command asks to deliver in
 * {@code care_alert_deliveries}: one row per channel and command. In this step the only channel is the
 * in-app inbox, which "delivers" by storing, so its rows are written {@code delivered}; e-mail and
 * webhook channels will add {@code pending} rows that their outbox works through, so nothing a
 * command asked for is lost between storing and sending.
 */
public final class AlertStore {

    /** The in-app inbox: a stored alert is delivered to it. */
    public static final String INBOX = "inbox";

    private AlertStore() {
    }

    /** Stores the alert of each command and records its delivery, in the caller's transaction. */
    public static void apply(Connection c, List<AlertCommand> commands, Instant now) throws SQLException {
        for (AlertCommand command : commands) {
            Alert alert = command.alert();
            save(c, alert);
            String reason = null;
            if (command instanceof AlertCommand.Raise) {
                reason = "raise";
            } else if (command instanceof AlertCommand.Update && ((AlertCommand.Update) command).deliverAgain()) {
                reason = "update";
            } else if (command instanceof AlertCommand.Escalate) {
                reason = "escalate";
            }
            if (reason != null) {
                try (PreparedStatement s = c.prepareStatement("insert into care_alert_deliveries (alert_key, channel, reason, state, "
                        + "attempts, created_at_ms, delivered_at_ms) values (?, ?, ?, 'delivered', 1, ?, ?)")) {
                    s.setString(1, alert.key());
                    s.setString(2, INBOX);
                    s.setString(3, reason);
                    s.setLong(4, now.toEpochMilli());
                    s.setLong(5, now.toEpochMilli());
                    s.executeUpdate();
                }
            }
        }
    }

    private static void save(Connection c, Alert a) throws SQLException {
        int updated;
        try (PreparedStatement s = c.prepareStatement("update care_alerts set kind = ?, severity = ?, status = ?, updated_at_ms = ?, "
                + "escalate_at_ms = ?, escalated_at_ms = ?, ack_by = ?, ack_note = ?, ack_at_ms = ?, alert_json = ? where alert_key = ?")) {
            s.setString(1, a.kind().name());
            s.setString(2, a.severity().name());
            s.setString(3, a.status().name());
            s.setLong(4, a.updatedAt().toEpochMilli());
            Sql.setInstant(s, 5, a.escalateAt());
            Sql.setInstant(s, 6, a.escalatedAt());
            s.setString(7, a.acknowledgement() == null ? null : a.acknowledgement().by());
            s.setString(8, a.acknowledgement() == null ? null : a.acknowledgement().note());
            Sql.setInstant(s, 9, a.acknowledgement() == null ? null : a.acknowledgement().at());
            s.setString(10, AlertJson.write(a));
            s.setString(11, a.key());
            updated = s.executeUpdate();
        }
        if (updated == 0) {
            try (PreparedStatement s = c.prepareStatement("insert into care_alerts (alert_key, client_id, device_id, kind, severity, "
                    + "status, raised_at_ms, updated_at_ms, escalate_at_ms, escalated_at_ms, ack_by, ack_note, ack_at_ms, alert_json) "
                    + "values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                s.setString(1, a.key());
                s.setString(2, a.clientId());
                s.setString(3, a.deviceId());
                s.setString(4, a.kind().name());
                s.setString(5, a.severity().name());
                s.setString(6, a.status().name());
                s.setLong(7, a.raisedAt().toEpochMilli());
                s.setLong(8, a.updatedAt().toEpochMilli());
                Sql.setInstant(s, 9, a.escalateAt());
                Sql.setInstant(s, 10, a.escalatedAt());
                s.setString(11, a.acknowledgement() == null ? null : a.acknowledgement().by());
                s.setString(12, a.acknowledgement() == null ? null : a.acknowledgement().note());
                Sql.setInstant(s, 13, a.acknowledgement() == null ? null : a.acknowledgement().at());
                s.setString(14, AlertJson.write(a));
                s.executeUpdate();
            }
        }
    }

    /** A lookup over the stored alerts, on {@code c}. */
    public static AlertLookup lookup(Connection c) {
        return key -> {
            try {
                return find(c, key);
            } catch (SQLException e) {
                throw new org.breathgate.receiver.evidence.db.StoreException("reading alert " + key + " failed: " + e.getMessage(), e);
            }
        };
    }

    public static Optional<Alert> find(Connection c, String key) throws SQLException {
        List<Alert> found = query(c, "select alert_json from care_alerts where alert_key = ?", key);
        return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
    }

    /** The client's alerts, newest first. */
    public static List<Alert> ofClient(Connection c, String clientId) throws SQLException {
        return query(c, "select alert_json from care_alerts where client_id = ? order by raised_at_ms desc, alert_key", clientId);
    }

    /** Every alert that is not resolved, newest first. */
    public static List<Alert> unresolved(Connection c) throws SQLException {
        return query(c, "select alert_json from care_alerts where status <> 'RESOLVED' order by raised_at_ms desc, alert_key", null);
    }

    /** Open alerts whose escalation time has come and that have not escalated. */
    static List<Alert> dueForEscalation(Connection c, Instant now) throws SQLException {
        try (PreparedStatement q = c.prepareStatement("select alert_json from care_alerts where status = 'OPEN' "
                + "and escalate_at_ms is not null and escalate_at_ms <= ? and escalated_at_ms is null")) {
            q.setLong(1, now.toEpochMilli());
            return read(q);
        }
    }

    /** The open or acknowledged silence alerts of {@code deviceId}. */
    static List<Alert> unresolvedSilence(Connection c, String deviceId) throws SQLException {
        try (PreparedStatement q = c.prepareStatement("select alert_json from care_alerts where device_id = ? "
                + "and kind = 'DEVICE_SILENT' and status <> 'RESOLVED'")) {
            q.setString(1, deviceId);
            return read(q);
        }
    }

    /** How many deliveries were recorded for {@code key}, by reason; for tests and the later outbox. */
    public static List<String> deliveries(Connection c, String key) throws SQLException {
        try (PreparedStatement q = c.prepareStatement("select channel, reason, state from care_alert_deliveries where alert_key = ? "
                + "order by id")) {
            q.setString(1, key);
            List<String> result = new ArrayList<>();
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    result.add(rs.getString(1) + ":" + rs.getString(2) + ":" + rs.getString(3));
                }
            }
            return result;
        }
    }

    /** Deletes the client's alerts and their deliveries (retention); returns how many alerts. */
    public static int deleteOfClient(Connection c, String clientId) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("delete from care_alert_deliveries where alert_key in "
                + "(select alert_key from care_alerts where client_id = ?)")) {
            s.setString(1, clientId);
            s.executeUpdate();
        }
        try (PreparedStatement s = c.prepareStatement("delete from care_alerts where client_id = ?")) {
            s.setString(1, clientId);
            return s.executeUpdate();
        }
    }

    private static List<Alert> query(Connection c, String sql, String param) throws SQLException {
        try (PreparedStatement q = c.prepareStatement(sql)) {
            if (param != null) {
                q.setString(1, param);
            }
            return read(q);
        }
    }

    private static List<Alert> read(PreparedStatement q) throws SQLException {
        List<Alert> alerts = new ArrayList<>();
        try (ResultSet rs = q.executeQuery()) {
            while (rs.next()) {
                alerts.add(AlertJson.read(rs.getString(1)));
            }
        }
        return alerts;
    }
}
