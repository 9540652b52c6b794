package org.breathgate.protocol;

/** What a breath test came to. */
public enum Outcome {
    /** A valid sample below the device's threshold. */
    PASS,
    /** A valid sample at or above the device's threshold. */
    FAIL,
    /** No valid sample was taken (see {@link AbortReason}); the parent may try again. */
    ABORTED,
    /** A sample was taken but cannot be trusted (e.g. implausible value, sensor fault during analysis). */
    INVALID_SAMPLE;

    /**
     * Whether the test gave a valid sample: {@link #PASS} or {@link #FAIL}. Only a valid sample counts as a test
     * taken (a schedule's slot is done, a value can be shown); an aborted test or an untrustworthy sample is a try.
     */
    public boolean validSample() {
        return this == PASS || this == FAIL;
    }

    /** The wire value: the name in lower case. */
    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
