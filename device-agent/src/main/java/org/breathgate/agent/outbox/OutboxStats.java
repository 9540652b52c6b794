package org.breathgate.agent.outbox;

/**
 * How full the outbox is.
 *
 * @param depth       events waiting for the receiver's ack
 * @param bytes       bytes those events and the dead letters take (signed text, excluding SQLite overhead)
 * @param deadLetters events the receiver quarantined, kept locally
 * @param lastSeq     highest sequence number ever assigned (0 before the first)
 * @param budgetBytes the disk budget
 */
public record OutboxStats(int depth, long bytes, int deadLetters, long lastSeq, long budgetBytes) {

    /** The share of the budget in use, e.g. 0.8 at 80 %. */
    public double budgetUsed() {
        return budgetBytes == 0 ? 1.0 : (double) bytes / budgetBytes;
    }

    /** Whether the outbox is at or over 80 % of its budget: time to say so loudly. */
    public boolean nearlyFull() {
        return budgetUsed() >= 0.8;
    }
}
