package org.breathgate.agent.prompt;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Objects;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.time.format.TextStyle;
import java.time.temporal.ChronoUnit;
import java.util.Locale;

/**
 * Days and clock times as words to be spoken, in Finnish, Swedish or English, relative to today: a
 * parent hears "today", "tomorrow" or the weekday, not a date, and a time the way people say it
 * ("kello 16", "klockan 8 30", "4 pm"; espeak-ng reads "16.00" as "sixteen point zero zero").
 */
public final class SpokenTime {

    private SpokenTime() {
    }

    /**
     * An argument of a prompt: the day of {@code at}, said relative to the day it is said on ("today"), in the
     * schedule's time zone. Worked out when spoken, so a sentence said again tomorrow says "yesterday"'s day right.
     */
    public record Day(Instant at) {
        public Day {
            Objects.requireNonNull(at, "at");
        }
    }

    /** An argument of a prompt: the clock time of {@code at} in the schedule's time zone, as words. */
    public record Time(Instant at) {
        public Time {
            Objects.requireNonNull(at, "at");
        }
    }

    /** {@code arg} as words in {@code language} when it is a {@link Day} or {@link Time}; otherwise itself. */
    static Object words(Object arg, String language, Instant now, ZoneId zone) {
        if (arg instanceof Day d) {
            return day(d.at().atZone(zone).toLocalDate(), now.atZone(zone).toLocalDate(), language);
        }
        if (arg instanceof Time t) {
            return time(t.at().atZone(zone).toLocalTime(), language);
        }
        return arg;
    }

    /** "today", "tomorrow", "on Monday" (within a week), else "on 2 December"; and the same in fi and sv. */
    public static String day(LocalDate day, LocalDate today, String language) {
        long ahead = ChronoUnit.DAYS.between(today, day);
        Locale locale = Locale.forLanguageTag(language);
        if (ahead == 0) {
            return switch (language) {
                case "fi" -> "tänään";
                case "sv" -> "i dag";
                default -> "today";
            };
        }
        if (ahead == 1) {
            return switch (language) {
                case "fi" -> "huomenna";
                case "sv" -> "i morgon";
                default -> "tomorrow";
            };
        }
        if (ahead > 1 && ahead < 7) {
            DayOfWeek weekday = day.getDayOfWeek();
            return switch (language) {
                case "fi" -> weekday.getDisplayName(TextStyle.FULL, locale); // CLDR's format form is the essive: maanantaina
                case "sv" -> "på " + weekday.getDisplayName(TextStyle.FULL, locale);
                default -> "on " + weekday.getDisplayName(TextStyle.FULL, Locale.ENGLISH);
            };
        }
        return switch (language) {
            case "fi" -> DateTimeFormatter.ofPattern("d. MMMM", locale).format(day);
            case "sv" -> "den " + DateTimeFormatter.ofPattern("d MMMM", locale).format(day);
            default -> "on " + DateTimeFormatter.ofPattern("d MMMM", Locale.UK).format(day);
        };
    }

    /** "kello 16", "kello 8 30"; "klockan 16", "klockan 8 05"; "4 pm", "8:30 am", "noon", "midnight". */
    public static String time(LocalTime time, String language) {
        int h = time.getHour();
        int m = time.getMinute();
        String minutes = m == 0 ? "" : String.format(Locale.ROOT, " %02d", m);
        return switch (language) {
            case "fi" -> "kello " + h + minutes;
            case "sv" -> "klockan " + h + minutes;
            default -> {
                if (m == 0 && h == 12) {
                    yield "noon";
                }
                if (m == 0 && h == 0) {
                    yield "midnight";
                }
                int twelve = h % 12 == 0 ? 12 : h % 12;
                yield twelve + (m == 0 ? "" : String.format(Locale.ROOT, ":%02d", m)) + (h < 12 ? " am" : " pm");
            }
        };
    }
}
