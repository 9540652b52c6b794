package org.breathgate.receiver.care.routing;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.MonthDay;
import java.time.temporal.TemporalAdjusters;
import java.util.Optional;

/**
 * The days a Finnish social service's office is closed besides weekends: the public holidays (Finnish: pyhäpäivät) and the
 * two eves that are days off by law and collective agreements, Midsummer Eve and Christmas Eve. Easter is computed
 * (the Gregorian computus); the others are fixed dates or the Saturday (Friday for the eve) within a fixed week.
 */
public final class FinnishHolidays {

    private FinnishHolidays() {
    }

    /** The holiday on {@code day} in English (e.g. "Ascension Day"), or empty on an ordinary day. */
    public static Optional<String> on(LocalDate day) {
        MonthDay md = MonthDay.from(day);
        String fixed = switch (md.getMonthValue() * 100 + md.getDayOfMonth()) {
            case 101 -> "New Year's Day";
            case 106 -> "Epiphany";
            case 501 -> "May Day";
            case 1206 -> "Independence Day";
            case 1224 -> "Christmas Eve";
            case 1225 -> "Christmas Day";
            case 1226 -> "Boxing Day";
            default -> null;
        };
        if (fixed != null) {
            return Optional.of(fixed);
        }
        LocalDate easter = easterSunday(day.getYear());
        if (day.equals(easter.minusDays(2))) {
            return Optional.of("Good Friday");
        }
        if (day.equals(easter)) {
            return Optional.of("Easter Sunday");
        }
        if (day.equals(easter.plusDays(1))) {
            return Optional.of("Easter Monday");
        }
        if (day.equals(easter.plusDays(39))) {
            return Optional.of("Ascension Day");
        }
        if (day.equals(easter.plusDays(49))) {
            return Optional.of("Whit Sunday");
        }
        LocalDate midsummerDay = LocalDate.of(day.getYear(), 6, 20).with(TemporalAdjusters.nextOrSame(DayOfWeek.SATURDAY));
        if (day.equals(midsummerDay.minusDays(1))) {
            return Optional.of("Midsummer Eve");
        }
        if (day.equals(midsummerDay)) {
            return Optional.of("Midsummer Day");
        }
        if (day.equals(LocalDate.of(day.getYear(), 10, 31).with(TemporalAdjusters.nextOrSame(DayOfWeek.SATURDAY)))) {
            return Optional.of("All Saints' Day");
        }
        return Optional.empty();
    }

    /** Easter Sunday of {@code year} in the Gregorian calendar (the anonymous algorithm of Meeus, Jones and Butcher). */
    static LocalDate easterSunday(int year) {
        int a = year % 19;
        int b = year / 100;
        int c = year % 100;
        int d = b / 4;
        int e = b % 4;
        int f = (b + 8) / 25;
        int g = (b - f + 1) / 3;
        int h = (19 * a + b - d - g + 15) % 30;
        int i = c / 4;
        int k = c % 4;
        int l = (32 + 2 * e + 2 * i - h - k) % 7;
        int m = (a + 11 * h + 22 * l) / 451;
        int month = (h + l - 7 * m + 114) / 31;
        int dayOfMonth = (h + l - 7 * m + 114) % 31 + 1;
        return LocalDate.of(year, month, dayOfMonth);
    }
}
