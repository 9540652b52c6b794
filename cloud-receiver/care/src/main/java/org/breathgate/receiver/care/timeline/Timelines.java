package org.breathgate.receiver.care.timeline;

import org.breathgate.care.access.Actor;
import org.breathgate.care.access.Decision;
import org.breathgate.care.access.Operation;
import org.breathgate.care.access.Role;
import org.breathgate.care.consent.ConsentVersion;
import org.breathgate.care.alert.CaseContext;
import org.breathgate.care.alert.Excuse;
import org.breathgate.care.audit.AuditAction;
import org.breathgate.care.consent.EventTime;
import org.breathgate.protocol.EvidenceEvent;
import org.breathgate.protocol.MissedTest;
import org.breathgate.protocol.Reading;
import org.breathgate.protocol.SupportRequest;
import org.breathgate.receiver.care.alert.ExcuseStore;
import org.breathgate.receiver.care.consent.CaseContexts;
import org.breathgate.receiver.care.gate.CareGate;
import org.breathgate.receiver.care.gate.Visit;
import org.breathgate.receiver.care.people.Assignment;
import org.breathgate.receiver.care.people.DeviceAssignments;
import org.breathgate.receiver.care.photo.PhotoState;
import org.breathgate.receiver.evidence.device.DeviceRegistry;
import org.breathgate.receiver.evidence.store.EvidenceReader;
import org.breathgate.receiver.evidence.store.StoredEvent;

import java.sql.Connection;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Clients' timelines for the people who may see them. Each event is decided on its own (a child-protection worker sees only
 * what consent covers), and each result, missed test, support request or tamper signal shown is audited, with the timeline
 * itself, in the one transaction that read them ({@link CareGate}).
 */
public final class Timelines {

    private final CareGate gate;
    private final DeviceRegistry registry;

    public Timelines(CareGate gate, DeviceRegistry registry) {
        this.gate = Objects.requireNonNull(gate, "gate");
        this.registry = Objects.requireNonNull(registry, "registry");
    }

    /**
     * The client's events whose time lies in {@code [from, to)} that {@code actor} may see, classified.
     *
     * @throws org.breathgate.care.access.AccessDeniedException if the actor may not open the client's timeline (audited)
     * @throws IllegalArgumentException if there is no such client
     */
    public TimelineView timeline(Actor actor, String clientId, Instant from, Instant to) {
        return gate.run(actor, "opening the timeline of " + clientId, visit -> read(visit, clientId, from, to));
    }

