package org.breathgate.receiver.care.alert;

import org.breathgate.care.access.AccessDeniedException;
import org.breathgate.care.access.Actor;
import org.breathgate.care.access.Decision;
import org.breathgate.care.access.Operation;
import org.breathgate.care.access.Role;
import org.breathgate.care.alert.Alert;
import org.breathgate.care.alert.AlertCommand;
import org.breathgate.care.alert.AlertEngine;
import org.breathgate.care.alert.CaseContext;
import org.breathgate.care.alert.Excuse;
import org.breathgate.care.audit.AuditAction;
import org.breathgate.protocol.DeviceIds;
import org.breathgate.receiver.care.consent.CaseContexts;
import org.breathgate.receiver.care.gate.CareGate;
import org.breathgate.receiver.care.gate.Visit;
import org.breathgate.receiver.care.people.DeviceAssignments;
import org.breathgate.receiver.evidence.db.Database;
import org.breathgate.receiver.evidence.db.Sql;
import org.breathgate.receiver.evidence.store.EvidenceReader;
import org.breathgate.receiver.evidence.store.StoredEvent;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Alerts for people: the inbox, acknowledging an alert, and excusing a missed or late test (which resolves its alert). Every
 * alert shown, every acknowledgement and excuse, and every refusal is audited through the {@link CareGate}.
 */
public final class Alerts {

    private static final Set<Role> WORKERS = Set.of(Role.SUBSTANCE_ABUSE_WORKER, Role.CHILD_PROTECTION_WORKER);

    private final CareGate gate;
    private final Database database;
    private final AlertEngine engine;

    /**
     * The inbox's order: waiting alerts before acknowledged ones, then the most urgent first ({@code HIGH}, {@code WARNING},
     * {@code INFO}), then the newest first.
     */
    public static final java.util.Comparator<Alert> INBOX_ORDER = java.util.Comparator.comparing((Alert a) -> !a.open())
            .thenComparing(Alert::severity, java.util.Comparator.reverseOrder())
            .thenComparing(Alert::raisedAt, java.util.Comparator.reverseOrder())
            .thenComparing(Alert::key);

    public Alerts(CareGate gate, Database database, AlertEngine engine) {
        this.gate = Objects.requireNonNull(gate, "gate");
        this.database = Objects.requireNonNull(database, "database");
        this.engine = Objects.requireNonNull(engine, "engine");
    }

    /**
     * The actor's inbox: the unresolved alerts addressed to their organisation that consent still lets them receive, in
     * {@link #INBOX_ORDER} (waiting first, most urgent first, newest first). Technicians, administrators and parents have none. Each alert shown is audited ({@code alert.viewed}): its
     * summary holds results.
     */
    public List<Alert> alertsFor(Actor actor) {
        if (!WORKERS.contains(actor.role())) {
            return List.of();
        }
        return inbox(actor);
    }

    /** The inbox page: as {@link #alertsFor}, but a role without one is refused (audited) rather than shown an empty list. */
    public List<Alert> inboxPage(Actor actor) {
        gate.look(actor, "opening the alert inbox", visit -> {
            visit.requireRole(WORKERS, Operation.RECEIVE_ALERT, "alert-inbox", actor.userId());
            return null;
        });
        return inbox(actor);
    }

    private List<Alert> inbox(Actor actor) {
        return gate.run(actor, "reading the alerts of " + actor.userId(), visit -> {
            List<Alert> shown = new ArrayList<>();
            for (Alert alert : AlertStore.unresolved(visit.connection())) {
                if (!alert.audience().includes(actor)) {
                    continue;
                }
                Decision d = visit.mayReceive(alert, CaseContexts.load(visit.connection(), alert.clientId()));
                if (d.allowed()) {
                    visit.record("alert.viewed", "alert", alert.key(), Visit.basis(d));
                    shown.add(alert);
                }
            }
            shown.sort(INBOX_ORDER);
            return List.copyOf(shown);
        });
    }

    /**
     * An alert about the parent that went to a child-protection unit: when it was raised, about which kind of event, and to which
     * unit. The parent's first page says it in a sentence.
     */
    public record SentToChildProtection(String alertKey, java.time.Instant raisedAt, org.breathgate.care.alert.AlertKind kind,
                                        String unitId) {
    }

    /**
     * The alerts about the parent themselves that child protection receives: every alert of the client whose audience names a
     * unit and that a worker of that unit may be shown now ({@link Visit#mayReceive(Alert, Actor, CaseContext)}, the decision
     * the child-protection worker's inbox and the delivery make), newest first. Only the parent, about themselves; the look is
     * audited ({@code alert.sent_shown}).
     */
    public List<SentToChildProtection> sentToChildProtection(Actor parent) {
        return gate.run(parent, "reading which alerts about " + parent.clientId() + " went to child protection", visit -> {
            visit.requireRole(Set.of(Role.PARENT), Operation.VIEW_TIMELINE, "client", String.valueOf(parent.clientId()));
            String clientId = parent.clientId();
            CaseContext context = CaseContexts.load(visit.connection(), clientId);
            visit.require(Operation.VIEW_TIMELINE, context, "client", clientId);
            List<SentToChildProtection> sent = new ArrayList<>();
            for (Alert alert : AlertStore.ofClient(visit.connection(), clientId)) {
                if (!alert.status().equals(org.breathgate.care.alert.AlertStatus.RESOLVED)) {
                    for (String unit : alert.audience().childProtectionUnitIds()) {
                        Actor unitWorker = Actor.childProtectionWorker("unit-worker", unit);
                        if (visit.mayReceive(alert, unitWorker, context).allowed()) {
                            sent.add(new SentToChildProtection(alert.key(), alert.raisedAt(), alert.kind(), unit));
                        }
                    }
                }
            }
            if (!sent.isEmpty()) {
                visit.record("alert.sent_shown", "client", clientId, sent.size() + " alerts to child protection");
            }
            return List.copyOf(sent);
        });
    }

