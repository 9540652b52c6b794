package org.breathgate.receiver.care.delivery;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.breathgate.receiver.evidence.db.Database;

/**
 * How many alert deliveries wait or gave up, per channel: for the operator's metrics (docs/operations.md, "Monitor").
 * Counts only; who and what an alert is about stays behind the care gate.
 */
public final class DeliveryBacklog {

    /** The channels counted (the in-app inbox is delivered on storing and never waits). */
    public static final List<String> CHANNELS = List.of(Delivery.EMAIL, Delivery.WEBHOOK);

    private final Database database;

    public DeliveryBacklog(Database database) {
        this.database = database;
    }

    /**
     * Deliveries by channel and state ({@code pending}, {@code dead}); every channel of {@link #CHANNELS} is present.
     *
     * @throws SQLException if the database cannot be read
     */
    public Map<String, Map<String, Long>> counts() throws SQLException {
        Map<String, Map<String, Long>> counts = new HashMap<>();
        for (String channel : CHANNELS) {
            counts.put(channel, new HashMap<>(Map.of("pending", 0L, "dead", 0L)));
        }
        database.read(c -> {
            try (PreparedStatement q = c.prepareStatement("select channel, state, count(*) from care_alert_deliveries"
                    + " where state in ('pending', 'dead') and channel <> 'inbox' group by channel, state");
                 ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    counts.computeIfAbsent(rs.getString(1), k -> new HashMap<>()).put(rs.getString(2), rs.getLong(3));
                }
            }
            return null;
        });
        return counts;
    }
}
