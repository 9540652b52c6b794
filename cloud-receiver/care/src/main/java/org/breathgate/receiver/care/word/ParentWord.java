package org.breathgate.receiver.care.word;

import org.breathgate.care.access.Actor;
import org.breathgate.care.access.Decision;
import org.breathgate.care.access.Operation;
import org.breathgate.care.alert.CaseContext;
import org.breathgate.care.consent.EventTime;
import org.breathgate.care.word.Explanation;
import org.breathgate.care.word.PlannedAbsence;
import org.breathgate.protocol.DeviceIds;
import org.breathgate.protocol.MissedTest;
import org.breathgate.protocol.Reading;
import org.breathgate.receiver.care.consent.CaseContexts;
import org.breathgate.receiver.care.gate.CareGate;
import org.breathgate.receiver.care.gate.Visit;
import org.breathgate.receiver.care.people.DeviceAssignments;
import org.breathgate.receiver.evidence.store.EvidenceReader;
import org.breathgate.receiver.evidence.store.StoredEvent;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * The parent's own word, through the one {@link CareGate}: their explanations beside their readings and missed tests, the
 * planned absences they announce, and the substance-abuse worker's decision on each. Every write and decision is audited;
 * refusals too. The signed evidence is never touched: the word lives in its own tables ({@link WordStore}).
 *
 * <p>Workers see the word on the client's timeline ({@code Timelines} reads it into the {@code TimelineView}).
 */
public final class ParentWord {

    private final CareGate gate;

    public ParentWord(CareGate gate) {
        this.gate = Objects.requireNonNull(gate, "gate");
    }

    /** An event the parent may explain, with the explanations it has. */
    public record Explained(String deviceId, long seq, boolean missed, Instant shownAt, List<Explanation> explanations) {
    }

    /**
     * The parent's own event {@code deviceId#seq} with its explanations (the explanation page).
     *
     * @throws org.breathgate.care.access.AccessDeniedException if it is not the actor's own reading or missed test (audited)
     * @throws IllegalArgumentException if there is no such event
     */
    public Explained event(Actor parent, String deviceId, long seq) {
        return gate.run(parent, "opening the explanations of " + deviceId + "#" + seq, visit -> {
            Target t = target(visit, deviceId, seq);
            visit.record("explanations.viewed", "event", t.ref(), Visit.basis(t.decision()));
            return new Explained(deviceId, seq, t.stored().event() instanceof MissedTest, t.time().shown(),
                    WordStore.explanations(visit.connection(), deviceId, seq));
        });
    }

    /**
     * Adds the parent's explanation beside their own reading or missed test (a later one never replaces an earlier one).
     *
     * @throws org.breathgate.care.access.AccessDeniedException if it is not the actor's own event, or the actor is not the
     *                                                          parent (a worker may not write the parent's word; audited)
     * @throws IllegalArgumentException if there is no such event, or it is neither a reading nor a missed test
     */
    public Explanation explain(Actor parent, String deviceId, long seq, Explanation.Choice choice, String text) {
        return gate.run(parent, "explaining " + deviceId + "#" + seq, visit -> {
            Target t = target(visit, deviceId, seq);
            Explanation stored = WordStore.add(visit.connection(), new Explanation(deviceId, seq, 1, choice, text, parent.userId(),
                    visit.now()), t.clientId());
            visit.record("explanation.added", "event", t.ref(), Visit.basis(t.decision()) + "; n " + stored.n() + "; "
                    + choice.wireName() + (stored.text() == null ? "" : "; text: " + stored.text()));
            return stored;
        });
    }

    /**
     * Announces a planned absence of the parent's own (pending until the worker decides).
     *
     * @throws org.breathgate.care.access.AccessDeniedException if the actor is not the client's parent (audited)
     * @throws IllegalArgumentException if it has ended, runs backwards, lasts too long, or the text is too long
     */
    public PlannedAbsence announce(Actor parent, Instant from, Instant to, PlannedAbsence.Kind kind, String text) {
        String clientId = parent.clientId() == null ? "-" : parent.clientId();
        return gate.run(parent, "announcing an absence of " + clientId, visit -> {
            visit.requireRole(java.util.Set.of(org.breathgate.care.access.Role.PARENT), Operation.ANNOUNCE_ABSENCE, "client", clientId);
            CaseContext context = CaseContexts.load(visit.connection(), clientId);
            Decision d = visit.require(Operation.ANNOUNCE_ABSENCE, context, "client", clientId);
            PlannedAbsence a = PlannedAbsence.announce("abs-" + UUID.randomUUID(), clientId, from, to, kind, text, parent.userId(),
                    visit.now());
            WordStore.insert(visit.connection(), a);
            visit.record("absence.announced", "absence", a.id(), Visit.basis(d) + "; client " + clientId + "; " + a.kind().wireName()
                    + "; " + a.from() + " to " + a.to() + (a.text() == null ? "" : "; text: " + a.text()));
            return a;
        });
    }

