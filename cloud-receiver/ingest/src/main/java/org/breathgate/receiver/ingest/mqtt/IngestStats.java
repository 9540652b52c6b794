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
    private final Map<String, LongAdder> dropped = new ConcurrentHashMap<>();
    private final LongAdder quarantineFull = new LongAdder();
    private final LongAdder misrouted = new LongAdder();
    private final LongAdder clockDoubted = new LongAdder();

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

    /**
     * Messages dropped without a database write, by why: {@code unknown_device} (the topic names no enrolled device),
     * {@code not_an_uplink} (not a device's uplink topic at all).
     */
    public Map<String, Long> dropped() {
        Map<String, Long> copy = new TreeMap<>();
        dropped.forEach((reason, count) -> copy.put(reason, count.sum()));
        return copy;
    }

    /** Quarantined messages not kept because the quarantine's cap was reached (counted in quarantine_tally too). */
    public long quarantineFull() {
        return quarantineFull.sum();
    }

    /** Verified messages that arrived on another topic than their own type's (stored by their signed type all the same). */
    public long misrouted() {
        return misrouted.sum();
    }

    /** Evidence stored with its device clock doubted at the door (filed by receive time). */
    public long clockDoubted() {
        return clockDoubted.sum();
    }

    /** Counts one dropped message and returns how many of that reason there have been. */
    long countDropped(String reason) {
        LongAdder count = dropped.computeIfAbsent(reason, r -> new LongAdder());
        count.increment();
        return count.sum();
    }

    void countQuarantineFull() {
        quarantineFull.increment();
    }

    long countMisrouted() {
        misrouted.increment();
        return misrouted.sum();
    }

    void countClockDoubted() {
        clockDoubted.increment();
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
                + " quarantined=" + quarantined() + (quarantineFull() > 0 ? " quarantine_full=" + quarantineFull() : "")
                + (dropped.isEmpty() ? "" : " dropped=" + dropped()) + (misrouted() > 0 ? " misrouted=" + misrouted() : "")
                + (clockDoubted() > 0 ? " clock_doubted=" + clockDoubted() : "")
                + " batches=" + batches() + String.format(java.util.Locale.ROOT, " (mean %.1f)", meanBatchSize());
    }
}