    /**
     * The timeline read inside an operation that already runs in the gate (the report: the export decision and the events
     * shown commit with one audit trail).
     */
    public TimelineView read(Visit visit, String clientId, Instant from, Instant to) throws java.sql.SQLException {
        Connection c = visit.connection();
        CaseContext context = CaseContexts.load(c, clientId);
        Decision open = visit.require(Operation.VIEW_TIMELINE, context, "client", clientId);
        boolean consentLimited = visit.actor() != null && visit.actor().role() == Role.CHILD_PROTECTION_WORKER;
        if (consentLimited) {
            // A child-protection worker's period is the one their unit's consents name: asking for a wider or narrower one
            // must not reveal when something they may not see happened.
            Instant[] clamped = clampToConsents(context, visit.actor().organisationId(), from, to);
            from = clamped[0];
            to = clamped[1];
        }
        List<StoredEvent> shown = new ArrayList<>();
        Map<String, Excuse> excuses = new java.util.HashMap<>();
        int withheld = 0;
        for (Assignment a : DeviceAssignments.ofClient(c, clientId)) {
            Instant start = a.from().isAfter(from) ? a.from() : from;
            Instant end = a.until() == null ? to : a.until().isBefore(to) ? a.until() : to;
            if (!start.isBefore(end)) {
                continue;
            }
            for (StoredEvent s : EvidenceReader.attributedTo(c, a.deviceId(), start, end)) {
                Seen kind = Seen.of(s.event());
                EventTime time = EventTime.of(s.event().clock(), s.receivedAt());
                Decision d = visit.check(kind.operation, context, kind.operation.kind() == Operation.Kind.EVENT ? time : null);
                if (!d.allowed()) {
                    withheld++;
                    continue;
                }
                visit.record(kind.action, kind.subjectType, s.ref(), Visit.basis(d));
                shown.add(s);
                ExcuseStore.find(c, s.deviceId(), s.seq()).ifPresent(x -> excuses.put(s.ref(), x));
            }
        }
        visit.record(AuditAction.TIMELINE_VIEWED.code(), "client", clientId, Visit.basis(open) + "; " + from + " to " + to + "; shown "
                + shown.size() + ", withheld " + withheld);
        // What consent withholds is not hinted at: no count of it (a support request or a device signal is never theirs, and a
        // count narrowed by dates would date it). The audit entry above keeps the real figure.
        int withheldShown = consentLimited ? 0 : withheld;
        // Only readings the viewer may see are here, so whoever sees an entry may see its photo's state.
        Map<String, PhotoState> photos = PhotoState.of(c, shown.stream().map(StoredEvent::event).toList());
        SignatureCheck signatures = new SignatureCheck(registry);
        Map<Long, Instant> seqs = new java.util.HashMap<>();
        shown.forEach(s -> seqs.put(s.seq(), EventTime.of(s.event().clock(), s.receivedAt()).shown()));
        List<TimelineEntry> entries = new ArrayList<>();
        for (StoredEvent s : shown) {
            entries.add(TimelineEntry.of(s, excuses.get(s.ref()), photos.get(PhotoState.key(s.event())),
                    signatures.check(s.deviceId(), s.compact()), seqs));
        }
        boolean mayExcuse = visit.check(Operation.EXCUSE_MISSED_TEST, context, null).allowed();
        return new TimelineView(context.client(), from, to, entries, withheldShown, mayExcuse, visit.reviewsPhotos(),
                visit.seesPhotoVerdicts());
    }

    /**
     * {@code [from, to)} cut to the span the unit's consents name (from the earliest start to the latest end); a period wholly
     * outside it becomes an empty one at its nearest edge.
     */
    static Instant[] clampToConsents(CaseContext context, String unit, Instant from, Instant to) {
        Instant start = null;
        Instant end = null;
        for (ConsentVersion v : context.consents().versions()) {
            if (!v.childProtectionUnitId().equals(unit)) {
                continue;
            }
            start = start == null || v.validFrom().isBefore(start) ? v.validFrom() : start;
            end = end == null || v.validUntil().isAfter(end) ? v.validUntil() : end;
        }
        if (start == null) {
            return new Instant[] {from, from};
        }
        Instant f = from.isBefore(start) ? start : from.isAfter(end) ? end : from;
        Instant t = to.isAfter(end) ? end : to.isBefore(f) ? f : to;
        return new Instant[] {f, t};
    }

    /** How each kind of stored event is decided and audited. */
    private enum Seen {
        RESULT(Operation.VIEW_RESULT, "result.viewed", "reading"),
        MISSED(Operation.VIEW_MISSED_TESTS, "missed_test.viewed", "missed_test"),
        SUPPORT(Operation.VIEW_SUPPORT_REQUESTS, "support_request.viewed", "support_request"),
        // A tamper signal is neither a result nor a missed test, so no consent scope covers it: like a
        // support request, it is for the substance-abuse service and the parent only.
        TAMPER(Operation.VIEW_SUPPORT_REQUESTS, "tamper.viewed", "tamper");

        final Operation operation;
        final String action;
        final String subjectType;

        Seen(Operation operation, String action, String subjectType) {
            this.operation = operation;
            this.action = action;
            this.subjectType = subjectType;
        }

        static Seen of(EvidenceEvent event) {
            if (event instanceof Reading) {
                return RESULT;
            }
            if (event instanceof MissedTest) {
                return MISSED;
            }
            if (event instanceof SupportRequest) {
                return SUPPORT;
            }
            return TAMPER;
        }
    }
}
