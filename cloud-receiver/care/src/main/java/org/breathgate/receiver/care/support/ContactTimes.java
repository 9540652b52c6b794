package org.breathgate.receiver.care.support;

import org.breathgate.care.support.SupportRouting.Route;
import org.breathgate.protocol.SupportReply;
import org.breathgate.receiver.care.routing.OfficeHours;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZonedDateTime;
import java.util.Objects;

/**
 * When a parent can expect contact after someone saw their request: the {@code contact_from} and {@code contact_before} of a
 * {@code support_reply} (docs/protocol.md, "What a receiver does with support requests"), from the service's office hours.
 *
 * <ul>
 *   <li>Seen inside office hours: contact before the end of that working day ({@code contact_before} only).</li>
 *   <li>Seen outside them: contact on the next working day, between its start and its end (both times). "Next" is the same
 *       day when it is a working day that has not started yet (seen at 7:00 on a Tuesday: Tuesday 8:00–16:00).</li>
 *   <li>A {@code help_now} (or a request without a need) seen by the on-call list, or inside office hours, is answered at
 *       once: no times. Seen outside office hours by a worker of the service (no on-call list reached it) it gets the
 *       next working day's times, like a {@code call_me}.</li>
 * </ul>
 * Working days are the office hours' days of the week that are not closed days (public holidays, the service's own closed
 * dates: {@link org.breathgate.receiver.care.routing.ClosedDays}).
 */
public final class ContactTimes {

    /** The two times; either may be {@code null}. */
    public record Window(Instant from, Instant before) {
        public static final Window NONE = new Window(null, null);
    }

    private final OfficeHours hours;

    public ContactTimes(OfficeHours hours) {
        this.hours = Objects.requireNonNull(hours, "hours");
    }

    /** The times to tell the device for a request on {@code route} seen at {@code seen} by someone answering as {@code by}. */
    public Window of(Route route, SupportReply.Role by, Instant seen) {
        boolean open = hours.contains(seen);
        if (route == Route.ON_CALL && (open || by == SupportReply.Role.ON_CALL)) {
            return Window.NONE;
        }
        ZonedDateTime local = seen.atZone(hours.zone());
        if (open) {
            return new Window(null, at(local.toLocalDate(), hours.until()));
        }
        LocalDate day = local.toLocalTime().isBefore(hours.from()) ? local.toLocalDate() : local.toLocalDate().plusDays(1);
        while (!hours.isWorkingDay(day)) {
            day = day.plusDays(1);
        }
        return new Window(at(day, hours.from()), at(day, hours.until()));
    }

    private Instant at(LocalDate day, java.time.LocalTime time) {
        return ZonedDateTime.of(day, time, hours.zone()).toInstant();
    }
}
