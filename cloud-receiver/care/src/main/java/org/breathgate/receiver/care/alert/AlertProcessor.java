package org.breathgate.receiver.care.alert;

import org.breathgate.care.alert.Alert;
import org.breathgate.care.alert.AlertCommand;
import org.breathgate.care.alert.AlertEngine;
import org.breathgate.care.alert.CaseContext;
import org.breathgate.receiver.evidence.db.Sql;
import org.breathgate.receiver.care.consent.CaseContexts;
import org.breathgate.receiver.evidence.store.EvidenceReader;
import org.breathgate.receiver.care.people.Assignment;
import org.breathgate.receiver.care.people.DeviceAssignments;
import org.breathgate.receiver.evidence.db.Database;
import org.breathgate.receiver.evidence.store.EvidenceListener;
import org.breathgate.receiver.evidence.store.StoredEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Runs the care core's {@link AlertEngine} against stored data and stores what it decides: each
 * evidence event (client resolved through the device assignment), and the minute tick (silence
 * checks for devices in use, escalations). Each step reads and writes in one writer transaction, so
 * the engine always sees the alerts as they are stored. Not thread-safe by design: the
 * {@link CareScheduler}'s one thread runs every step.
 */
public final class AlertProcessor {

    private static final Logger LOG = LoggerFactory.getLogger(AlertProcessor.class);

    private final Database database;
    private final DeviceAssignments assignments;
    private final AlertEngine engine;
    private final Clock clock;
    private final java.util.concurrent.atomic.AtomicLong unassigned = new java.util.concurrent.atomic.AtomicLong();

