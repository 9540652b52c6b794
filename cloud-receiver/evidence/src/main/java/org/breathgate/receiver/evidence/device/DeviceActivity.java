package org.breathgate.receiver.evidence.device;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;

import org.breathgate.receiver.evidence.db.Database;

/**
 * The fleet at a glance, from the devices' last status heartbeats: for the operator's metrics (docs/operations.md,
 * "Monitor"). Counts only.
 */
public final class DeviceActivity {

    /**
     * A device counts as online when its last heartbeat said so (the broker sends its last will, {@code online=false},
     * when the connection drops) and came within this long: two heartbeat intervals of an hour (docs/agent.md).
     */
    public static final Duration ONLINE_WITHIN = Duration.ofHours(2);

    /**
     * @param devicesOnline        devices heard from recently that said they are online
     * @param devicesReporting     devices with any heartbeat at all
     * @param outboxDepthMax       the most evidence events one online device holds unacknowledged
     * @param outboxOldestMaxSeconds how long the oldest unacknowledged event of any online device has waited, as its
     *                             latest heartbeat said (devices that do not say it count as 0)
     */
    public record Summary(long devicesOnline, long devicesReporting, long outboxDepthMax, long outboxOldestMaxSeconds) {
    }

    private final Database database;

    public DeviceActivity(Database database) {
        this.database = database;
    }

    /**
     * The summary as of {@code now}.
     *
     * @throws SQLException if the database cannot be read
     */
    public Summary summary(Instant now) throws SQLException {
        long since = now.minus(ONLINE_WITHIN).toEpochMilli();
        return database.read(c -> {
            try (PreparedStatement q = c.prepareStatement("select"
                    + " coalesce(sum(case when online and received_at_ms >= ? then 1 else 0 end), 0),"
                    + " count(*),"
                    + " coalesce(max(case when online and received_at_ms >= ? then outbox_depth else 0 end), 0),"
                    + " coalesce(max(case when online and received_at_ms >= ? then outbox_oldest_s else 0 end), 0)"
                    + " from device_status")) {
                q.setLong(1, since);
                q.setLong(2, since);
                q.setLong(3, since);
                try (ResultSet rs = q.executeQuery()) {
                    rs.next();
                    return new Summary(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4));
                }
            }
        });
    }
}
