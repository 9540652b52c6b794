package org.breathgate.receiver.ingest.mqtt;

import org.breathgate.protocol.MessageType;
import org.breathgate.protocol.Topics;
import org.breathgate.receiver.evidence.db.Database;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Clears a retired device's retained downlink messages on the broker: for every retained downlink type
 * ({@code config}, {@code support_reply}, {@code test_request}) an empty retained publish on
 * {@code breathgate/v1/devices/{id}/down/{type}}, which removes the retained message (MQTT 3.1.1 section 3.3.1.3). A
 * retired device never reads them again, and its schedule and the service's word on its parent's requests should not
 * stay on the broker.
 *
 * <p>A device is retired by deprovisioning (the device API) or by {@code breathgate-receiver revoke} (another
 * process); either way {@link #sweep()} finds it in the registry ({@code devices.status = 'revoked'}) and records it in
 * {@code device_downlinks_cleared} once all its topics were cleared. A sweep runs when the receiver starts and every
 * {@link #EVERY} after; a device whose topics could not be cleared (the broker away) is tried again at the next sweep.
 * Several receivers on one database may each clear the same device: an empty retained publish twice is harmless.
 */
public final class RetiredDownlinks implements AutoCloseable {

    /** How often retired devices are looked for. */
    public static final Duration EVERY = Duration.ofSeconds(30);

    private static final Logger LOG = LoggerFactory.getLogger(RetiredDownlinks.class);
    private static final byte[] EMPTY = new byte[0];

    /** Publishes a retained message at QoS 1 and returns once the broker has taken it. */
    @FunctionalInterface
    public interface Sender {
        void publishRetained(String topic, byte[] payload) throws Exception;
    }

    private final Database database;
    private final Sender sender;
    private final Clock clock;
    private ScheduledExecutorService timer;

    public RetiredDownlinks(Database database, Sender sender, Clock clock) {
        this.database = Objects.requireNonNull(database, "database");
        this.sender = Objects.requireNonNull(sender, "sender");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** The retained downlink types, whose topics a retired device's are cleared of. */
    public static List<MessageType> retainedTypes() {
        List<MessageType> types = new ArrayList<>();
        for (MessageType t : MessageType.values()) {
            if (t.direction() == MessageType.Direction.DOWNLINK && t.retained()) {
                types.add(t);
            }
        }
        return List.copyOf(types);
    }

    /**
     * Clears the retained downlink topics of every retired device not cleared before.
     *
     * @return the devices cleared now
     */
    public List<String> sweep() throws SQLException {
        List<String> pending = database.read(c -> {
            List<String> ids = new ArrayList<>();
            try (PreparedStatement q = c.prepareStatement("select device_id from devices where status = 'revoked' and device_id not in "
                    + "(select device_id from device_downlinks_cleared) order by device_id");
                 ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getString(1));
                }
            }
            return ids;
        });
        List<String> cleared = new ArrayList<>();
        for (String deviceId : pending) {
            try {
                for (MessageType type : retainedTypes()) {
                    sender.publishRetained(Topics.downlink(deviceId, type), EMPTY);
                }
            } catch (Exception e) {
                LOG.warn("could not clear the retained downlink messages of retired device {} on the broker ({}); trying again in {} s",
                        deviceId, e.getMessage(), EVERY.toSeconds());
                continue;
            }
            database.inTransaction(c -> {
                try (PreparedStatement s = c.prepareStatement("insert into device_downlinks_cleared (device_id, cleared_at_ms) values (?, ?) "
                        + "on conflict (device_id) do nothing")) {
                    s.setString(1, deviceId);
                    s.setLong(2, clock.millis());
                    return s.executeUpdate();
                }
            });
            LOG.info("retired device {}: its retained downlink messages ({}) are cleared on the broker", deviceId,
                    retainedTypes().stream().map(MessageType::wireName).toList());
            cleared.add(deviceId);
        }
        return List.copyOf(cleared);
    }

    /** Sweeps now and then every {@code every}, on its own thread, until closed. */
    public synchronized void start(Duration every) {
        if (timer != null) {
            return;
        }
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "retired-downlinks");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(() -> {
            try {
                sweep();
            } catch (SQLException | RuntimeException e) {
                LOG.warn("looking for retired devices to clear failed: {}", e.getMessage());
            }
        }, 0, every.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public synchronized void close() {
        if (timer != null) {
            timer.shutdownNow();
            timer = null;
        }
    }
}
