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
import org.breathgate.receiver.evidence.store.StoredEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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

    public AlertProcessor(Database database, DeviceAssignments assignments, AlertEngine engine, Clock clock) {
        this.database = Objects.requireNonNull(database, "database");
        this.assignments = Objects.requireNonNull(assignments, "assignments");
        this.engine = Objects.requireNonNull(engine, "engine");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Feeds one stored event to the engine; returns the commands stored (none for a device lent to nobody). */
    public List<AlertCommand> onStored(StoredEvent stored) {
        Instant now = clock.instant();
        return Sql.write(database, "alerts for " + stored.deviceId() + "#" + stored.seq(), c -> {
            Instant attributed = stored.attributionTime();
            Optional<String> clientId = DeviceAssignments.clientAt(c, stored.deviceId(), attributed);
            if (clientId.isEmpty()) {
                LOG.debug("{}#{} belongs to no client (device not lent at {}); no alerts", stored.deviceId(), stored.seq(), attributed);
                return List.<AlertCommand>of();
            }
            CaseContext context = CaseContexts.load(c, clientId.get());
            List<AlertCommand> commands = new ArrayList<>(
                    engine.onEvidence(stored.event(), stored.receivedAt(), context, AlertStore.lookup(c), now));
            for (Alert silent : AlertStore.unresolvedSilence(c, stored.deviceId())) {
                commands.addAll(engine.onDeviceHeard(stored.deviceId(), silentSince(silent), stored.receivedAt(), AlertStore.lookup(c)));
            }
            AlertStore.apply(c, commands, now);
            return List.copyOf(commands);
        });
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
