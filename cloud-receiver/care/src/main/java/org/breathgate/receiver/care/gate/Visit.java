package org.breathgate.receiver.care.gate;

import org.breathgate.care.access.AccessDeniedException;
import org.breathgate.care.access.AccessPolicy;
import org.breathgate.care.access.Actor;
import org.breathgate.care.access.Decision;
import org.breathgate.care.access.Operation;
import org.breathgate.care.access.ReasonCode;
import org.breathgate.care.access.Role;
import org.breathgate.care.alert.Alert;
import org.breathgate.care.alert.AlertEngine;
import org.breathgate.care.alert.CaseContext;
import org.breathgate.care.audit.AuditRecord;
import org.breathgate.care.consent.ConsentVersion;
import org.breathgate.care.consent.EventTime;
import org.breathgate.care.support.SupportRouting;
import org.breathgate.receiver.evidence.db.Database;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * One operation inside the {@link CareGate}: its connection (one transaction), who asks, the time of asking, and the only
 * way to decide and to audit. Every decision goes to the care rules ({@link AccessPolicy}, {@link AlertEngine#mayReceive}),
 * with the few narrowings the rules leave to the receiver written here as named rules, not in the features.
 */
public final class Visit {

    private final Database database;
    private final AuditLog audit;
    private final Connection connection;
    private final Actor actor;
    private final String auditActor;
    private final Instant now;
    private final boolean mayRecord;

    Visit(Database database, AuditLog audit, Connection connection, Actor actor, String auditActor, Instant now, boolean mayRecord) {
        this.database = database;
        this.audit = audit;
        this.connection = connection;
        this.actor = actor;
        this.auditActor = auditActor;
        this.now = now;
        this.mayRecord = mayRecord;
    }

    /** The transaction's connection: read and write what the operation needs, in the gate's transaction. */
    public Connection connection() {
        return connection;
    }

    /** The database the connection belongs to (its dialect). */
    public Database database() {
        return database;
    }

    /** Who asks; {@code null} for the receiver's own work ({@link CareGate#runAsReceiver}). */
    public Actor actor() {
        return actor;
    }

    /** The time of asking: consent must be in force now, and every entry of this operation carries it. */
    public Instant now() {
        return now;
    }

    // ------------------------------------------------------------------ decisions that refuse

    /**
     * Decides client operation {@code operation} for the actor; a refusal ends the operation (audited as
     * {@code access.denied} about {@code subjectType subjectId}).
     */
    public Decision require(Operation operation, CaseContext context, String subjectType, String subjectId) {
        return allowedOrRefused(operation, decide(operation, context, null), subjectType, subjectId);
    }

    /** As {@link #require(Operation, CaseContext, String, String)} for an event operation, decided with the event's time. */
    public Decision require(Operation operation, CaseContext context, EventTime time, String subjectType, String subjectId) {
        return allowedOrRefused(operation, decide(operation, context, time), subjectType, subjectId);
    }

    /** Decides system operation {@code operation} (one about no client, such as {@link Operation#VIEW_DEVICE_HEALTH}). */
    public Decision require(Operation operation, String subjectType, String subjectId) {
        return allowedOrRefused(operation, AccessPolicy.decide(person(), operation, now), subjectType, subjectId);
    }

    /**
     * Acknowledging {@code alert}: for its audience only, and only while consent covers the event
     * ({@link AlertEngine#mayAcknowledge}).
     */
    public Decision requireAcknowledgement(Alert alert, CaseContext context) {
        return allowedOrRefused(Operation.ACK_ALERT, AlertEngine.mayAcknowledge(alert, person(), context, now), "alert", alert.key());
    }

    /**
     * Recording the parent's revocation of {@code consent}: {@link Operation#REVOKE_CONSENT}, and a child-protection worker
     * only for a consent naming their own unit (another unit's consent is not theirs to end).
     */
    public Decision requireRevocation(CaseContext context, ConsentVersion consent) {
        Decision d = decide(Operation.REVOKE_CONSENT, context, null);
        if (d.allowed() && person().role() == Role.CHILD_PROTECTION_WORKER
                && !consent.childProtectionUnitId().equals(person().organisationId())) {
            d = Decision.of(ReasonCode.DENIED_NO_CONSENT);
        }
        return allowedOrRefused(Operation.REVOKE_CONSENT, d, "consent", consent.consentId());
    }

    /**
     * Reviewing a test photo against the reference: the reading must be visible to the actor ({@link Operation#VIEW_RESULT}
     * with its time), and identity review is the substance-abuse service's task.
     */
    public Decision requirePhotoReview(CaseContext context, EventTime readingTime, String photoRef) {
        Decision d = decide(Operation.VIEW_RESULT, context, readingTime);
        if (d.allowed() && person().role() != Role.SUBSTANCE_ABUSE_WORKER) {
            d = Decision.of(ReasonCode.DENIED_ROLE);
        }
        return allowedOrRefused(Operation.VIEW_RESULT, d, "photo", photoRef);
    }

    /**
     * A page or list that exists only for some roles (the caseload and the alert inbox for workers, the photo review queue for
     * substance-abuse workers): any other role is refused {@code denied.role}, audited as a refusal of {@code operation}.
     */
    public void requireRole(Set<Role> roles, Operation operation, String subjectType, String subjectId) {
        if (!roles.contains(person().role())) {
            allowedOrRefused(operation, Decision.of(ReasonCode.DENIED_ROLE), subjectType, subjectId);
        }
    }

    /**
     * Opening or closing a parent's support request: only the people its route goes to ({@link SupportRouting#mayHandle}:
     * the client's service, a technician for a device problem); a refusal is audited about {@code support_request
     * <device>#<seq>}.
     */
    public Decision requireSupportHandling(SupportRouting.Route route, CaseContext context, String requestRef) {
        return allowedOrRefused(Operation.VIEW_SUPPORT_REQUESTS, SupportRouting.mayHandle(person(), route, context.client()),
                "support_request", requestRef);
    }

    // ------------------------------------------------------------------ decisions that only answer

    /**
     * Decides without refusing: for filtering (each event of a timeline, each client of a caseload) and for what a page
     * offers. Nothing is audited here: record what is shown with {@link #record}.
     */
    public Decision check(Operation operation, CaseContext context, EventTime time) {
        return decide(operation, context, time);
    }

    /** Whether the actor is one of the people a support request on {@code route} goes to (for their list of requests). */
    public Decision checkSupportHandling(SupportRouting.Route route, CaseContext context) {
        return SupportRouting.mayHandle(person(), route, context.client());
    }

    /** As {@link #check(Operation, CaseContext, EventTime)} for a system operation. */
    public Decision check(Operation operation) {
        return AccessPolicy.decide(person(), operation, now);
    }

    /** Whether the actor may be shown {@code alert}: addressed to their organisation, and consent still covers it. */
    public Decision mayReceive(Alert alert, CaseContext context) {
        return AlertEngine.mayReceive(alert, person(), context, now);
    }

    /** Whether {@code recipient} may be sent {@code alert} now (alert delivery: consent is checked again at each attempt). */
    public Decision mayReceive(Alert alert, Actor recipient, CaseContext context) {
        return AlertEngine.mayReceive(alert, recipient, context, now);
    }

    /** The consents in {@code context} the actor may see: all of the client's, or (child protection) those naming their unit. */
    public List<ConsentVersion> visibleConsents(CaseContext context) {
        return context.consents().versions().stream()
                .filter(v -> person().role() != Role.CHILD_PROTECTION_WORKER || v.childProtectionUnitId().equals(person().organisationId()))
                .toList();
    }

    /** Whether the actor reviews test photos: identity review is the substance-abuse service's task. */
    public boolean reviewsPhotos() {
        return person().role() == Role.SUBSTANCE_ABUSE_WORKER;
    }

    /**
     * Whether the actor is shown photo reviews' verdicts. A verdict is the substance-abuse service's, like the
     * {@code PHOTO_MISMATCH} alert it raises (not shared with child protection: the worker talks with the parent first); a
     * child-protection worker sees whether there is a photo, and the photo itself, not the verdict.
     */
    public boolean seesPhotoVerdicts() {
        return person().role() != Role.CHILD_PROTECTION_WORKER;
    }

    /**
     * Ends the operation with {@code decision}, a refusal made before (a rule of the care core, such as the alert engine's
     * audience check). Audited like every refusal.
     */
    public AccessDeniedException refuse(Operation operation, Decision decision, String subjectType, String subjectId) {
        if (decision.allowed()) {
            throw new IllegalArgumentException("not a refusal: " + decision.code().code());
        }
        allowedOrRefused(operation, decision, subjectType, subjectId);
        throw new IllegalStateException("unreachable");
    }

    // ------------------------------------------------------------------ audit

    /** Seals an entry saying what this operation did or showed, in its transaction. */
    public void record(String action, String subjectType, String subjectId, String detail) {
        if (!mayRecord) {
            throw new IllegalStateException("a look records nothing: run " + action + " with CareGate.run");
        }
        try {
            audit.append(connection, new AuditRecord(now, auditActor, action, subjectType, subjectId, detail));
        } catch (SQLException e) {
            throw new org.breathgate.receiver.evidence.db.StoreException("writing the audit entry " + action + " failed: " + e.getMessage(), e);
        }
    }

    /** What an entry says of an allowing decision: its code, and the consent it rests on. */
    public static String basis(Decision d) {
        return d.code().code() + (d.consentBasis() == null ? ""
                : " (consent " + d.consentBasis().consentId() + " v" + d.consentBasis().version() + ")");
    }

    // ------------------------------------------------------------------ plumbing

    private Actor person() {
        if (actor == null) {
            throw new IllegalStateException("the receiver's own work decides for a recipient: pass the actor");
        }
        return actor;
    }

    private Decision decide(Operation operation, CaseContext context, EventTime time) {
        Objects.requireNonNull(context, "context");
        return AccessPolicy.decide(person(), operation, context.client(), context.consents(), time, now);
    }

    private Decision allowedOrRefused(Operation operation, Decision decision, String subjectType, String subjectId) {
        if (decision.allowed()) {
            return decision;
        }
        throw new Refused(CareGate.refusalEntry(now, auditActor, operation.name(), subjectType, subjectId, decision.code().code()),
                new AccessDeniedException(operation.name() + " of " + subjectType + " " + subjectId, decision));
    }

    /** A refusal on its way out of the work: the gate rolls the work back, commits the entry and throws the exception. */
    static final class Refused extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final transient AuditRecord record;
        private final AccessDeniedException refusal;

        Refused(AuditRecord record, AccessDeniedException refusal) {
            super(refusal.getMessage(), null, false, false);
            this.record = record;
            this.refusal = refusal;
        }

        AuditRecord record() {
            return record;
        }

        AccessDeniedException refusal() {
            return refusal;
        }
    }
}
