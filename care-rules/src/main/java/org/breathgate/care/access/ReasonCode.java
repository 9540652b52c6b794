package org.breathgate.care.access;

/** Why {@link AccessPolicy} allowed or refused; {@link #code()} is stable, for logs and the audit trail. */
public enum ReasonCode {
    ALLOWED_OWN_ORGANISATION(true, "allowed.own_organisation", "the client belongs to the worker's own organisation"),
    ALLOWED_OWN_DATA(true, "allowed.own_data", "it is the parent's own data"),
    ALLOWED_BY_CONSENT(true, "allowed.consent", "the parent's consent covers it"),
    ALLOWED_OWN_UNIT_CONSENT(true, "allowed.own_unit_consent", "the consent names the worker's own unit"),
    ALLOWED_FOR_ROLE(true, "allowed.role", "the role includes this task"),
    DENIED_ROLE(false, "denied.role", "the role does not include this task"),
    DENIED_OTHER_ORGANISATION(false, "denied.other_organisation", "the client belongs to another organisation"),
    DENIED_NOT_OWN_DATA(false, "denied.not_own_data", "a parent sees only their own data"),
    DENIED_CASE_CLOSED(false, "denied.case_closed", "the client's case is closed"),
    DENIED_NO_CONSENT(false, "denied.consent.none", "the parent has not consented to share with this unit"),
    DENIED_CONSENT_NOT_YET_IN_FORCE(false, "denied.consent.not_yet_in_force", "the consented period has not begun"),
    DENIED_CONSENT_EXPIRED(false, "denied.consent.expired", "the consented period has ended"),
    DENIED_CONSENT_REVOKED(false, "denied.consent.revoked", "the parent revoked the consent"),
    DENIED_SCOPE_NOT_GIVEN(false, "denied.consent.scope", "the consent does not include this kind of information"),
    DENIED_NOT_IN_AUDIENCE(false, "denied.not_in_audience", "the alert is not addressed to the worker's organisation"),
    DENIED_EVENT_OUTSIDE_PERIOD(false, "denied.consent.event_outside_period",
            "the event lies outside the consented period (or its time is too uncertain to tell)");

    private final boolean allows;
    private final String code;
    private final String text;

    ReasonCode(boolean allows, String code, String text) {
        this.allows = allows;
        this.code = code;
        this.text = text;
    }

    public boolean allows() {
        return allows;
    }

    /** A stable, machine-readable code such as {@code denied.consent.revoked}. */
    public String code() {
        return code;
    }

    /** A plain-language explanation for the person refused. */
    public String text() {
        return text;
    }
}
