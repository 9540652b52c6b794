package org.breathgate.protocol;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The receiver's answer about evidence events it has dealt with. Only an ack, never the broker's
 * PUBACK, lets a device delete an event from its outbox. Signed by the receiver so that a forged
 * ack cannot make a device throw evidence away.
 *
 * @param deviceId the device the ack is for
 * @param issued   when the receiver made it
 * @param entries  one entry per sequence number, 1 to {@value #MAX_ENTRIES}
 */
public record Ack(String deviceId, Instant issued, List<Entry> entries) implements ReceiverMessage {

    /** Entries in one ack at most, so that it stays well under {@link MessageVerifier#MAX_COMPACT_BYTES}. */
    public static final int MAX_ENTRIES = 200;

    public Ack {
        DeviceIds.check(deviceId);
        issued = Objects.requireNonNull(issued, "issued").truncatedTo(ChronoUnit.MILLIS);
        entries = List.copyOf(entries);
        if (entries.isEmpty() || entries.size() > MAX_ENTRIES) {
            throw new IllegalArgumentException("an ack has 1-" + MAX_ENTRIES + " entries, had " + entries.size());
        }
    }

    @Override
    public MessageType type() {
        return MessageType.ACK;
    }

    /**
     * @param seq    the sequence number acknowledged
     * @param result what the receiver did with it
     * @param reason for {@link Result#QUARANTINED}, the rejection code; otherwise {@code null}
     */
    public record Entry(long seq, Result result, String reason) {
        public Entry {
            EvidenceEvent.checkSeq(seq);
            Objects.requireNonNull(result, "result");
            reason = Texts.checkOptional("reason", reason, 200);
            if (result == Result.QUARANTINED && reason == null) {
                throw new IllegalArgumentException("a quarantined entry needs a reason");
            }
        }
    }

    /** What the receiver did with one event. */
    public enum Result {
        /** Verified and stored now: the device may delete it. */
        STORED,
        /** The receiver already had these exact bytes: the device may delete it. */
        DUPLICATE,
        /**
         * Not accepted as evidence (the reason says why) but kept in quarantine with its raw bytes:
         * the device moves it out of the send queue and reports it in its status.
         */
        QUARANTINED;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }
}
