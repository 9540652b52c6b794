package org.breathgate.hardware;

/**
 * Why a blow did not give a result, as the device tells it. The agent maps each to the reason a
 * reading records (the protocol's {@code abort_reason}).
 */
public enum BlowAbortReason {
    /** The person stopped blowing before the device had enough breath. */
    TOO_SHORT,
    /** The flow was too weak for deep-lung air. */
    TOO_WEAK,
    /** The blow was interrupted (for example the test was cancelled). */
    INTERRUPTED,
    /** The sensor was not warm; wait for {@link Breathalyser#awaitReady} and try again. */
    SENSOR_NOT_WARM,
    /** Nobody blew within the device's blow window. */
    NO_BLOW
}
