package org.breathgate.care.alert;

/** How urgent an alert is. Only WARNING and HIGH escalate. */
public enum Severity {
    /** For the record: e.g. a positive whose retest passed. Does not escalate. */
    INFO,
    WARNING,
    HIGH
}
