package org.breathgate.care.audit;

/** The actions the care workflow records. {@link #code()} is what is written (and hashed). */
public enum AuditAction {
    TIMELINE_VIEWED("timeline.viewed"),
    RESULT_VIEWED("result.viewed"),
    MISSED_TEST_VIEWED("missed_test.viewed"),
    REPORT_EXPORTED("report.exported"),
    CLIENT_DATA_EXPORTED("client_data.exported"),
    CONSENT_RECORDED("consent.recorded"),
    CONSENT_REVOKED("consent.revoked"),
    ALERT_ACKNOWLEDGED("alert.acknowledged"),
    MISSED_TEST_EXCUSED("missed_test.excused"),
    SCHEDULE_SET("schedule.set"),
    ALERT_RULES_CHANGED("alert_rules.changed"),
    DATA_DELETED("data.deleted"),
    ACCESS_DENIED("access.denied"),
    LOGIN_SUCCEEDED("login.succeeded"),
    LOGIN_FAILED("login.failed"),
    /** Failed sign-ins began to delay further attempts for a key (an account from an address, an address, an account). */
    LOGIN_SLOWED("login.slowed"),
    /** A sign-in through an identity provider, an invitation or a second factor was refused; the detail says why. */
    LOGIN_REFUSED("login.refused"),
    AUDIT_VERIFIED("audit.verified");

    private final String code;

    AuditAction(String code) {
        this.code = code;
    }

    public String code() {
        return code;
    }
}
