package org.breathgate.receiver.ingest.mqtt;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** Counters of what ingest did since start. Thread-safe. */
public final class IngestStats {

    private final LongAdder stored = new LongAdder();
    private final LongAdder duplicates = new LongAdder();
    private final LongAdder statuses = new LongAdder();
    private final LongAdder acksPublished = new LongAdder();
    private final LongAdder batches = new LongAdder();
    private final LongAdder batchedMessages = new LongAdder();
    private final Map<String, LongAdder> quarantined = new ConcurrentHashMap<>();
    private final LongAdder received = new LongAdder();
    private final LongAdder verifications = new LongAdder();
    private final LongAdder verifyNanos = new LongAdder();
    private final LongAdder commitNanos = new LongAdder();

    /** Messages that arrived from the broker, whatever became of them. */
    public long received() {
        return received.sum();
    }

    /** Messages classified (parsed, signature verified, or refused). */
    public long verifications() {
        return verifications.sum();
    }

    /** Time spent classifying them, in nanoseconds, in total. */
    public long verifyNanos() {
        return verifyNanos.sum();
    }

    /** Time spent writing batches durably (commit included), in nanoseconds, in total; {@link #batches()} counts them. */
    public long commitNanos() {
        return commitNanos.sum();
    }

    void countReceived() {
        received.increment();
    }

    void timeVerification(long nanos) {
        verifications.increment();
        verifyNanos.add(nanos);
    }

    void timeCommit(long nanos) {
        commitNanos.add(nanos);
    }

    /** Evidence events stored for the first time. */
    public long stored() {
        return stored.sum();
    }

    /** Evidence events received again with the same bytes. */
    public long duplicates() {
        return duplicates.sum();
    }

    /** Status heartbeats saved. */
    public long statuses() {
        return statuses.sum();
    }

    /** Signed ack messages published to devices. */
    public long acksPublished() {
        return acksPublished.sum();
    }

    /** Write transactions committed. */
    public long batches() {
        return batches.sum();
    }

    /** Messages per write transaction, on average (0 before the first). */
    public double meanBatchSize() {
        long b = batches.sum();
        return b == 0 ? 0 : (double) batchedMessages.sum() / b;
    }

    /** Messages quarantined, by reason. */
    public Map<String, Long> quarantined() {
        Map<String, Long> copy = new TreeMap<>();
        quarantined.forEach((reason, count) -> copy.put(reason, count.sum()));
        return copy;
    }

    /** Messages quarantined for {@code reason}. */
    public long quarantined(String reason) {
        LongAdder count = quarantined.get(reason);
        return count == null ? 0 : count.sum();
    }

    void countStored() {
        stored.increment();
    }

    void countDuplicate() {
        duplicates.increment();
    }

    void countStatus() {
        statuses.increment();
    }

    void countBatch(int messages) {
        batches.increment();
        batchedMessages.add(messages);
    }

    void countAck() {
        acksPublished.increment();
    }

    /** Counts one quarantined message and returns how many of that reason there have been. */
    long countQuarantined(String reason) {
        LongAdder count = quarantined.computeIfAbsent(reason, r -> new LongAdder());
        count.increment();
        return count.sum();
    }

    @Override
    public String toString() {
        return "stored=" + stored() + " duplicates=" + duplicates() + " statuses=" + statuses() + " acks=" + acksPublished()
                + " quarantined=" + quarantined() + " batches=" + batches() + String.format(java.util.Locale.ROOT, " (mean %.1f)", meanBatchSize());
    }
}
