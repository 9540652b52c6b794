package org.breathgate.receiver.care.alert;

import org.breathgate.care.alert.Alert;
import org.breathgate.care.alert.AlertCommand;
import org.breathgate.care.alert.AlertEngine;
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
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZonedDateTime;
import org.breathgate.care.alert.CaseContext;
import org.breathgate.care.consent.ConsentVersion;
import org.breathgate.protocol.MissedTest;
import org.breathgate.protocol.Reading;
import org.breathgate.protocol.Schedule;
import org.breathgate.protocol.TestReason;
import org.breathgate.receiver.care.people.Organisations;
import org.breathgate.receiver.care.schedule.DeviceConfigs;
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
    /** Evidence nobody can be alerted about is logged once an hour per device (counted always). */
    private final LogThrottle unassignedWarnings = new LogThrottle(Duration.ofHours(1), 10_000);
    private final Duration expectedTestGrace;
    private final Duration consentWarning;

    /** With the defaults: "expected test not received" 90 minutes after a window closes, consents warned of 14 days ahead. */
    public AlertProcessor(Database database, DeviceAssignments assignments, AlertEngine engine, Clock clock) {
        this(database, assignments, engine, clock, DEFAULT_EXPECTED_TEST_GRACE, DEFAULT_CONSENT_WARNING);
    }

    /**
     * "Expected test not received" 90 minutes after the window closed, as SCRAM's remote breath service warns: long enough for
     * a late test (within the agent's 60-minute late grace) and a slow link, short enough that a worker hears of it the same
     * morning, not 26 hours later as "device silent".
     */
    public static final Duration DEFAULT_EXPECTED_TEST_GRACE = Duration.ofMinutes(90);
    /** Two weeks: time to meet the parent and ask whether to renew the consent before it ends. */
    public static final Duration DEFAULT_CONSENT_WARNING = Duration.ofDays(14);
    /** How far back windows are checked for a test not received: a receiver that was down longer does not flood the inbox. */
    static final Duration EXPECTED_TEST_LOOKBACK = Duration.ofDays(2);

    /**
     * @param expectedTestGrace how long after a scheduled window closes a test not received raises "expected test not
     *                          received"; {@link Duration#ZERO} switches the check off (a demonstration whose devices run a
     *                          compressed schedule)
     * @param consentWarning    how long before a consent ends the responsible worker is told
     */
    public AlertProcessor(Database database, DeviceAssignments assignments, AlertEngine engine, Clock clock, Duration expectedTestGrace,
                          Duration consentWarning) {
        this.expectedTestGrace = Objects.requireNonNull(expectedTestGrace, "expectedTestGrace");
        this.consentWarning = Objects.requireNonNull(consentWarning, "consentWarning");
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
        return Sql.write(database, "alerts for " + stored.deviceId() + "#" + stored.seq(), c -> decide(c, stored, now));
    }

    /**
     * As {@link #onStored(StoredEvent)} for each event in turn, in one transaction: what ingest stored in one batch costs the
     * care room one commit, not one each. If the transaction fails, each event is tried again on its own, so one event that
     * cannot be handled does not cost the others their alerts (its failure is logged and it raises nothing).
     */
    public List<AlertCommand> onStored(List<StoredEvent> events) {
        if (events.size() == 1) {
            return onStored(events.get(0));
        }
        Instant now = clock.instant();
        try {
            return Sql.write(database, "alerts for " + events.size() + " events", c -> {
                List<AlertCommand> all = new ArrayList<>();
                for (StoredEvent stored : events) {
                    all.addAll(decide(c, stored, now));
                }
                return List.copyOf(all);
            });
        } catch (RuntimeException batchFailed) {
            LOG.warn("alerts for {} events in one transaction failed ({}); deciding each on its own", events.size(),
                    batchFailed.getMessage());
            List<AlertCommand> all = new ArrayList<>();
            for (StoredEvent stored : events) {
                try {
                    all.addAll(onStored(stored));
                } catch (RuntimeException e) {
                    LOG.error("alerts for {}#{} failed: {}", stored.deviceId(), stored.seq(), e.getMessage(), e);
                }
            }
            return List.copyOf(all);
        }
    }

    /** The alert work for one stored event, in the caller's transaction; returns the commands stored. */
    private List<AlertCommand> decide(Connection c, StoredEvent stored, Instant now) throws SQLException {
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
        Instant slot = slotOf(stored.event());
        if (slot != null) {
            commands.addAll(engine.onExpectedTestArrived(stored.deviceId(), slot, stored.event(), now, AlertStore.lookup(c)));
        }
        Long request = requestOf(stored.event());
        if (request != null) {
            commands.addAll(engine.onRequestedTestArrived(stored.deviceId(), request, stored.event(), now, AlertStore.lookup(c)));
        }
        for (Alert silent : AlertStore.unresolvedSilence(c, stored.deviceId())) {
            commands.addAll(engine.onDeviceHeard(stored.deviceId(), silentSince(silent), stored.receivedAt(), AlertStore.lookup(c)));
        }
        AlertStore.apply(c, commands, now);
        return List.copyOf(commands);
    }

    /** Evidence outside every period: counted, logged, and alerted on the nearest client (if the device was ever lent). */
    private List<AlertCommand> unassigned(Connection c, StoredEvent stored, Instant attributed, Instant now) throws SQLException {
        long count = unassigned.incrementAndGet();
        Optional<Assignment> nearest = DeviceAssignments.nearest(c, stored.deviceId(), attributed);
        boolean warn = unassignedWarnings.allow(stored.deviceId(), now);
        if (nearest.isEmpty()) {
            if (warn) {
                LOG.warn("{}#{} belongs to no client: device {} was never lent to anyone ({} such events since start, from any device);"
                        + " nobody to alert. Said once an hour per device", stored.deviceId(), stored.seq(), stored.deviceId(), count);
            } else {
                LOG.debug("{}#{} belongs to no client: device never lent to anyone", stored.deviceId(), stored.seq());
            }
            return List.of();
        }
        if (warn) {
            LOG.warn("{}#{} belongs to no client: device not lent at {} ({} such events since start, from any device); alerting the"
                    + " service of {}. Said once an hour per device", stored.deviceId(), stored.seq(), attributed, count,
                    nearest.get().clientId());
        } else {
            LOG.debug("{}#{} belongs to no client: device not lent at {}; alerting the service of {}", stored.deviceId(), stored.seq(),
                    attributed, nearest.get().clientId());
        }
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
                CaseContext context = CaseContexts.load(c, a.clientId());
                List<AlertCommand> commands = new ArrayList<>(engine.onSilenceCheck(a.deviceId(), since, context, AlertStore.lookup(c), now));
                AlertStore.apply(c, commands, now);
                List<AlertCommand> more = new ArrayList<>(expectedTests(c, a, context, now));
                more.addAll(consentsEnding(c, a, context, now));
                AlertStore.apply(c, more, now);
                commands.addAll(more);
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

    /**
     * The scheduled windows of the device's configuration that closed at least the grace ago (and within the look-back), after
     * the configuration was issued and the device lent, whose slot has no reading and no missed-test record: each raises
     * "expected test not received" (once; the engine keeps one alert per slot).
     */
    private List<AlertCommand> expectedTests(Connection c, Assignment a, CaseContext context, Instant now) throws SQLException {
        if (expectedTestGrace.isZero()) {
            return List.of();
        }
        Optional<DeviceConfigs.Issued> config = DeviceConfigs.inForce(c, a.deviceId(), a.clientId());
        if (config.isEmpty()) {
            return List.of();
        }
        Schedule schedule = config.get().config().schedule();
        Instant lookback = latest(a.from(), now.minus(EXPECTED_TEST_LOOKBACK));
        List<AlertCommand> requested = new ArrayList<>();
        // A worker's test request is expected like a slot: its window is from the request to its "until".
        for (DeviceConfigs.Requested r : DeviceConfigs.requestsClosed(c, a.deviceId(), a.clientId(), lookback,
                now.minus(expectedTestGrace).plusMillis(1))) {
            if (AlertStore.find(c, org.breathgate.care.alert.AlertKeys.requestedTest(a.deviceId(), r.request())).isEmpty()
                    && !requestRecorded(c, a.deviceId(), r, now)) {
                requested.addAll(engine.onRequestedTestMissing(a.deviceId(), r.request(), r.issued(), r.until(), context,
                        AlertStore.lookup(c), now));
            }
        }
        Instant notBefore = latest(latest(config.get().issuedAt(), a.from()), now.minus(EXPECTED_TEST_LOOKBACK));
        List<AlertCommand> commands = new ArrayList<>(requested);
        LocalDate first = notBefore.atZone(schedule.zone()).toLocalDate().minusDays(1);
        LocalDate last = now.atZone(schedule.zone()).toLocalDate();
        for (LocalDate d = first; !d.isAfter(last); d = d.plusDays(1)) {
            for (Schedule.Slot slot : schedule.slots()) {
                Instant at = ZonedDateTime.of(d, slot.at(), schedule.zone()).toInstant();
                Instant opens = at.minus(Duration.ofMinutes(slot.windowBeforeMin()));
                Instant closes = at.plus(Duration.ofMinutes(slot.windowAfterMin()));
                if (opens.isBefore(notBefore) || now.isBefore(closes.plus(expectedTestGrace))) {
                    continue;
                }
                if (AlertStore.find(c, org.breathgate.care.alert.AlertKeys.expectedTest(a.deviceId(), at)).isPresent()
                        || slotRecorded(c, a.deviceId(), at, opens, now)) {
                    continue;
                }
                commands.addAll(engine.onExpectedTestMissing(a.deviceId(), at, opens, closes, context, AlertStore.lookup(c), now));
            }
        }
        return commands;
    }

    /** Whether any reading or missed test of slot {@code slot} has arrived from the device. */
    private static boolean slotRecorded(Connection c, String deviceId, Instant slot, Instant opens, Instant now) throws SQLException {
        // By attribution time: a test of the slot (on time or late) or its missed-test record comes after the window opened;
        // one whose clock was not synchronised is attributed to its receipt, also after.
        for (StoredEvent e : EvidenceReader.attributedTo(c, deviceId, opens.minus(Duration.ofHours(1)), now.plusSeconds(1))) {
            if (slot.equals(slotOf(e.event()))) {
                return true;
            }
        }
        return false;
    }

    /** Whether any reading or missed test answering request {@code r} has arrived from the device. */
    private static boolean requestRecorded(Connection c, String deviceId, DeviceConfigs.Requested r, Instant now) throws SQLException {
        for (StoredEvent e : EvidenceReader.attributedTo(c, deviceId, r.issued().minus(Duration.ofHours(1)), now.plusSeconds(1))) {
            TestReason reason = e.event() instanceof Reading x ? x.reason() : e.event() instanceof MissedTest m ? m.reason() : null;
            if (reason instanceof TestReason.Requested q && q.request() == r.request()) {
                return true;
            }
        }
        return false;
    }

    /** The slot a scheduled test or its missed-test record is for, else {@code null}. */
    private static Instant slotOf(org.breathgate.protocol.EvidenceEvent event) {
        TestReason reason = event instanceof Reading r ? r.reason() : event instanceof MissedTest m ? m.reason() : null;
        return reason instanceof TestReason.Scheduled s ? s.slot() : null;
    }

    /** Each consent of the client in force now that ends within the warning period: one information alert for the service. */
    private List<AlertCommand> consentsEnding(Connection c, Assignment a, CaseContext context, Instant now) throws SQLException {
        List<AlertCommand> commands = new ArrayList<>();
        for (String consentId : context.consents().versions().stream().map(ConsentVersion::consentId).distinct().toList()) {
            ConsentVersion v = context.consents().latest(consentId).orElseThrow();
            if (v.revoked() || now.isBefore(v.validFrom()) || !now.isBefore(v.validUntil())
                    || now.plus(consentWarning).isBefore(v.validUntil())) {
                continue;
            }
            String unit = Organisations.find(c, v.childProtectionUnitId()).map(o -> o.name()).orElse(v.childProtectionUnitId());
            commands.addAll(engine.onConsentExpiring(a.deviceId(), consentId, unit, v.validUntil(), context, AlertStore.lookup(c), now));
        }
        return commands;
    }

    /** The number of the worker's test request a reading or missed test answers, else {@code null}. */
    private static Long requestOf(org.breathgate.protocol.EvidenceEvent event) {
        TestReason reason = event instanceof Reading r ? r.reason() : event instanceof MissedTest m ? m.reason() : null;
        return reason instanceof TestReason.Requested q ? q.request() : null;
    }

    private static Instant latest(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }

    /** The start of a silence, from its key {@code silent:<device>:<epoch ms>}. */
    private static Instant silentSince(Alert silent) {
        String key = silent.key();
        return Instant.ofEpochMilli(Long.parseLong(key.substring(key.lastIndexOf(':') + 1)));
    }

}
