package org.breathgate.care.alert;

/** The alert rules. One retest chain is one alert: OVER_THRESHOLD while unconfirmed, then CONFIRMED_POSITIVE. */
public enum AlertKind {
    /** A failed test whose retest also failed, or whose retest was missed. */
    CONFIRMED_POSITIVE,
    /** A single result at or above the client's threshold, not (yet) confirmed by a retest. */
    OVER_THRESHOLD,
    /** A scheduled test whose window closed with no valid sample. */
    MISSED_TEST,
    /** The device reported a tamper or fault signal. */
    TAMPER,
    /** Nothing heard from the device for longer than the client's silence limit. */
    DEVICE_SILENT,
    /** The parent pressed "I need support". For the substance-abuse service only. */
    SUPPORT_REQUEST,
    /**
     * A worker reviewed the photo taken at a test and found it does not show the client (compared with
     * the client's enrolled reference photo): someone else may have blown. Handled like a tamper signal.
     */
    PHOTO_MISMATCH
}
