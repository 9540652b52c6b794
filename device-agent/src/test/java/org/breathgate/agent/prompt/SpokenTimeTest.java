package org.breathgate.agent.prompt;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.LocalDate;
import java.time.LocalTime;
import org.junit.jupiter.api.Test;

class SpokenTimeTest {

    private static final LocalDate WEDNESDAY = LocalDate.of(2026, 11, 25);

    @Test
    void days_are_said_relative_to_today_in_each_language() {
        assertEquals("today", SpokenTime.day(WEDNESDAY, WEDNESDAY, "en"));
        assertEquals("huomenna", SpokenTime.day(WEDNESDAY.plusDays(1), WEDNESDAY, "fi"));
        assertEquals("i morgon", SpokenTime.day(WEDNESDAY.plusDays(1), WEDNESDAY, "sv"));
        assertEquals("on Monday", SpokenTime.day(WEDNESDAY.plusDays(5), WEDNESDAY, "en"));
        assertEquals("maanantaina", SpokenTime.day(WEDNESDAY.plusDays(5), WEDNESDAY, "fi"));
        assertEquals("på måndag", SpokenTime.day(WEDNESDAY.plusDays(5), WEDNESDAY, "sv"));
        assertEquals("on 2 December", SpokenTime.day(WEDNESDAY.plusDays(7), WEDNESDAY, "en"));
        assertEquals("2. joulukuuta", SpokenTime.day(WEDNESDAY.plusDays(7), WEDNESDAY, "fi"));
        assertEquals("den 2 december", SpokenTime.day(WEDNESDAY.plusDays(7), WEDNESDAY, "sv"));
    }

    @Test
    void every_finnish_weekday_takes_the_essive_ending() {
        String[] expected = {"maanantaina", "tiistaina", "keskiviikkona", "torstaina", "perjantaina", "lauantaina", "sunnuntaina"};
        LocalDate monday = LocalDate.of(2026, 11, 30);
        for (int i = 0; i < 7; i++) {
            assertEquals(expected[i], SpokenTime.day(monday.plusDays(i), monday.plusDays(i).minusDays(2), "fi"));
        }
    }

    @Test
    void times_are_said_as_people_say_them_not_as_digits_with_a_point() {
        assertEquals("kello 16", SpokenTime.time(LocalTime.of(16, 0), "fi"));
        assertEquals("kello 8 30", SpokenTime.time(LocalTime.of(8, 30), "fi"));
        assertEquals("klockan 8 05", SpokenTime.time(LocalTime.of(8, 5), "sv"));
        assertEquals("4 pm", SpokenTime.time(LocalTime.of(16, 0), "en"));
        assertEquals("8:30 am", SpokenTime.time(LocalTime.of(8, 30), "en"));
        assertEquals("noon", SpokenTime.time(LocalTime.NOON, "en"));
        assertEquals("midnight", SpokenTime.time(LocalTime.MIDNIGHT, "en"));
        assertEquals("12:15 am", SpokenTime.time(LocalTime.of(0, 15), "en"));
    }
}
