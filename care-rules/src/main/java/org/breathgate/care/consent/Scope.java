package org.breathgate.care.consent;

/** What a parent's consent lets a child-protection unit have. Each is given separately. */
public enum Scope {
    /** Browse test results (timeline, reports) from the consented period. */
    RESULTS,
    /** Browse missed tests from the consented period. */
    MISSED_TESTS,
    /** Be alerted (confirmed positives, missed tests) about events in the consented period. */
    ALERTS
}
