package org.breathgate.receiver.care.routing;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * When the substance-abuse service's own workers are at work: inside these hours an alert goes to the client's responsible
 * workers (and deputy); outside them the organisation's on-call list is told as well. A closed day (a public holiday, or a
 * date the service names) has no office hours, even when it falls on a working day of the week.
 *
 * @param days   the working days of the week
 * @param from   the first minute of the working day
 * @param until  the end of the working day (exclusive)
 * @param zone   the service's zone
 * @param closed the days the office is closed although their weekday is a working day
 */
public record OfficeHours(Set<DayOfWeek> days, LocalTime from, LocalTime until, ZoneId zone, ClosedDays closed) {

    /** Monday to Friday, 8:00 to 16:00: a Finnish social service's usual office hours. Set {@code care.office-hours}. */
    public static final String DEFAULT = "MON-FRI 08:00-16:00";

    public OfficeHours {
        days = Set.copyOf(EnumSet.copyOf(Objects.requireNonNull(days, "days")));
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(until, "until");
        Objects.requireNonNull(zone, "zone");
        Objects.requireNonNull(closed, "closed");
        if (days.isEmpty() || !from.isBefore(until)) {
            throw new IllegalArgumentException("office hours need at least one day and a start before their end");
        }
    }

    /** Open on every working day of the week, whatever the date. */
    public OfficeHours(Set<DayOfWeek> days, LocalTime from, LocalTime until, ZoneId zone) {
        this(days, from, until, zone, ClosedDays.NONE);
    }

    /** These office hours, closed also on {@code closed}. */
    public OfficeHours closedOn(ClosedDays closed) {
        return new OfficeHours(days, from, until, zone, closed);
    }

    /** Whether the office is open on {@code day} at all: a working day of the week, and not a closed day. */
    public boolean isWorkingDay(java.time.LocalDate day) {
        return days.contains(day.getDayOfWeek()) && !closed.isClosed(day);
    }

    /**
     * Reads {@code "MON-FRI 08:00-16:00"} (days as a range or a comma list of three-letter English names, then the hours).
     *
     * @throws IllegalArgumentException with what to write instead
     */
    public static OfficeHours parse(String text, ZoneId zone) {
        String[] parts = text.strip().split("\\s+");
        if (parts.length != 2 || !parts[1].contains("-")) {
            throw new IllegalArgumentException("office hours must read like 'MON-FRI 08:00-16:00', was '" + text + "'");
        }
        Set<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
        try {
            for (String item : parts[0].split(",")) {
                String[] range = item.split("-");
                DayOfWeek first = day(range[0]);
                DayOfWeek last = range.length > 1 ? day(range[1]) : first;
                for (DayOfWeek d = first; ; d = d.plus(1)) {
                    days.add(d);
                    if (d == last) {
                        break;
                    }
                }
            }
            String[] hours = parts[1].split("-");
            return new OfficeHours(days, LocalTime.parse(hours[0]), LocalTime.parse(hours[1]), zone);
        } catch (DateTimeParseException | ArrayIndexOutOfBoundsException e) {
            throw new IllegalArgumentException("office hours must read like 'MON-FRI 08:00-16:00', was '" + text + "'", e);
        }
    }

    private static DayOfWeek day(String name) {
        for (DayOfWeek d : DayOfWeek.values()) {
            if (d.name().substring(0, 3).equals(name.toUpperCase(Locale.ROOT))) {
                return d;
            }
        }
        throw new IllegalArgumentException("unknown day '" + name + "': use MON, TUE, WED, THU, FRI, SAT, SUN");
    }

    /** Whether {@code at} is inside office hours. */
    public boolean contains(Instant at) {
        ZonedDateTime local = at.atZone(zone);
        LocalTime t = local.toLocalTime();
        return isWorkingDay(local.toLocalDate()) && !t.isBefore(from) && t.isBefore(until);
    }
}
