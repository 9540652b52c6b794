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
    PHOTO_MISMATCH,
    /**
     * A test the schedule asked for has not reached the receiver a set time (90 minutes by default) after its window closed:
     * no reading and no missed-test record. Raised by the receiver, which knows the schedule, so it comes also when the
     * device is silent; resolved when the device's record of that test arrives.
     */
    EXPECTED_TEST_MISSING,
    /** A consent the parent gave ends soon (two weeks ahead): the responsible worker may ask the parent whether to renew it. */
    CONSENT_EXPIRING
}
