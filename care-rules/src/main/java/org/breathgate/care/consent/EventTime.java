package org.breathgate.care.consent;

import org.breathgate.protocol.ClockFacts;

import java.time.Instant;
import java.util.Collection;
import java.util.Objects;

/**
 * When an event happened, as far as the receiver can know: a span from {@code earliest} to
 * {@code latest}, which is a single instant when the device's clock was synchronised.
 *
 * <p>When the device clock was <em>not</em> synchronised, the event happened no later than the
 * receiver got it. A Raspberry Pi without a real-time clock starts from the last time it saved, so
 * an unsynchronised clock lags real time: the event happened no earlier than the device's clock
 * said. The span is then {@code [device clock, received at]}. A device clock that reads later than
 * the receipt is plainly wrong, and the start is then unknown ({@link #UNKNOWN_START}).
 *
 * <p>Consent covers an event only if the <em>whole</em> span lies inside the consented period, so an
 * uncertain time never lets a result from outside the period reach a child-protection unit.
 *
 * @param earliest the earliest the event can have happened, or {@link #UNKNOWN_START}
 * @param latest   the latest it can have happened
 */
public record EventTime(Instant earliest, Instant latest) {

    /** The earliest instant of a span whose start cannot be known. */
    public static final Instant UNKNOWN_START = Instant.MIN;

    public EventTime {
        Objects.requireNonNull(earliest, "earliest");
        Objects.requireNonNull(latest, "latest");
        if (latest.isBefore(earliest)) {
            throw new IllegalArgumentException("latest " + latest + " must not be before earliest " + earliest);
        }
    }

    /** An instant known exactly: the receiver's own time, or a synchronised device clock. */
    public static EventTime exact(Instant at) {
        return new EventTime(at, at);
    }

    /** The time of a device event from its clock facts and the time the receiver got it. */
    public static EventTime of(ClockFacts clock, Instant receivedAt) {
        return of(clock.wall(), clock.synced(), receivedAt);
    }

    /**
     * The time of a device event.
     *
     * @param deviceWall  the device's wall clock when the event happened
     * @param clockSynced whether that clock was synchronised
     * @param receivedAt  when the receiver got the event
     */
    public static EventTime of(Instant deviceWall, boolean clockSynced, Instant receivedAt) {
        Objects.requireNonNull(deviceWall, "deviceWall");
        Objects.requireNonNull(receivedAt, "receivedAt");
        if (clockSynced) {
            return exact(deviceWall);
        }
        if (deviceWall.isAfter(receivedAt)) {
            return new EventTime(UNKNOWN_START, receivedAt);
        }
        return new EventTime(deviceWall, receivedAt);
    }

    /** The smallest span holding all of {@code times}: what a worker learns from seeing them together. */
    public static EventTime span(Collection<EventTime> times) {
        if (times.isEmpty()) {
            throw new IllegalArgumentException("span of no event times");
        }
        Instant earliest = null;
        Instant latest = null;
        for (EventTime t : times) {
            earliest = earliest == null || t.earliest.isBefore(earliest) ? t.earliest : earliest;
            latest = latest == null || t.latest.isAfter(latest) ? t.latest : latest;
        }
        return new EventTime(earliest, latest);
    }

    /** Whether the time is known to the instant. */
    public boolean isExact() {
        return earliest.equals(latest);
    }

    /** The time to show: the exact time, or else the latest it can have been (the receipt). */
    public Instant shown() {
        return latest;
    }

    /** Whether the whole span lies in {@code [from, until)}. */
    public boolean within(Instant from, Instant until) {
        return !earliest.isBefore(from) && latest.isBefore(until);
    }
}
