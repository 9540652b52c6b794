package org.breathgate.receiver.care.devices;

import org.breathgate.care.access.Actor;
import org.breathgate.care.access.Operation;
import org.breathgate.receiver.care.gate.CareGate;
import org.breathgate.receiver.care.people.Assignment;
import org.breathgate.receiver.care.people.DeviceAssignments;
import org.breathgate.receiver.evidence.db.Database;
import org.breathgate.receiver.evidence.device.Device;
import org.breathgate.receiver.evidence.device.DeviceRegistry;
import org.breathgate.receiver.evidence.enrollment.EnrollmentCodes;
import org.breathgate.receiver.evidence.store.EvidenceReader;
import org.breathgate.receiver.evidence.store.LatestStatus;

import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The devices as technicians and administrators see them: enrolled keys, whether each is lent, and its health from the latest
 * status (online, outbox, clock, calibration), never a result; and new enrollment codes. Decided by the {@link CareGate}
 * ({@link Operation#VIEW_DEVICE_HEALTH}, {@link Operation#CREATE_ENROLLMENT_CODE}); a refusal is audited.
 */
public final class DeviceHealth {

    private final CareGate gate;
    private final DeviceRegistry registry;
    private final EvidenceReader evidence;
    private final Database database;
    private final DeviceAssignments assignments;
    private final EnrollmentCodes codes;
    private final ZoneId zone;
    private final Clock clock;

    /**
     * One device as the lists show it.
     *
     * @param status             its latest status, or {@code null} if it never sent one
     * @param lent               whether it is lent to a client now
     * @param clockSynced        whether its clock was synchronised at its latest status
     * @param calibrationOverdue whether its sensor's calibration is overdue today (in the care zone)
     * @param outboxPercent      how full its outbox is, of its budget
     * @param lastHeard          when the receiver last heard anything from it (evidence or status), or {@code null}: later than
     *                           its latest status when readings arrived since; the status figures (online, outbox, clock,
     *                           sensor) are those of its last heartbeat, {@code status.lastSeenAt()}
     */
    public record Row(Device device, LatestStatus status, boolean lent, boolean clockSynced, boolean calibrationOverdue,
                      long outboxPercent, java.time.Instant lastHeard) {
    }

    /** @param zone the care zone: "today" for calibration dates */
    public DeviceHealth(CareGate gate, Database database, DeviceRegistry registry, EnrollmentCodes codes, ZoneId zone, Clock clock) {
        this.gate = Objects.requireNonNull(gate, "gate");
        this.registry = Objects.requireNonNull(registry, "registry");
        this.evidence = new EvidenceReader(database);
        this.database = database;
        this.assignments = new DeviceAssignments(database);
        this.codes = Objects.requireNonNull(codes, "codes");
        this.zone = Objects.requireNonNull(zone, "zone");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Every enrolled device with its health, in id order.
     *
     * @throws org.breathgate.care.access.AccessDeniedException for roles without {@link Operation#VIEW_DEVICE_HEALTH} (audited)
     */
    public List<Row> devices(Actor actor) {
        gate.look(actor, "listing the devices", visit -> visit.require(Operation.VIEW_DEVICE_HEALTH, "devices", "all"));
        LocalDate today = LocalDate.now(clock.withZone(zone));
        Set<String> lent = assignments.active().stream().map(Assignment::deviceId).collect(Collectors.toSet());
        List<Row> rows = new ArrayList<>();
        for (String id : registry.deviceIds()) {
            Device device = registry.device(id).orElse(null);
            if (device == null) {
                continue;
            }
            LatestStatus status = evidence.latestStatus(id).orElse(null);
            boolean synced = status != null && status.status().clock().synced();
            boolean overdue = status != null && status.status().calibrationDue() != null && today.isAfter(status.status().calibrationDue());
            long percent = status == null || status.status().outboxBudgetBytes() == 0 ? 0
                    : Math.round(100.0 * status.status().outboxBytes() / status.status().outboxBudgetBytes());
            java.time.Instant heard = org.breathgate.receiver.evidence.db.Sql.read(database, "reading when " + id + " was last heard",
                    c -> EvidenceReader.lastHeard(c, id)).orElse(null);
            rows.add(new Row(device, status, lent.contains(id), synced, overdue, percent, heard));
        }
        return rows;
    }

    /** Whether {@code actor} may make enrollment codes (the devices page offers the form only then). */
    public boolean mayCreateCodes(Actor actor) {
        return gate.look(actor, "checking enrollment codes", visit -> visit.check(Operation.CREATE_ENROLLMENT_CODE).allowed());
    }

    /**
     * A new one-time enrollment code, valid for {@code lifetime}, recorded as made by {@code actor} (shown once: only its hash
     * is kept).
     *
     * @throws org.breathgate.care.access.AccessDeniedException for roles without {@link Operation#CREATE_ENROLLMENT_CODE} (audited)
     */
    public EnrollmentCodes.IssuedCode createCode(Actor actor, Duration lifetime, String note) {
        gate.look(actor, "creating an enrollment code", visit -> visit.require(Operation.CREATE_ENROLLMENT_CODE, "enrollment-code", "new"));
        return codes.create(lifetime, actor.userId(), note);
    }
}
