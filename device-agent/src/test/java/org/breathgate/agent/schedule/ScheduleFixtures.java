package org.breathgate.agent.schedule;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import org.breathgate.protocol.Schedule;

/** A schedule at 08:00 and 20:00 Helsinki time with the default rules, driven by hand-set instants. */
final class ScheduleFixtures {

    static final ZoneId HELSINKI = ZoneId.of("Europe/Helsinki");

    private ScheduleFixtures() {
    }

    static Schedule twiceDaily() {
        return Schedule.withDefaults(HELSINKI, List.of(Schedule.Slot.at(LocalTime.of(8, 0)), Schedule.Slot.at(LocalTime.of(20, 0))));
    }

    static ScheduleRules rules() {
        return ScheduleRules.of(twiceDaily());
    }

    /** 2026-03-02 at {@code hh:mm} Helsinki time. */
    static Instant at(int hh, int mm) {
        return ZonedDateTime.of(2026, 3, 2, hh, mm, 0, 0, HELSINKI).toInstant();
    }

    /** Ticks every {@code step} from {@code from} (exclusive) to {@code to} (inclusive); all commands in order. */
    static List<ScheduleCommand> tickThrough(TestSchedule s, Instant from, Instant to, Duration step) {
        List<ScheduleCommand> out = new ArrayList<>();
        for (Instant t = from.plus(step); !t.isAfter(to); t = t.plus(step)) {
            out.addAll(s.tick(t));
        }
        return out;
    }

    static <T extends ScheduleCommand> List<T> only(List<ScheduleCommand> commands, Class<T> type) {
        return commands.stream().filter(type::isInstance).map(type::cast).toList();
    }
}
