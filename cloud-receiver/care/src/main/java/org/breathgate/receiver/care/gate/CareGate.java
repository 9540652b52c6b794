package org.breathgate.receiver.care.gate;

import org.breathgate.care.access.AccessDeniedException;
import org.breathgate.care.access.Actor;
import org.breathgate.care.audit.AuditRecord;
import org.breathgate.receiver.evidence.db.Database;
import org.breathgate.receiver.evidence.db.Sql;

import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;

/**
 * The one gate of the care workflow: every read, export, change and refusal goes through it, is decided here by the care
 * rules' {@code AccessPolicy} and audited here, nowhere else (an architecture test holds every other class to that).
 *
 * <p>An operation runs as one {@link Work} that is handed a {@link Visit}: the visit decides ({@link Visit#require},
 * {@link Visit#check}) and records ({@link Visit#record}), and what the work shows or changes commits in the same writer
 * transaction as the audit entry saying so. A refusal ends the work: its changes roll back, the {@code access.denied} entry is
 * committed in a transaction of its own, and an {@link AccessDeniedException} carries the decision to the caller.
 *
 * <pre>{@code
 * List<Item> shown = gate.run(actor, "opening the timeline of " + clientId, visit -> {
 *     CaseContext context = CaseContexts.load(visit.connection(), clientId);
 *     Decision open = visit.require(Operation.VIEW_TIMELINE, context, "client", clientId);   // refused: audited, thrown
 *     ...
 *     visit.record("timeline.viewed", "client", clientId, Visit.basis(open));
 *     return items;
 * });
 * }</pre>
 *
 * <p>Three ways in: {@link #run} for a person, {@link #look} for a person's reads that record nothing (lists of names,
 * counts; on the reader connection, so they never wait for ingest's writes), and {@link #runAsReceiver} for the receiver's
 * own work (alert delivery, retention, admin commands), audited under a name such as {@code system} or {@code cli:anna}.
 */
public final class CareGate {

    private final Database database;
    private final AuditLog audit;
    private final Clock clock;

    /** What an operation does inside the gate. */
    @FunctionalInterface
    public interface Work<T> {
        T run(Visit visit) throws SQLException;
    }

    public CareGate(Database database, AuditLog audit, Clock clock) {
        this.database = Objects.requireNonNull(database, "database");
        this.audit = Objects.requireNonNull(audit, "audit");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Runs {@code work} for {@code actor} in one writer transaction.
     *
     * @param what what is being done, for the message of a failure ("opening the timeline of client-a")
     * @throws AccessDeniedException when the work was refused (already audited)
     */
    public <T> T run(Actor actor, String what, Work<T> work) {
        Objects.requireNonNull(actor, "actor");
        Instant now = clock.instant();
        return refusalsAudited(() -> Sql.write(database, what, c -> work.run(new Visit(database, audit, c, actor, actor.userId(), now,
                true))));
    }

    /**
     * Runs {@code work} for {@code actor} on the reader connection: it may decide and be refused (audited), but records
     * nothing. For what shows no result: lists of names, counts.
     */
    public <T> T look(Actor actor, String what, Work<T> work) {
        Objects.requireNonNull(actor, "actor");
        Instant now = clock.instant();
        return refusalsAudited(() -> Sql.read(database, what, c -> work.run(new Visit(database, audit, c, actor, actor.userId(), now,
                false))));
    }

    /**
     * Runs the receiver's own {@code work} in one writer transaction; its audit entries name {@code auditActor}
     * ({@code system} for the receiver's threads, {@code cli:<user>} for an admin command).
     */
    public <T> T runAsReceiver(String auditActor, String what, Work<T> work) {
        Objects.requireNonNull(auditActor, "auditActor");
        Instant now = clock.instant();
        return refusalsAudited(() -> Sql.write(database, what, c -> work.run(new Visit(database, audit, c, null, auditActor, now, true))));
    }

    /**
     * Runs the receiver's own {@code work} on the reader connection: decisions for someone else (may this recipient be sent
     * this alert now), nothing recorded.
     */
    public <T> T lookAsReceiver(String auditActor, String what, Work<T> work) {
        Objects.requireNonNull(auditActor, "auditActor");
        Instant now = clock.instant();
        return refusalsAudited(() -> Sql.read(database, what, c -> work.run(new Visit(database, audit, c, null, auditActor, now, false))));
    }

    /** Records one thing the receiver did on {@code auditActor}'s behalf, in a transaction of its own. */
    public void record(String auditActor, String action, String subjectType, String subjectId, String detail) {
        runAsReceiver(auditActor, "recording " + action, visit -> {
            visit.record(action, subjectType, subjectId, detail);
            return null;
        });
    }

    /** The audit log, to read and verify (entries reach it only through this gate). */
    public AuditLog log() {
        return audit;
    }

    /** The time the gate decides at. */
    public Instant now() {
        return clock.instant();
    }

    private interface Step<T> {
        T run();
    }

    private <T> T refusalsAudited(Step<T> step) {
        try {
            return step.run();
        } catch (Visit.Refused refused) {
            audit.append(refused.record());
            throw refused.refusal();
        }
    }

    /** The entry a refusal leaves: {@code access.denied} with the operation and the policy's code. */
    static AuditRecord refusalEntry(Instant at, String actor, String operation, String subjectType, String subjectId, String code) {
        return AuditRecord.of(at, actor, org.breathgate.care.audit.AuditAction.ACCESS_DENIED, subjectType, subjectId, operation + " " + code);
    }
}