    public AlertProcessor(Database database, DeviceAssignments assignments, AlertEngine engine, Clock clock) {
        this.database = Objects.requireNonNull(database, "database");
        this.assignments = Objects.requireNonNull(assignments, "assignments");
        this.engine = Objects.requireNonNull(engine, "engine");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Feeds one stored event to the engine; returns the commands stored. An event whose device clock ingest doubted also
     * raises {@code CLOCK_DOUBTED}; an event that belongs to no client's period raises {@code UNASSIGNED_EVIDENCE} on the
     * client the device was lent to nearest its time, and is counted ({@link #unassigned()}).
     */
    public List<AlertCommand> onStored(StoredEvent stored) {
        Instant now = clock.instant();
        return Sql.write(database, "alerts for " + stored.deviceId() + "#" + stored.seq(), c -> {
            Instant attributed = stored.attributionTime();
            Optional<String> clientId = DeviceAssignments.clientAt(c, stored.deviceId(), attributed);
            if (clientId.isEmpty()) {
                return unassigned(c, stored, attributed, now);
            }
            CaseContext context = CaseContexts.load(c, clientId.get());
            List<AlertCommand> commands = new ArrayList<>(
                    engine.onEvidence(stored.event(), stored.receivedAt(), context, AlertStore.lookup(c), now));
            if (stored.clockDoubted()) {
                commands.addAll(engine.onClockDoubted(stored.event(), stored.receivedAt(), stored.clockCheck(), context,
                        AlertStore.lookup(c), now));
            }
            for (Alert silent : AlertStore.unresolvedSilence(c, stored.deviceId())) {
                commands.addAll(engine.onDeviceHeard(stored.deviceId(), silentSince(silent), stored.receivedAt(), AlertStore.lookup(c)));
            }
            AlertStore.apply(c, commands, now);
            return List.copyOf(commands);
        });
    }

    /** Evidence outside every period: counted, logged, and alerted on the nearest client (if the device was ever lent). */
    private List<AlertCommand> unassigned(Connection c, StoredEvent stored, Instant attributed, Instant now) throws SQLException {
        long count = unassigned.incrementAndGet();
        Optional<Assignment> nearest = DeviceAssignments.nearest(c, stored.deviceId(), attributed);
        if (nearest.isEmpty()) {
            LOG.warn("{}#{} belongs to no client: device {} was never lent to anyone ({} such events since start); nobody to alert",
                    stored.deviceId(), stored.seq(), stored.deviceId(), count);
            return List.of();
        }
        LOG.warn("{}#{} belongs to no client: device not lent at {} ({} such events since start); alerting the service of {}",
                stored.deviceId(), stored.seq(), attributed, count, nearest.get().clientId());
        CaseContext context = CaseContexts.load(c, nearest.get().clientId());
        List<AlertCommand> commands = new ArrayList<>(engine.onUnassignedEvidence(stored.event(), stored.receivedAt(), attributed, context,
                AlertStore.lookup(c), now));
        if (stored.clockDoubted()) {
            commands.addAll(engine.onClockDoubted(stored.event(), stored.receivedAt(), stored.clockCheck(), context, AlertStore.lookup(c), now));
        }
        AlertStore.apply(c, commands, now);
        return List.copyOf(commands);
    }

    /**
     * Something the device signed could not be kept as evidence ({@code seq_reused}, a photo hash mismatch,
     * {@code store_failed}, ...): a {@code DEVICE_INTEGRITY} alert on the client the device was lent to when it arrived (or
     * nearest then). Returns the commands stored.
     */
    public List<AlertCommand> onIntegrity(EvidenceListener.Quarantined q) {
        if (q.deviceId() == null || !q.verified()) {
            return List.of();
        }
        Instant now = clock.instant();
        return Sql.write(database, "integrity alert for " + q.deviceId(), c -> {
            Optional<String> clientId = DeviceAssignments.clientAt(c, q.deviceId(), q.receivedAt());
            if (clientId.isEmpty()) {
                clientId = DeviceAssignments.nearest(c, q.deviceId(), q.receivedAt()).map(Assignment::clientId);
            }
            if (clientId.isEmpty()) {
                LOG.warn("{} of {} (#{}): the device was never lent to anyone; nobody to alert", q.reason(), q.deviceId(), q.seq());
                return List.<AlertCommand>of();
            }
            List<AlertCommand> commands = engine.onIntegrity(q.deviceId(), q.reason(), q.seq(), q.receivedAt(),
                    CaseContexts.load(c, clientId.get()), AlertStore.lookup(c), now);
            AlertStore.apply(c, commands, now);
            return List.copyOf(commands);
        });
    }

    /** Events that belonged to no client's period since start (each is logged; the nearest client's service is alerted). */
    public long unassigned() {
        return unassigned.get();
    }

    /** The minute's work: silence checks for every device in use, then escalations due. Returns the commands stored. */
    public List<AlertCommand> tick() {
        Instant now = clock.instant();
        List<AlertCommand> all = new ArrayList<>();
        for (Assignment a : assignments.active()) {
            all.addAll(Sql.write(database, "silence check of " + a.deviceId(), c -> {
                Instant heard = EvidenceReader.lastHeard(c, a.deviceId()).orElse(a.from());
                // A device lent today is not silent because of what it did (or did not) send before.
                Instant since = heard.isBefore(a.from()) ? a.from() : heard;
                List<AlertCommand> commands = engine.onSilenceCheck(a.deviceId(), since, CaseContexts.load(c, a.clientId()),
                        AlertStore.lookup(c), now);
                AlertStore.apply(c, commands, now);
                return commands;
            }));
        }
        all.addAll(Sql.write(database, "escalations", c -> {
            List<AlertCommand> commands = engine.onTick(AlertStore.dueForEscalation(c, now), now);
            AlertStore.apply(c, commands, now);
            return commands;
        }));
        return List.copyOf(all);
    }

    /** The start of a silence, from its key {@code silent:<device>:<epoch ms>}. */
    private static Instant silentSince(Alert silent) {
        String key = silent.key();
        return Instant.ofEpochMilli(Long.parseLong(key.substring(key.lastIndexOf(':') + 1)));
    }

}