    /** The parent's own absences and the decisions on them, by start (audited). */
    public List<PlannedAbsence> ofParent(Actor parent) {
        String clientId = parent.clientId() == null ? "-" : parent.clientId();
        return gate.run(parent, "reading the absences of " + clientId, visit -> {
            visit.requireRole(java.util.Set.of(org.breathgate.care.access.Role.PARENT), Operation.ANNOUNCE_ABSENCE, "client", clientId);
            CaseContext context = CaseContexts.load(visit.connection(), clientId);
            Decision d = visit.require(Operation.ANNOUNCE_ABSENCE, context, "client", clientId);
            List<PlannedAbsence> all = WordStore.absencesOf(visit.connection(), clientId);
            visit.record("absences.viewed", "client", clientId, Visit.basis(d) + "; shown " + all.size());
            return all;
        });
    }

    /** An absence's client, if it exists (to answer 404 rather than refuse one that is not there). */
    public java.util.Optional<String> clientOf(Actor actor, String absenceId) {
        return gate.look(actor, "finding absence " + absenceId, visit -> WordStore.absence(visit.connection(), absenceId)
                .map(PlannedAbsence::clientId));
    }

    /**
     * The substance-abuse worker's decision on a pending absence, with an optional note to the parent; made once.
     *
     * @throws org.breathgate.care.access.AccessDeniedException if the actor may not decide it (audited)
     * @throws IllegalArgumentException if there is no such absence
     * @throws IllegalStateException if it was decided already
     */
    public PlannedAbsence decide(Actor worker, String absenceId, boolean accept, String note) {
        return gate.run(worker, "deciding absence " + absenceId, visit -> {
            PlannedAbsence a = WordStore.absence(visit.connection(), absenceId)
                    .orElseThrow(() -> new IllegalArgumentException("no absence " + absenceId));
            CaseContext context = CaseContexts.load(visit.connection(), a.clientId());
            Decision d = visit.require(Operation.DECIDE_ABSENCE, context, "absence", absenceId);
            PlannedAbsence decided = a.decide(accept, worker.userId(), note, visit.now());
            WordStore.decide(visit.connection(), decided);
            visit.record(accept ? "absence.accepted" : "absence.declined", "absence", absenceId, Visit.basis(d) + "; client "
                    + a.clientId() + (decided.decisionNote() == null ? "" : "; note: " + decided.decisionNote()));
            return decided;
        });
    }

    private record Target(StoredEvent stored, String clientId, EventTime time, Decision decision) {
        String ref() {
            return stored.ref();
        }
    }

    /** The actor's own reading or missed test {@code deviceId#seq}, decided (the parent only; refusals audited). */
    private static Target target(Visit visit, String deviceId, long seq) throws java.sql.SQLException {
        StoredEvent stored = EvidenceReader.event(visit.connection(), DeviceIds.check(deviceId), seq)
                .orElseThrow(() -> new IllegalArgumentException("no stored event " + deviceId + "#" + seq));
        String clientId = DeviceAssignments.clientAt(visit.connection(), deviceId, stored.attributionTime())
                .orElseThrow(() -> new IllegalArgumentException(deviceId + "#" + seq + " belongs to no client"));
        CaseContext context = CaseContexts.load(visit.connection(), clientId);
        Decision d = visit.require(Operation.EXPLAIN_OWN_EVENT, context, "event", stored.ref());
        if (!(stored.event() instanceof Reading) && !(stored.event() instanceof MissedTest)) {
            throw new IllegalArgumentException(stored.ref() + " is neither a reading nor a missed test");
        }
        return new Target(stored, clientId, EventTime.of(stored.event().clock(), stored.receivedAt()), d);
    }
}
