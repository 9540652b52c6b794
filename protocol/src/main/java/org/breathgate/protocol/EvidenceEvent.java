package org.breathgate.protocol;

/**
 * A device message that is evidence: it has a per-device sequence number that is used once, ever,
 * so the receiver can store it exactly once, acknowledge it, and notice any that never arrived.
 * Status heartbeats are not evidence and have no sequence number.
 */
public sealed interface EvidenceEvent extends DeviceMessage
        permits Reading, MissedTest, TamperEvent, SupportRequest {

    /** Largest sequence number: 2^53 - 1, so that every JSON implementation reads it exactly. */
    long MAX_SEQUENCE = (1L << 53) - 1;

    /** The per-device sequence number, from 1 up, never reused. */
    long seq();

    /** Checks a sequence number and returns it. */
    static long checkSeq(long seq) {
        if (seq < 1 || seq > MAX_SEQUENCE) {
            throw new IllegalArgumentException("seq must be between 1 and 2^53-1, was " + seq);
        }
        return seq;
    }
}
