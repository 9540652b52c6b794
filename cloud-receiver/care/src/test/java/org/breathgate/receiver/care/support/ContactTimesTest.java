package org.breathgate.receiver.care.support;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.time.ZoneId;
import org.breathgate.care.support.SupportRouting.Route;
import org.breathgate.protocol.SupportReply.Role;
import org.breathgate.receiver.care.routing.OfficeHours;
import org.junit.jupiter.api.Test;

/** docs/protocol.md's examples of contact times, in a service open Monday to Friday 8:00-16:00 in Helsinki. */
class ContactTimesTest {

    private static final ZoneId HELSINKI = ZoneId.of("Europe/Helsinki");
    private final ContactTimes times = new ContactTimes(OfficeHours.parse("MON-FRI 08:00-16:00", HELSINKI));

    private static Instant local(String dateTime) {
        return java.time.LocalDateTime.parse(dateTime).atZone(HELSINKI).toInstant();
    }

    @Test
    void a_call_me_seen_at_ten_on_a_tuesday_is_answered_before_sixteen_that_day() {
        assertEquals(new ContactTimes.Window(null, local("2026-11-24T16:00")),
                times.of(Route.WORKER, Role.WORKER, local("2026-11-24T10:00")));
    }

    @Test
    void a_call_me_seen_at_half_past_five_is_answered_the_next_working_day_between_eight_and_sixteen() {
        assertEquals(new ContactTimes.Window(local("2026-11-25T08:00"), local("2026-11-25T16:00")),
                times.of(Route.WORKER, Role.WORKER, local("2026-11-24T17:30")));
    }

    @Test
    void a_call_me_seen_early_on_a_working_day_is_answered_that_day() {
        assertEquals(new ContactTimes.Window(local("2026-11-24T08:00"), local("2026-11-24T16:00")),
                times.of(Route.WORKER, Role.WORKER, local("2026-11-24T07:00")));
    }

    @Test
    void the_weekend_is_skipped() {
        ContactTimes.Window monday = new ContactTimes.Window(local("2026-11-30T08:00"), local("2026-11-30T16:00"));
        assertEquals(monday, times.of(Route.WORKER, Role.ON_CALL, local("2026-11-27T16:00")), "Friday at closing time");
        assertEquals(monday, times.of(Route.WORKER, Role.WORKER, local("2026-11-28T12:00")), "Saturday");
        assertEquals(monday, times.of(Route.TECHNICIAN, Role.TECHNICIAN, local("2026-11-29T23:59")), "Sunday night");
    }

    @Test
    void public_holidays_are_skipped_like_weekends() {
        ContactTimes finnish = new ContactTimes(OfficeHours.parse("MON-FRI 08:00-16:00", HELSINKI)
                .closedOn(org.breathgate.receiver.care.routing.ClosedDays.FINNISH));
        // Wednesday 23 December 2026 after hours: Christmas Eve, Christmas Day, Boxing Day and the weekend pass
        assertEquals(new ContactTimes.Window(local("2026-12-28T08:00"), local("2026-12-28T16:00")),
                finnish.of(Route.WORKER, Role.WORKER, local("2026-12-23T17:30")));
        // on Ascension Day itself a call-me is not inside office hours: the next day
        assertEquals(new ContactTimes.Window(local("2026-05-15T08:00"), local("2026-05-15T16:00")),
                finnish.of(Route.WORKER, Role.WORKER, local("2026-05-14T10:00")));
        assertEquals(new ContactTimes.Window(local("2026-12-24T08:00"), local("2026-12-24T16:00")),
                times.of(Route.WORKER, Role.WORKER, local("2026-12-23T17:30")), "without holidays, Christmas Eve is a Thursday");
    }

    @Test
    void a_service_open_on_saturdays_answers_on_saturday() {
        ContactTimes saturdays = new ContactTimes(OfficeHours.parse("MON-SAT 09:00-15:00", HELSINKI));
        assertEquals(new ContactTimes.Window(local("2026-11-28T09:00"), local("2026-11-28T15:00")),
                saturdays.of(Route.WORKER, Role.WORKER, local("2026-11-27T18:00")));
    }

    @Test
    void help_now_reached_at_once_names_no_time_and_after_hours_without_the_on_call_list_the_next_working_day() {
        assertEquals(new ContactTimes.Window(null, null), times.of(Route.ON_CALL, Role.ON_CALL, local("2026-11-24T23:00")));
        assertEquals(new ContactTimes.Window(null, null), times.of(Route.ON_CALL, Role.WORKER, local("2026-11-24T11:00")));
        assertEquals(new ContactTimes.Window(local("2026-11-25T08:00"), local("2026-11-25T16:00")),
                times.of(Route.ON_CALL, Role.WORKER, local("2026-11-24T23:00")));
    }

    @Test
    void the_hours_are_local_across_the_change_to_summer_time() {
        // Friday 27 March 2026 after hours; Monday 30 March is in summer time (UTC+3).
        assertEquals(new ContactTimes.Window(Instant.parse("2026-03-30T05:00:00Z"), Instant.parse("2026-03-30T13:00:00Z")),
                times.of(Route.WORKER, Role.WORKER, local("2026-03-27T20:00")));
    }
}
