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

    /**
     * Entries in one ack at most: 64 entries of the longest form take about 8 KiB of JSON, so every
     * valid ack stays under {@link MessageVerifier#MAX_COMPACT_BYTES} once base64url-encoded and signed.
     */
    public static final int MAX_ENTRIES = 64;

    private static final java.util.regex.Pattern REASON = java.util.regex.Pattern.compile("[a-z0-9_]{1,48}");

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
     * @param reason for {@link Result#QUARANTINED}, the rejection code (1-48 of a-z, 0-9, _); otherwise {@code null}
     */
    public record Entry(long seq, Result result, String reason) {
        public Entry {
            EvidenceEvent.checkSeq(seq);
            Objects.requireNonNull(result, "result");
            if (result == Result.QUARANTINED && reason == null) {
                throw new IllegalArgumentException("a quarantined entry needs a reason");
            }
            if (reason != null && !REASON.matcher(reason).matches()) {
                throw new IllegalArgumentException("an ack reason is a code of 1-48 characters a-z, 0-9 and _, was '" + reason + "'");
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
