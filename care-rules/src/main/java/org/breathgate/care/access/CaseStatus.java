package org.breathgate.care.access;

/** Whether the substance-abuse service is still working with the client. */
public enum CaseStatus {
    OPEN,
    /** Closed: no new schedules; data is kept for the retention period, then deleted. */
    CLOSED
}
