package org.breathgate.receiver.evidence.store;

/**
 * A run of sequence numbers, both ends included: e.g. the evidence events of a device that have
 * not arrived.
 */
public record SeqRange(long first, long last) {

    public SeqRange {
        if (first < 1 || last < first) {
            throw new IllegalArgumentException("a range needs 1 <= first <= last, was " + first + ".." + last);
        }
    }

    /** How many sequence numbers the range holds. */
    public long size() {
        return last - first + 1;
    }

    @Override
    public String toString() {
        return first == last ? Long.toString(first) : first + ".." + last;
    }
}
