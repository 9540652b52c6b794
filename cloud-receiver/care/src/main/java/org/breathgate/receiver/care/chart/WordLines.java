package org.breathgate.receiver.care.chart;

import org.breathgate.care.word.Explanation;
import org.breathgate.care.word.PlannedAbsence;
import org.breathgate.receiver.care.timeline.TimelineEntry;

import java.text.MessageFormat;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.FormatStyle;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.ResourceBundle;

/**
 * The parent's own word as words, decided once for the page, the PDF report and anything else that prints it: each line an
 * entry's explanations and absence mark read as, and each planned absence's line. The texts are the timeline's shared ones
 * ({@code i18n/timeline_<lang>.properties}, {@code word.*}); the API gives the same facts as fields.
 */
public final class WordLines {

    private final Locale locale;
    private final ResourceBundle texts;
    private final DateTimeFormatter dateTime;
    private final DateTimeFormatter date;

    /** Lines in {@code language} ({@code fi}, {@code sv}, {@code en}), times in {@code zone}. */
    public WordLines(String language, ZoneId zone) {
        this.locale = ChartModel.locale(language);
        this.texts = ResourceBundle.getBundle(ChartModel.BUNDLE, locale, WordLines.class.getClassLoader(),
                ResourceBundle.Control.getNoFallbackControl(ResourceBundle.Control.FORMAT_PROPERTIES));
        this.dateTime = DateTimeFormatter.ofLocalizedDateTime(FormatStyle.MEDIUM, FormatStyle.SHORT).withLocale(locale).withZone(zone);
        this.date = DateTimeFormatter.ofLocalizedDate(FormatStyle.MEDIUM).withLocale(locale).withZone(zone);
    }

    /** The lines beside {@code entry}: one per explanation (oldest first), then its absence mark if any. */
    public List<String> of(TimelineEntry entry) {
        List<String> lines = new ArrayList<>();
        for (Explanation e : entry.explanations()) {
            lines.add(explanation(e));
        }
        if (entry.absence() != null) {
            PlannedAbsence a = entry.absence();
            lines.add(format("word.during_absence", text("word.absence.kind." + a.kind().wireName()), date.format(a.from()),
                    date.format(a.to().minusMillis(1))));
        }
        return lines;
    }

    /** One explanation: "The parent's own word, 7 Mar 2026 08:15: I used mouthwash. “…”". */
    public String explanation(Explanation e) {
        String choice = text("word.choice." + e.choice().wireName());
        return e.text() == null ? format("word.explanation", dateTime.format(e.at()), choice)
                : format("word.explanation.text", dateTime.format(e.at()), choice, e.text());
    }

    /** One planned absence with where it stands: kind, dates, the parent's words, the decision and its note. */
    public String absence(PlannedAbsence a) {
        StringBuilder s = new StringBuilder(format("word.absence", text("word.absence.kind." + a.kind().wireName()), date.format(a.from()),
                date.format(a.to().minusMillis(1)), text("word.absence.status." + a.status().wireName())));
        if (a.text() != null) {
            s.append(' ').append(format("word.absence.text", a.text()));
        }
        if (a.decidedAt() != null) {
            s.append(' ').append(format("word.absence.decided", a.decidedBy(), dateTime.format(a.decidedAt())));
        }
        if (a.decisionNote() != null) {
            s.append(' ').append(format("word.absence.note", a.decisionNote()));
        }
        return s.toString();
    }

    /** The text of {@code key} (for a heading or a label). */
    public String text(String key) {
        return texts.getString(key);
    }

    private String format(String key, Object... args) {
        return new MessageFormat(texts.getString(key), locale).format(args);
    }

    /** The time as the lines write it. */
    public String time(Instant at) {
        return dateTime.format(at);
    }
}
