package org.breathgate.care.alert;

/** Where an alert stands. */
public enum AlertStatus {
    /** Waiting for a worker; escalates when its time comes. */
    OPEN,
    /** A worker acknowledged it with a note. Re-opens if it becomes more severe. */
    ACKNOWLEDGED,
    /** No longer needs anyone: its missed test was excused, or a silent device was heard again. */
    RESOLVED
}
