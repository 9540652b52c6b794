package org.breathgate.receiver.care.routing;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * The days a service's office is closed although their weekday is a working day ({@code care.holidays},
 * {@code care.closed-dates}): Finland's public holidays ({@link FinnishHolidays}) unless turned off, and dates the service
 * names itself (a county's own closures).
 *
 * @param finnishHolidays whether Finland's public holidays, Midsummer Eve and Christmas Eve are closed
 * @param dates           other closed dates
 */
public record ClosedDays(boolean finnishHolidays, Set<LocalDate> dates) {

    /** No day is closed but by its weekday. */
    public static final ClosedDays NONE = new ClosedDays(false, Set.of());
    /** Finland's public holidays and the two eves. */
    public static final ClosedDays FINNISH = new ClosedDays(true, Set.of());

    public ClosedDays {
        dates = Set.copyOf(Objects.requireNonNull(dates, "dates"));
    }

    public boolean isClosed(LocalDate day) {
        return dates.contains(day) || finnishHolidays && FinnishHolidays.on(day).isPresent();
    }

    /**
     * Reads {@code care.holidays} ({@code FI} or {@code none}) and {@code care.closed-dates} (comma-separated ISO dates, may
     * be empty).
     *
     * @throws IllegalArgumentException with what to write instead
     */
    public static ClosedDays parse(String holidays, String closedDates) {
        boolean finnish = switch (holidays.strip().toUpperCase(Locale.ROOT)) {
            case "FI" -> true;
            case "NONE" -> false;
            default -> throw new IllegalArgumentException("holidays must be FI (Finland's public holidays) or none, was '" + holidays + "'");
        };
        Set<LocalDate> dates = new TreeSet<>();
        for (String part : closedDates.split(",")) {
            if (part.isBlank()) {
                continue;
            }
            try {
                dates.add(LocalDate.parse(part.strip()));
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("closed dates are ISO dates like 2026-12-31, comma-separated; '" + part.strip()
                        + "' is not one", e);
            }
        }
        return new ClosedDays(finnish, dates);
    }
}
