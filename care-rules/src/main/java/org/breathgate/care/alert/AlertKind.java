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
     * The receiver found something wrong with a message the device itself signed: another content under a sequence
     * number already stored (a copied device, or one that lost its count), a photo that is not the one its reading
     * names, or signed evidence it could not keep. For the substance-abuse service and the technicians, with no result.
     */
    DEVICE_INTEGRITY,
    /**
     * The device said its clock was synchronised, but it disagreed with the receiver's by more than the tolerance: its
     * evidence is filed by the time the receiver got it. For the substance-abuse service and the technicians.
     */
    CLOCK_DOUBTED,
    /**
     * Evidence arrived that belongs to no client's period with the device (sent before the device was lent, or after it was
     * returned): it is on no timeline. Raised on the client the device was lent to nearest that time, for the
     * substance-abuse service and the technicians.
     */
    UNASSIGNED_EVIDENCE,
    /**
     * A test the schedule asked for has not reached the receiver a set time (90 minutes by default) after its window closed:
     * no reading and no missed-test record. Raised by the receiver, which knows the schedule, so it comes also when the
     * device is silent; resolved when the device's record of that test arrives.
     */
    EXPECTED_TEST_MISSING,
    /** A consent the parent gave ends soon (two weeks ahead): the responsible worker may ask the parent whether to renew it. */
    CONSENT_EXPIRING;


    /** Whether the kind is about the device rather than the parent's results: technicians are in its audience too. */
    public boolean aboutTheDevice() {
        return this == DEVICE_INTEGRITY || this == CLOCK_DOUBTED || this == UNASSIGNED_EVIDENCE;
    }
}
