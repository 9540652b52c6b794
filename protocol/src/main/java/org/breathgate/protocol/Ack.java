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
 * @param entries  one entry per sequence number, 0 to {@value #MAX_ENTRIES}
 * @param photos   one entry per reading photo the receiver has news about, 0 to {@value #MAX_PHOTO_ENTRIES};
 *                 an ack has at least one entry of either kind
 */
public record Ack(String deviceId, Instant issued, List<Entry> entries, List<PhotoEntry> photos) implements ReceiverMessage {

    /** Photo entries in one ack at most: 8 of the longest (64 missing chunks listed) take about 2 KiB. */
    public static final int MAX_PHOTO_ENTRIES = 8;

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
        photos = List.copyOf(photos);
        if (entries.isEmpty() && photos.isEmpty()) {
            throw new IllegalArgumentException("an ack has 1-" + MAX_ENTRIES + " entries, had 0 (and no photo entries)");
        }
        if (entries.size() > MAX_ENTRIES) {
            throw new IllegalArgumentException("an ack has 1-" + MAX_ENTRIES + " entries, had " + entries.size());
        }
        if (photos.size() > MAX_PHOTO_ENTRIES) {
            throw new IllegalArgumentException("an ack has at most " + MAX_PHOTO_ENTRIES + " photo entries, had " + photos.size());
        }
    }

    /** An ack of evidence events only, as before photos existed. */
    public Ack(String deviceId, Instant issued, List<Entry> entries) {
        this(deviceId, issued, entries, List.of());
    }

    /**
     * What the receiver did with the photo of reading {@code seq}.
     *
     * @param seq     the reading's sequence number
     * @param result  what happened to its photo
     * @param missing for {@link PhotoResult#INCOMPLETE}, the indexes of the chunks still missing
     *                (ascending, 1 to {@link PhotoChunk#MAX_CHUNKS}); empty otherwise
     */
    public record PhotoEntry(long seq, PhotoResult result, List<Integer> missing) {
        public PhotoEntry {
            EvidenceEvent.checkSeq(seq);
            Objects.requireNonNull(result, "result");
            missing = List.copyOf(missing);
            if ((result == PhotoResult.INCOMPLETE) == missing.isEmpty()) {
                throw new IllegalArgumentException(result == PhotoResult.INCOMPLETE
                        ? "an incomplete photo entry lists the missing chunks" : "only an incomplete photo entry lists missing chunks");
            }
            if (missing.size() > PhotoChunk.MAX_CHUNKS) {
                throw new IllegalArgumentException("at most " + PhotoChunk.MAX_CHUNKS + " missing chunks, had " + missing.size());
            }
            int previous = -1;
            for (int index : missing) {
                if (index <= previous || index >= PhotoChunk.MAX_CHUNKS) {
                    throw new IllegalArgumentException("missing chunks are ascending indexes 0-" + (PhotoChunk.MAX_CHUNKS - 1));
                }
                previous = index;
            }
        }

        /** An entry without missing chunks (every result but {@link PhotoResult#INCOMPLETE}). */
        public PhotoEntry(long seq, PhotoResult result) {
            this(seq, result, List.of());
        }
    }

    /**
     * What the receiver did with a reading's photo. {@link #isFinal() Final} results end the
     * transfer: the device deletes the photo (a photo is never kept on the device once the receiver
     * has answered for it). The others ask the device to keep it and send again.
     */
    public enum PhotoResult {
        /** Reassembled, its SHA-256 and size match the signed reading, stored. Final. */
        STORED(true),
        /** The receiver already has this photo. Final. */
        DUPLICATE(true),
        /** The last chunk arrived but others are missing: send those ({@code missing}). */
        INCOMPLETE(false),
        /** Complete, but its reading has not arrived: held (for a bounded time) until it does. Send again later. */
        PENDING(false),
        /** The bytes do not match the hash or size in the signed reading: quarantined, never evidence. Final. */
        HASH_MISMATCH(true),
        /** The reading says no photo was taken, so none is accepted for it. Final. */
        NOT_EXPECTED(true),
        /** The sequence number is not a reading the receiver accepted (another event type, or quarantined). Final. */
        NO_SUCH_READING(true),
        /** Larger than the receiver accepts. Final. */
        TOO_LARGE(true),
        /** The receiver cannot hold the photo now (its buffer for unfinished photos is full). Send again later. */
        BUSY(false);

        private final boolean isFinal;

        PhotoResult(boolean isFinal) {
            this.isFinal = isFinal;
        }

        /** Whether the transfer is over: the device deletes the photo. */
        public boolean isFinal() {
            return isFinal;
        }

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
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
