package org.breathgate.care.word;

import org.breathgate.care.Checks;
import org.breathgate.care.consent.EventTime;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Objects;

/**
 * An absence the parent announces ahead of time (a hospital stay, a trip), and the substance-abuse worker's decision on it.
 *
 * <p>What it means: only an <em>accepted</em> absence marks the missed tests whose whole time lies inside it as "during an
 * accepted planned absence" ({@link #covers}). A pending or declined one changes nothing. Even an accepted one does not stop
 * or resolve an alert: alerts, and what child protection is sent, keep their own rules (a worker may still excuse each missed
 * test). Safety first: the parent's announcement alone never hides anything.
 *
 * @param id           the absence's id
 * @param clientId     whose absence it is
 * @param from         when it starts
 * @param to           when it ends (exclusive)
 * @param kind         what it is
 * @param text         the parent's own words, or {@code null}
 * @param announcedBy  the parent's user id
 * @param announcedAt  when they announced it
 * @param status       pending, accepted or declined
 * @param decidedBy    the worker who decided, or {@code null} while pending
 * @param decidedAt    when, or {@code null} while pending
 * @param decisionNote the worker's note to the parent, or {@code null}
 */
public record PlannedAbsence(String id, String clientId, Instant from, Instant to, Kind kind, String text, String announcedBy,
                             Instant announcedAt, Status status, String decidedBy, Instant decidedAt, String decisionNote) {

    /** The longest absence one announcement covers (about three months); a longer one is a conversation, not a form. */
    public static final Duration LONGEST = Duration.ofDays(92);

    /** What kind of absence. */
    public enum Kind {
        HOSPITAL_STAY, TRIP, OTHER;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Kind ofWire(String wire) {
            for (Kind k : values()) {
                if (k.wireName().equals(wire)) {
                    return k;
                }
            }
            throw new IllegalArgumentException("no absence kind '" + wire + "' (hospital_stay, trip, other)");
        }
    }

    /** Where the worker's decision stands. */
    public enum Status {
        PENDING, ACCEPTED, DECLINED;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Status ofWire(String wire) {
            for (Status s : values()) {
                if (s.wireName().equals(wire)) {
                    return s;
                }
            }
            throw new IllegalArgumentException("no absence status '" + wire + "'");
        }
    }

    public PlannedAbsence {
        Checks.id("id", id);
        Checks.id("clientId", clientId);
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        if (!to.isAfter(from)) {
            throw new IllegalArgumentException("an absence must end after it starts (" + from + " to " + to + ")");
        }
        Objects.requireNonNull(kind, "kind");
        text = text == null || text.isBlank() ? null : Checks.optionalText("text", text.strip(), Explanation.MAX_TEXT);
        Checks.id("announcedBy", announcedBy);
        Objects.requireNonNull(announcedAt, "announcedAt");
        Objects.requireNonNull(status, "status");
        if ((status == Status.PENDING) != (decidedBy == null) || (decidedBy == null) != (decidedAt == null)) {
            throw new IllegalArgumentException("a decided absence names who decided and when; a pending one neither");
        }
        decisionNote = decisionNote == null || decisionNote.isBlank() ? null
                : Checks.optionalText("decisionNote", decisionNote.strip(), Explanation.MAX_TEXT);
    }

    /**
     * A new announcement, pending: it must end after {@code now} (announced ahead of time, or while it lasts) and last at most
     * {@link #LONGEST}.
     */
    public static PlannedAbsence announce(String id, String clientId, Instant from, Instant to, Kind kind, String text, String by,
                                          Instant now) {
        Objects.requireNonNull(now, "now");
        if (to != null && !to.isAfter(now)) {
            throw new IllegalArgumentException("an absence is announced ahead of time: this one ended at " + to);
        }
        if (from != null && to != null && Duration.between(from, to).compareTo(LONGEST) > 0) {
            throw new IllegalArgumentException("an absence may last at most " + LONGEST.toDays() + " days");
        }
        return new PlannedAbsence(id, clientId, from, to, kind, text, by, now, Status.PENDING, null, null, null);
    }

    /**
     * The worker's decision: accepted or declined, once.
     *
     * @throws IllegalStateException if it was decided already (a decision is never overwritten)
     */
    public PlannedAbsence decide(boolean accept, String by, String note, Instant now) {
        if (status != Status.PENDING) {
            throw new IllegalStateException("absence " + id + " was " + status.wireName() + " already");
        }
        return new PlannedAbsence(id, clientId, from, to, kind, text, announcedBy, announcedAt,
                accept ? Status.ACCEPTED : Status.DECLINED, by, Objects.requireNonNull(now, "now"), note);
    }

    /**
     * Whether this absence marks an event at {@code time}: it is accepted and the event's whole time span (all of it, when
     * the device's clock was not synchronised) lies inside {@code [from, to)}.
     */
    public boolean covers(EventTime time) {
        return status == Status.ACCEPTED && time.within(from, to);
    }

    /** The same absence without the parent's own words (for someone who sees only that a test fell in it). */
    public PlannedAbsence withoutText() {
        return new PlannedAbsence(id, clientId, from, to, kind, null, announcedBy, announcedAt, status, decidedBy, decidedAt, null);
    }

    /** Whether it is still waiting for a decision. */
    public boolean pending() {
        return status == Status.PENDING;
    }
}
