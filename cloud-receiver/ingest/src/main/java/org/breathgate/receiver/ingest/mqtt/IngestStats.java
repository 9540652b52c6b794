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
