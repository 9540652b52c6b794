package org.breathgate.receiver.care.routing;

import org.junit.jupiter.api.Test;

import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Finland's holidays against the published calendar, and office hours closed on them. */
class FinnishHolidaysTest {

    @Test
    void easter_falls_where_the_almanac_says() {
        assertEquals(LocalDate.of(2024, 3, 31), FinnishHolidays.easterSunday(2024));
        assertEquals(LocalDate.of(2025, 4, 20), FinnishHolidays.easterSunday(2025));
        assertEquals(LocalDate.of(2026, 4, 5), FinnishHolidays.easterSunday(2026));
        assertEquals(LocalDate.of(2027, 3, 28), FinnishHolidays.easterSunday(2027));
        assertEquals(LocalDate.of(2038, 4, 25), FinnishHolidays.easterSunday(2038));
    }

    @Test
    void the_holidays_of_2026_are_finlands() {
        Map<LocalDate, String> found = new TreeMap<>();
        for (LocalDate d = LocalDate.of(2026, 1, 1); d.getYear() == 2026; d = d.plusDays(1)) {
            LocalDate day = d;
            FinnishHolidays.on(day).ifPresent(name -> found.put(day, name));
        }
        Map<LocalDate, String> expected = new TreeMap<>(Map.ofEntries(
                Map.entry(LocalDate.of(2026, 1, 1), "New Year's Day"), Map.entry(LocalDate.of(2026, 1, 6), "Epiphany"),
                Map.entry(LocalDate.of(2026, 4, 3), "Good Friday"), Map.entry(LocalDate.of(2026, 4, 5), "Easter Sunday"),
                Map.entry(LocalDate.of(2026, 4, 6), "Easter Monday"), Map.entry(LocalDate.of(2026, 5, 1), "May Day"),
                Map.entry(LocalDate.of(2026, 5, 14), "Ascension Day"), Map.entry(LocalDate.of(2026, 5, 24), "Whit Sunday"),
                Map.entry(LocalDate.of(2026, 6, 19), "Midsummer Eve"), Map.entry(LocalDate.of(2026, 6, 20), "Midsummer Day"),
                Map.entry(LocalDate.of(2026, 10, 31), "All Saints' Day"), Map.entry(LocalDate.of(2026, 12, 6), "Independence Day"),
                Map.entry(LocalDate.of(2026, 12, 24), "Christmas Eve"), Map.entry(LocalDate.of(2026, 12, 25), "Christmas Day"),
                Map.entry(LocalDate.of(2026, 12, 26), "Boxing Day")));
        assertEquals(expected, found);
        assertEquals(Optional.of("Midsummer Eve"), FinnishHolidays.on(LocalDate.of(2027, 6, 25)), "the Friday of 19-25 June");
        assertEquals(Optional.of("All Saints' Day"), FinnishHolidays.on(LocalDate.of(2027, 11, 6)), "the Saturday of 31 October-6 November");
    }

    @Test
    void office_hours_are_closed_on_holidays_and_the_services_own_dates_unless_holidays_are_turned_off() {
        ZoneId helsinki = ZoneId.of("Europe/Helsinki");
        OfficeHours hours = OfficeHours.parse("MON-FRI 08:00-16:00", helsinki)
                .closedOn(ClosedDays.parse("FI", "2026-12-31, 2026-11-27"));
        assertFalse(hours.isWorkingDay(LocalDate.of(2026, 12, 24)), "Christmas Eve, a Thursday");
        assertFalse(hours.contains(LocalDate.of(2026, 5, 14).atTime(10, 0).atZone(helsinki).toInstant()), "Ascension Day at ten");
        assertFalse(hours.isWorkingDay(LocalDate.of(2026, 12, 31)), "the county's own closed date");
        assertFalse(hours.isWorkingDay(LocalDate.of(2026, 11, 27)));
        assertTrue(hours.isWorkingDay(LocalDate.of(2026, 12, 30)));
        assertTrue(hours.contains(LocalDate.of(2026, 12, 30).atTime(10, 0).atZone(helsinki).toInstant()));
        assertTrue(OfficeHours.parse("MON-FRI 08:00-16:00", helsinki).closedOn(ClosedDays.parse("none", ""))
                .isWorkingDay(LocalDate.of(2026, 12, 24)));
        assertThrows(IllegalArgumentException.class, () -> ClosedDays.parse("SE", ""));
        assertThrows(IllegalArgumentException.class, () -> ClosedDays.parse("FI", "31.12.2026"));
    }
}
