package org.breathgate.receiver.web.ui;

import org.breathgate.protocol.ConfigUpdate;
import org.breathgate.protocol.Schedule;

import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.time.format.FormatStyle;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A schedule said back in plain words, as a worker reads it to the parent: "Every day at 8.00 and 20.00. Test between 7.30
 * and 8.30 …". Counts through the language's plural rules (ICU), times as the language writes them.
 */
final class ScheduleWords {

    private final Messages messages;

    ScheduleWords(Messages messages) {
        this.messages = Objects.requireNonNull(messages, "messages");
    }

    /** The sentences of {@code config}'s schedule, threshold and language, in {@code lang}. */
    List<String> sentences(ConfigUpdate config, org.breathgate.care.access.Client client, Formats fmt) {
        Lang lang = fmt.lang();
        Schedule s = config.schedule();
        List<String> out = new ArrayList<>();
        if (s.slots().isEmpty()) {
            out.add(messages.get(lang, "schedule.words.none"));
        } else {
            List<String> times = s.slots().stream().map(slot -> time(slot.at(), lang)).toList();
            out.add(messages.get(lang, "schedule.words.every_day", list(times, lang)));
            List<String> windows = new ArrayList<>();
            for (Schedule.Slot slot : s.slots()) {
                windows.add(messages.get(lang, "schedule.words.window.one", time(slot.at().minusMinutes(slot.windowBeforeMin()), lang),
                        time(slot.at().plusMinutes(slot.windowAfterMin()), lang)));
            }
            out.add(messages.get(lang, "schedule.words.windows", list(windows, lang)));
        }
        if (s.random() != null) {
            out.add(messages.get(lang, "schedule.words.random", s.random().perDay(), time(s.random().from(), lang),
                    time(s.random().until(), lang), s.random().windowMin()));
        }
        if (!s.remindersBeforeCloseMin().isEmpty()) {
            List<String> minutes = s.remindersBeforeCloseMin().stream().sorted((a, b) -> b - a).map(String::valueOf).toList();
            out.add(messages.get(lang, "schedule.words.reminders", list(minutes, lang), s.remindersBeforeCloseMin().stream()
                    .mapToInt(Integer::intValue).min().orElse(0)));
        }
        out.add(s.maxRetests() == 0 ? messages.get(lang, "schedule.words.no_retests")
                : messages.get(lang, "schedule.words.retests", s.retestDelayMin(), s.retestWindowMin(), s.maxRetests()));
        if (s.abstainMin() > 0) {
            out.add(messages.get(lang, "schedule.words.abstain", s.abstainMin()));
        }
        out.add(messages.get(lang, "schedule.words.threshold", fmt.mgPerLitre(config.threshold()),
                fmt.perMille(config.threshold(), client.perMilleFactor()), client.perMilleFactor().name()));
        out.add(messages.get(lang, "schedule.words.language", messages.get(lang, "language." + config.language())));
        return out;
    }

    private static String time(LocalTime t, Lang lang) {
        return DateTimeFormatter.ofLocalizedTime(FormatStyle.SHORT).withLocale(lang.locale()).format(t);
    }

    /** "a, b and c" in the language. */
    private String list(List<String> items, Lang lang) {
        if (items.size() == 1) {
            return items.get(0);
        }
        return String.join(", ", items.subList(0, items.size() - 1)) + messages.get(lang, "list.and") + items.get(items.size() - 1);
    }
}
