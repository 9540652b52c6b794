package org.breathgate.care.access;

import org.breathgate.care.consent.ConsentCheck;
import org.breathgate.care.consent.ConsentHistory;
import org.breathgate.care.consent.EventTime;
import org.breathgate.care.consent.Scope;

import java.time.Instant;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * Who may do what: least privilege, with the parent's consent as the only way into a client's data
 * for child protection.
 *
 * <ul>
 *   <li><b>Substance-abuse worker</b>: every client and event operation, for clients of their own
 *       organisation only; no schedule, consent or rule changes once the case is closed.</li>
 *   <li><b>Child-protection worker</b>: results, missed tests, alerts and reports only while a consent
 *       naming their unit is in force now, includes the scope, and its period holds the event's
 *       time; the consents naming their unit (to see them, or to record the parent's revocation).</li>
 *   <li><b>Technician</b>: devices and their health, and the alerts about a device (which carry no result); never
 *       results or clients.</li>
 *   <li><b>Administrator</b>: users, devices, the audit log and retention; never results. Whoever
 *       manages accounts could otherwise grant themselves a look unseen; keeping the two duties apart
 *       means every look at a result is made by a worker with a case, and checked by someone else.</li>
 *   <li><b>Parent</b>: their own data (results, missed tests, support requests, consents, who looked),
 *       the revocation of their consents, and a full export.</li>
 * </ul>
 *
 * <p>A timeline or report is opened with {@link Operation#VIEW_TIMELINE} / {@link Operation#EXPORT_REPORT};
 * each item in it must then be checked with {@link Operation#VIEW_RESULT} or
 * {@link Operation#VIEW_MISSED_TESTS} and its own time, so a child-protection worker sees only the
 * covered part.
 */
public final class AccessPolicy {

    private static final Set<Operation> ADMINISTRATOR_OPERATIONS = EnumSet.of(
            Operation.MANAGE_USERS, Operation.MANAGE_DEVICES, Operation.CREATE_ENROLLMENT_CODE,
            Operation.VIEW_DEVICE_HEALTH, Operation.VIEW_AUDIT_LOG, Operation.VERIFY_AUDIT, Operation.DELETE_EXPIRED);

    private static final Set<Operation> TECHNICIAN_OPERATIONS = EnumSet.of(
            Operation.MANAGE_DEVICES, Operation.CREATE_ENROLLMENT_CODE, Operation.VIEW_DEVICE_HEALTH, Operation.HANDLE_DEVICE_ALERT);

    private static final Set<Operation> PARENT_OPERATIONS = EnumSet.of(
            Operation.VIEW_TIMELINE, Operation.VIEW_RESULT, Operation.VIEW_MISSED_TESTS,
            Operation.VIEW_SUPPORT_REQUESTS, Operation.EXPORT_REPORT, Operation.VIEW_CONSENTS,
            Operation.REVOKE_CONSENT, Operation.EXPORT_ALL_DATA_OF_CLIENT, Operation.VIEW_ACCESS_LOG_OF_CLIENT);

    /** What no longer makes sense once the case is closed: new plans and new sharing. */
    private static final Set<Operation> OPEN_CASE_ONLY = EnumSet.of(
            Operation.SET_SCHEDULE, Operation.RECORD_CONSENT, Operation.EDIT_ALERT_RULES);

    private AccessPolicy() {
    }

    /** Decides a system operation (one about no client, such as {@link Operation#MANAGE_USERS}). */
    public static Decision decide(Actor actor, Operation operation, Instant now) {
        return decide(actor, operation, null, null, null, now);
    }

    /**
     * Decides whether {@code actor} may do {@code operation}.
     *
     * @param client    the client concerned; {@code null} exactly for system operations
     * @param consents  that client's consent history; {@code null} exactly for system operations
     * @param eventTime the event's time for event operations; {@code null} for the others
     * @param now       the time of asking: consent must be in force now
     * @throws IllegalArgumentException if the arguments do not fit the operation's kind, or the
     *                                  consents belong to another client (a caller's mistake, never a refusal)
     */
    public static Decision decide(Actor actor, Operation operation, Client client, ConsentHistory consents,
                                  EventTime eventTime, Instant now) {
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(operation, "operation");
        Objects.requireNonNull(now, "now");
        checkArguments(operation, client, consents, eventTime);
        switch (actor.role()) {
            case ADMINISTRATOR:
                return Decision.of(ADMINISTRATOR_OPERATIONS.contains(operation) ? ReasonCode.ALLOWED_FOR_ROLE : ReasonCode.DENIED_ROLE);
            case TECHNICIAN:
                return Decision.of(TECHNICIAN_OPERATIONS.contains(operation) ? ReasonCode.ALLOWED_FOR_ROLE : ReasonCode.DENIED_ROLE);
            case SUBSTANCE_ABUSE_WORKER:
                return substanceAbuseWorker(actor, operation, client);
            case PARENT:
                return parent(actor, operation, client);
            case CHILD_PROTECTION_WORKER:
                return childProtectionWorker(actor, operation, client, consents, eventTime, now);
            default:
                throw new IllegalStateException("unknown role " + actor.role());
        }
    }

    private static Decision substanceAbuseWorker(Actor actor, Operation operation, Client client) {
        if (operation.kind() == Operation.Kind.SYSTEM) {
            return Decision.of(ReasonCode.DENIED_ROLE);
        }
        if (!client.substanceAbuseOrganisationId().equals(actor.organisationId())) {
            return Decision.of(ReasonCode.DENIED_OTHER_ORGANISATION);
        }
        if (client.caseStatus() == CaseStatus.CLOSED && OPEN_CASE_ONLY.contains(operation)) {
            return Decision.of(ReasonCode.DENIED_CASE_CLOSED);
        }
        return Decision.of(ReasonCode.ALLOWED_OWN_ORGANISATION);
    }

    private static Decision parent(Actor actor, Operation operation, Client client) {
        if (!PARENT_OPERATIONS.contains(operation)) {
            return Decision.of(ReasonCode.DENIED_ROLE);
        }
        if (!client.id().equals(actor.clientId())) {
            return Decision.of(ReasonCode.DENIED_NOT_OWN_DATA);
        }
        return Decision.of(ReasonCode.ALLOWED_OWN_DATA);
    }

    private static Decision childProtectionWorker(Actor actor, Operation operation, Client client, ConsentHistory consents,
                                                  EventTime eventTime, Instant now) {
        String unit = actor.organisationId();
        if (operation == Operation.VIEW_CONSENTS || operation == Operation.REVOKE_CONSENT) {
            // Seeing one's own unit's consents, and passing on a parent's revocation, only ever narrow access.
            return consents.anyRecordedFor(unit, now)
                    ? Decision.of(ReasonCode.ALLOWED_OWN_UNIT_CONSENT)
                    : Decision.of(ReasonCode.DENIED_NO_CONSENT);
        }
        if (operation.childProtectionScopes().isEmpty()) {
            return Decision.of(ReasonCode.DENIED_ROLE);
        }
        ConsentCheck best = null;
        for (Scope scope : operation.childProtectionScopes()) {
            ConsentCheck check = consents.check(unit, scope, eventTime, now);
            // Results are ordered from covered to no consent at all: keep the closest.
            if (best == null || check.result().ordinal() < best.result().ordinal()) {
                best = check;
            }
        }
        switch (best.result()) {
            case COVERED:
                return Decision.byConsent(ReasonCode.ALLOWED_BY_CONSENT, best.basis());
            case EVENT_OUTSIDE_PERIOD:
                return Decision.of(ReasonCode.DENIED_EVENT_OUTSIDE_PERIOD);
            case SCOPE_NOT_GIVEN:
                return Decision.of(ReasonCode.DENIED_SCOPE_NOT_GIVEN);
            case NOT_YET_IN_FORCE:
                return Decision.of(ReasonCode.DENIED_CONSENT_NOT_YET_IN_FORCE);
            case EXPIRED:
                return Decision.of(ReasonCode.DENIED_CONSENT_EXPIRED);
            case REVOKED:
                return Decision.of(ReasonCode.DENIED_CONSENT_REVOKED);
            case NO_CONSENT_FOR_UNIT:
                return Decision.of(ReasonCode.DENIED_NO_CONSENT);
            default:
                throw new IllegalStateException("unknown consent result " + best.result());
        }
    }

    private static void checkArguments(Operation operation, Client client, ConsentHistory consents, EventTime eventTime) {
        boolean system = operation.kind() == Operation.Kind.SYSTEM;
        if (system != (client == null) || system != (consents == null)) {
            throw new IllegalArgumentException(operation + (system
                    ? " is about no client: pass no client and no consents"
                    : " needs the client and their consent history"));
        }
        if ((operation.kind() == Operation.Kind.EVENT) != (eventTime != null)) {
            throw new IllegalArgumentException(operation + (eventTime == null
                    ? " is about one event: pass its time"
                    : " is not about one event: pass no event time"));
        }
        if (client != null && !consents.clientId().equals(client.id())) {
            throw new IllegalArgumentException("consent history of client " + consents.clientId()
                    + " passed for client " + client.id());
        }
    }
}