    /**
     * How many open alerts each client has that {@code worker} may receive (the same test as the inbox). Only counts, so
     * nothing is audited: the inbox audits each alert when it shows its text.
     */
    public Map<String, Integer> openCounts(Actor worker) {
        return gate.look(worker, "counting the open alerts of " + worker.userId(), visit -> {
            Map<String, Integer> counts = new LinkedHashMap<>();
            Map<String, CaseContext> contexts = new LinkedHashMap<>();
            for (Alert alert : AlertStore.unresolved(visit.connection())) {
                if (!alert.open() || !alert.audience().includes(worker)) {
                    continue;
                }
                CaseContext context = contexts.get(alert.clientId());
                if (context == null) {
                    context = CaseContexts.load(visit.connection(), alert.clientId());
                    contexts.put(alert.clientId(), context);
                }
                if (visit.mayReceive(alert, context).allowed()) {
                    counts.merge(alert.clientId(), 1, Integer::sum);
                }
            }
            return counts;
        });
    }

    /**
     * Acknowledges an open alert with a note; audited, refusals too.
     *
     * @throws AccessDeniedException if the alert is not for the actor, or consent no longer covers it
     * @throws IllegalStateException if the alert is not open
     */
    public Alert acknowledge(Actor actor, String alertKey, String note) {
        return gate.run(actor, "acknowledging alert " + alertKey, visit -> {
            Alert alert = AlertStore.find(visit.connection(), alertKey).orElseThrow(() -> new IllegalArgumentException("no alert " + alertKey));
            CaseContext context = CaseContexts.load(visit.connection(), alert.clientId());
            Decision d = visit.requireAcknowledgement(alert, context);
            AlertCommand.Acknowledged ack = engine.acknowledge(alert, actor, note, context, visit.now());
            AlertStore.apply(visit.connection(), List.of(ack), visit.now());
            visit.record(AuditAction.ALERT_ACKNOWLEDGED.code(), "alert", alertKey, Visit.basis(d) + "; note: " + note);
            return ack.alert();
        });
    }

    /**
     * Excuses a missed or late test with a note. The event stays as the device signed it; the excuse is stored beside it,
     * audited, and fed to the alert engine (a missed-test alert is resolved).
     */
    public Excuse excuse(Actor actor, String deviceId, long seq, String note) {
        return gate.run(actor, "excusing " + deviceId + "#" + seq, visit -> {
            StoredEvent stored = EvidenceReader.event(visit.connection(), DeviceIds.check(deviceId), seq)
                    .orElseThrow(() -> new IllegalArgumentException("no stored event " + deviceId + "#" + seq));
            String clientId = DeviceAssignments.clientAt(visit.connection(), deviceId, stored.attributionTime())
                    .orElseThrow(() -> new IllegalArgumentException(deviceId + "#" + seq + " belongs to no client"));
            CaseContext context = CaseContexts.load(visit.connection(), clientId);
            Decision d = visit.require(Operation.EXCUSE_MISSED_TEST, context, "event", deviceId + "#" + seq);
            Excuse excuse = new Excuse(deviceId, seq, actor.userId(), note, visit.now());
            List<AlertCommand> commands = engine.onExcuse(excuse, stored.event(), context, AlertStore.lookup(visit.connection()), visit.now());
            ExcuseStore.insert(visit.connection(), excuse, clientId);
            AlertStore.apply(visit.connection(), commands, visit.now());
            visit.record(AuditAction.MISSED_TEST_EXCUSED.code(), "event", deviceId + "#" + seq, Visit.basis(d) + "; note: " + note);
            return excuse;
        });
    }

    /** A stored alert's client, and whether {@code actor}'s organisation is in its audience (to answer 404 for one hidden). */
    public record Addressed(String clientId, boolean toActor) {
    }

    /** Where alert {@code key} goes, if it exists: its client, and whether {@code actor} is in its audience. */
    public Optional<Addressed> addressed(Actor actor, String key) {
        return Sql.read(database, "finding alert " + key, c -> AlertStore.find(c, key))
                .map(a -> new Addressed(a.clientId(), a.audience().includes(actor)));
    }

    /** A stored event an excuse could be about: its client, and whether it is excused already. */
    public record ExcuseTarget(String clientId, boolean excused) {
    }

    /** The client event {@code deviceId#seq} belongs to and whether it is excused, if it is stored and lent to a client. */
    public Optional<ExcuseTarget> excuseTarget(String deviceId, long seq) {
        return Sql.read(database, "finding event " + deviceId + "#" + seq, c -> {
            Optional<StoredEvent> stored = EvidenceReader.event(c, deviceId, seq);
            if (stored.isEmpty()) {
                return Optional.<ExcuseTarget>empty();
            }
            boolean excused = ExcuseStore.find(c, deviceId, seq).isPresent();
            return DeviceAssignments.clientAt(c, deviceId, stored.get().attributionTime()).map(client -> new ExcuseTarget(client, excused));
        });
    }
}
