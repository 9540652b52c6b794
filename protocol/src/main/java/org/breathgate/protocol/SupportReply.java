package org.breathgate.protocol;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * The receiver's word to a device about the parent's support requests: that someone at the service
 * has seen a request, and when the parent can expect contact; or that the request is closed. Signed
 * by the receiver like {@link Ack} and {@link ConfigUpdate}, so that nobody else can tell a parent
 * their request was seen.
 *
 * <p>Retained on the device's {@code down/support_reply} topic: the latest reply is what a device
 * that was offline gets when it reconnects, so each reply lists the state of every request the device
 * may still be waiting to hear about (at most {@value #MAX_REQUESTS}, newest first), not only the one
 * that changed. A device applies a reply to a request only if it is newer ({@code issued}) than the
 * last one it applied to that request, so an old retained reply cannot undo a newer one.
 *
 * <p>Contact times are instants, not words: the device says them in the parent's language and relative
 * to when it speaks ("today before 16:00", "tomorrow from 8:00", "on Monday ..."), which stays right
 * when the reply arrives late or is repeated the next day.
 *
 * @param deviceId the device the reply is for
 * @param issued   when the receiver made it
 * @param requests one entry per request, 1 to {@value #MAX_REQUESTS}, each request at most once
 */
public record SupportReply(String deviceId, Instant issued, List<Entry> requests) implements ReceiverMessage {

    /** Requests in one reply at most: a family rarely has more open at once, and 8 keep a reply under 2 KiB. */
    public static final int MAX_REQUESTS = 8;

    public SupportReply {
        DeviceIds.check(deviceId);
        issued = Objects.requireNonNull(issued, "issued").truncatedTo(ChronoUnit.MILLIS);
        requests = List.copyOf(requests);
        if (requests.isEmpty() || requests.size() > MAX_REQUESTS) {
            throw new IllegalArgumentException("a support reply names 1-" + MAX_REQUESTS + " requests, had " + requests.size());
        }
        Set<Long> seen = new HashSet<>();
        for (Entry e : requests) {
            if (!seen.add(e.seq())) {
                throw new IllegalArgumentException("request " + e.seq() + " is named twice");
            }
        }
    }

    @Override
    public MessageType type() {
        return MessageType.SUPPORT_REPLY;
    }

    /** Where a request stands at the service. */
    public enum State {
        /** Someone at the service has opened it; contact is expected as the entry says. */
        SEEN,
        /** The service has dealt with it: the device stops showing it as open. */
        CLOSED;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Who at the service saw or closed a request: a role, never a name. */
    public enum Role {
        /** The family's own worker, or another worker of the service. */
        WORKER,
        /** The on-call social services (sosiaalipäivystys). */
        ON_CALL,
        /** The service's technician (a device problem). */
        TECHNICIAN;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * One request's state.
     *
     * @param seq           the support request's sequence number
     * @param state         seen or closed
     * @param by            who saw or closed it
     * @param contactFrom   for {@code SEEN}: contact is not expected before this (e.g. the next working day at 08:00);
     *                      null when it may come at once. Always null for {@code CLOSED}
     * @param contactBefore for {@code SEEN}: contact is expected before this (e.g. today at 16:00); null when the
     *                      service names no time. Always null for {@code CLOSED}
     */
    public record Entry(long seq, State state, Role by, Instant contactFrom, Instant contactBefore) {
        public Entry {
            EvidenceEvent.checkSeq(seq);
            Objects.requireNonNull(state, "state");
            Objects.requireNonNull(by, "by");
            contactFrom = contactFrom == null ? null : contactFrom.truncatedTo(ChronoUnit.MILLIS);
            contactBefore = contactBefore == null ? null : contactBefore.truncatedTo(ChronoUnit.MILLIS);
            if (state == State.CLOSED && (contactFrom != null || contactBefore != null)) {
                throw new IllegalArgumentException("a closed request has no contact times");
            }
            if (contactFrom != null && contactBefore != null && !contactFrom.isBefore(contactBefore)) {
                throw new IllegalArgumentException("contact_from must be before contact_before");
            }
        }

        /** A request someone has seen, with when contact is expected (either time may be null). */
        public static Entry seen(long seq, Role by, Instant contactFrom, Instant contactBefore) {
            return new Entry(seq, State.SEEN, by, contactFrom, contactBefore);
        }

        /** A request the service has dealt with. */
        public static Entry closed(long seq, Role by) {
            return new Entry(seq, State.CLOSED, by, null, null);
        }
    }
}
