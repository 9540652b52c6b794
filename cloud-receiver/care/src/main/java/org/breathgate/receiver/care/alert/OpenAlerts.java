package org.breathgate.receiver.care.alert;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.EnumMap;
import java.util.Map;

import org.breathgate.care.alert.AlertKind;
import org.breathgate.receiver.evidence.db.Database;

/**
 * How many alerts are open, per kind: for the operator's metrics (docs/operations.md, "Monitor"). Counts only; which
 * clients they concern stays behind the care gate.
 */
public final class OpenAlerts {

    private final Database database;

    public OpenAlerts(Database database) {
        this.database = database;
    }

    /**
     * Open alerts by kind; every kind is present (0 when none).
     *
     * @throws SQLException if the database cannot be read
     */
    public Map<AlertKind, Long> byKind() throws SQLException {
        Map<AlertKind, Long> counts = new EnumMap<>(AlertKind.class);
        for (AlertKind kind : AlertKind.values()) {
            counts.put(kind, 0L);
        }
        database.read(c -> {
            try (PreparedStatement q = c.prepareStatement("select kind, count(*) from care_alerts where status = 'OPEN' group by kind");
                 ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    try {
                        counts.put(AlertKind.valueOf(rs.getString(1)), rs.getLong(2));
                    } catch (IllegalArgumentException unknownKind) {
                        // A kind a newer receiver on the same database knows: not this instance's to count.
                    }
                }
            }
            return null;
        });
        return counts;
    }
}
