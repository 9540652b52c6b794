package org.breathgate.care.access;

import org.breathgate.care.consent.Scope;

import java.util.EnumSet;
import java.util.Set;

/**
 * Everything the care workflow lets someone do, as asked of {@link AccessPolicy}.
 *
 * <p>An <em>event</em> operation is about one event (a result, a missed test, an alert) and is
 * decided with that event's time, because consent covers events by their time. A <em>client</em>
 * operation is about one client. The rest are about the system (users, devices, audit log).
 */
public enum Operation {
    /** Open a client's timeline. Each item is then checked with its own event operation. */
    VIEW_TIMELINE(Kind.CLIENT, EnumSet.of(Scope.RESULTS, Scope.MISSED_TESTS)),
    /** See one test result. */
    VIEW_RESULT(Kind.EVENT, EnumSet.of(Scope.RESULTS)),
    /** See one missed test. */
    VIEW_MISSED_TESTS(Kind.EVENT, EnumSet.of(Scope.MISSED_TESTS)),
    /**
     * See the parent's "I need support" requests. Never shared with child protection: a request for
     * help must not count against the parent, or parents stop asking.
     */
    VIEW_SUPPORT_REQUESTS(Kind.CLIENT, EnumSet.noneOf(Scope.class)),
    /** Be sent an alert about one event (or a chain of them). */
    RECEIVE_ALERT(Kind.EVENT, EnumSet.of(Scope.ALERTS)),
    /** Acknowledge an alert with a note. */
    ACK_ALERT(Kind.EVENT, EnumSet.of(Scope.ALERTS)),
    /** Export a report for a case file. Each item is then checked with its own event operation. */
    EXPORT_REPORT(Kind.CLIENT, EnumSet.of(Scope.RESULTS, Scope.MISSED_TESTS)),
    /** Record a new consent or amend one. */
    RECORD_CONSENT(Kind.CLIENT, EnumSet.noneOf(Scope.class)),
    /** Record that the parent revoked a consent. */
    REVOKE_CONSENT(Kind.CLIENT, EnumSet.noneOf(Scope.class)),
    /** See consents (a child-protection worker: those naming their own unit). */
    VIEW_CONSENTS(Kind.CLIENT, EnumSet.noneOf(Scope.class)),
    /** Set the client's test schedule (sent to the device as signed configuration). */
    SET_SCHEDULE(Kind.CLIENT, EnumSet.noneOf(Scope.class)),
    /** Change the client's alert rules or threshold. */
    EDIT_ALERT_RULES(Kind.CLIENT, EnumSet.noneOf(Scope.class)),
    /** Mark a missed or late test as excused, with a note. */
    EXCUSE_MISSED_TEST(Kind.CLIENT, EnumSet.noneOf(Scope.class)),
    /** Create a client, close or reopen the case, assign a device. */
    MANAGE_CLIENT(Kind.CLIENT, EnumSet.noneOf(Scope.class)),
    /** Export all data held about the client (the parent's right of access). */
    EXPORT_ALL_DATA_OF_CLIENT(Kind.CLIENT, EnumSet.noneOf(Scope.class)),
    /** See who has looked at the client's data (the audit entries about them). */
    VIEW_ACCESS_LOG_OF_CLIENT(Kind.CLIENT, EnumSet.noneOf(Scope.class)),
    /** Enrol, replace and retire devices. */
    MANAGE_DEVICES(Kind.SYSTEM, EnumSet.noneOf(Scope.class)),
    /** Create a one-time enrolment code for a new device. */
    CREATE_ENROLLMENT_CODE(Kind.SYSTEM, EnumSet.noneOf(Scope.class)),
    /** See devices' health: online, outbox, sensor, calibration; no results. */
    VIEW_DEVICE_HEALTH(Kind.SYSTEM, EnumSet.noneOf(Scope.class)),
    /**
     * Be sent, and acknowledge, an alert about a device (its integrity, its clock, evidence outside any client's period):
     * alerts that carry no result. Technicians.
     */
    HANDLE_DEVICE_ALERT(Kind.SYSTEM, EnumSet.noneOf(Scope.class)),
    /** Create, lock and remove accounts; assign roles. */
    MANAGE_USERS(Kind.SYSTEM, EnumSet.noneOf(Scope.class)),
    /** Read the whole audit log. */
    VIEW_AUDIT_LOG(Kind.SYSTEM, EnumSet.noneOf(Scope.class)),
    /** Verify the audit log's hash chain. */
    VERIFY_AUDIT(Kind.SYSTEM, EnumSet.noneOf(Scope.class)),
    /** Run retention: delete data whose retention period has passed. */
    DELETE_EXPIRED(Kind.SYSTEM, EnumSet.noneOf(Scope.class));

    /** What an operation is about. */
    public enum Kind {
        /** One event of one client; decided with the event's time. */
        EVENT,
        /** One client. */
        CLIENT,
        /** The system, not any client. */
        SYSTEM
    }

    private final Kind kind;
    private final Set<Scope> childProtectionScopes;

    Operation(Kind kind, Set<Scope> childProtectionScopes) {
        this.kind = kind;
        this.childProtectionScopes = Set.copyOf(childProtectionScopes);
    }

    public Kind kind() {
        return kind;
    }

    /**
     * The consent scopes through which a child-protection worker may do this (any one suffices);
     * empty when consent never opens it (consents themselves are handled separately).
     */
    public Set<Scope> childProtectionScopes() {
        return childProtectionScopes;
    }
}
