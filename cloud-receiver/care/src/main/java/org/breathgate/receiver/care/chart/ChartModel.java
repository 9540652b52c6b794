package org.breathgate.receiver.care.chart;

import org.breathgate.protocol.BreathAlcohol;
import org.breathgate.protocol.PerMilleFactor;
import org.breathgate.receiver.care.timeline.TimelineEntry;
import org.breathgate.receiver.care.timeline.TimelineView;

import java.math.BigDecimal;
import java.text.MessageFormat;
import java.text.NumberFormat;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.FormatStyle;
import java.time.temporal.IsoFields;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ResourceBundle;
import java.util.Set;

/**
 * Makes the {@link Chart} of a timeline: the one place that decides the chart's scale (at least twice the threshold, above the
 * highest value, rounded up to a step that gives four to eight grid lines), which mark each event gets, which days are
 * labelled, and every word, in the reader's language ({@code i18n/timeline_<lang>.properties}).
 */
public final class ChartModel {

    /** The languages the chart's words are written in. */
    public static final Set<String> LANGUAGES = Set.of("fi", "sv", "en");
    /** The chart's words (and the timeline's event texts the pages share): {@code i18n/timeline_<lang>.properties}. */
    public static final String BUNDLE = "i18n.timeline";

    private final String language;
    private final Locale locale;
    private final ZoneId zone;
    private final ResourceBundle texts;

    private ChartModel(String language, ZoneId zone) {
        if (!LANGUAGES.contains(language)) {
            throw new IllegalArgumentException("language must be one of " + LANGUAGES + ", was " + language);
        }
        this.language = language;
        this.locale = locale(language);
        this.zone = zone;
        this.texts = ResourceBundle.getBundle(BUNDLE, locale, ChartModel.class.getClassLoader(),
                ResourceBundle.Control.getNoFallbackControl(ResourceBundle.Control.FORMAT_PROPERTIES));
    }

    /** The locale of {@code language}'s texts, numbers and dates: Finnish and Swedish as written in Finland, British English. */
    public static Locale locale(String language) {
        switch (language) {
            case "fi":
                return new Locale("fi", "FI");
            case "sv":
                return new Locale("sv", "FI");
            default:
                return new Locale("en", "GB");
        }
    }

    /** The chart of {@code timeline} in {@code language} ({@code fi}, {@code sv}, {@code en}), dates and days in {@code zone}. */
    public static Chart of(TimelineView timeline, String language, ZoneId zone) {
        return new ChartModel(language, zone).chart(timeline);
    }

    private Chart chart(TimelineView view) {
        Instant from = view.from();
        Instant to = view.to();
        BreathAlcohol threshold = view.client().alertThreshold();
        List<TimelineEntry> entries = view.entries();
        int max = scaleMax(entries, threshold);
        List<Chart.Tick> ticks = new ArrayList<>();
        for (int tick = 0; tick <= max; tick += step(max)) {
            ticks.add(new Chart.Tick(tick, mg(new BreathAlcohol(tick))));
        }
        List<Chart.Mark> marks = new ArrayList<>();
        Map<Long, Chart.Mark> bySeq = new HashMap<>();
        for (TimelineEntry e : entries) {
            Chart.Mark m = mark(e, from, threshold);
            marks.add(m);
            bySeq.put(e.seq(), m);
        }
        List<Chart.Link> links = new ArrayList<>();
        for (TimelineEntry e : entries) {
            Chart.Mark test = e.retestOf() == null ? null : bySeq.get(e.retestOf());
            if (test != null && test.lane() == Chart.Lane.VALUE) {
                links.add(new Chart.Link(test, bySeq.get(e.seq())));
            }
        }
        List<Chart.LegendItem> legend = List.of(
                new Chart.LegendItem(Style.PASS, t("legend.pass")),
                new Chart.LegendItem(Style.FAIL, t("legend.fail")),
                new Chart.LegendItem(Style.RETEST, t("legend.retest")),
                new Chart.LegendItem(Style.UNCERTAIN, t("legend.unsynced")),
                new Chart.LegendItem(Style.MISSED, t("legend.missed")),
                new Chart.LegendItem(Style.NO_SAMPLE, t("legend.nosample")),
                new Chart.LegendItem(Style.TAMPER, t("legend.tamper")),
                new Chart.LegendItem(Style.SUPPORT, t("legend.support")),
                new Chart.LegendItem(Style.THRESHOLD, t("legend.threshold", mg(threshold))));
        return new Chart(from, to, t("chart.title"), summary(entries, from, to, threshold, view.client().perMilleFactor()),
                t("chart.axis.mgl"), t("chart.band.signals"), t("chart.band.missed"), max, ticks,
                new Chart.Threshold(threshold.microgramsPerLitre(), t("chart.threshold", mg(threshold))), days(from, to), marks, links, legend);
    }

    private Chart.Mark mark(TimelineEntry e, Instant from, BreathAlcohol threshold) {
        Chart.Lane lane;
        Style style;
        Integer value = null;
        switch (e.kind()) {
            case TEST:
            case RETEST:
                lane = Chart.Lane.VALUE;
                style = e.positive() ? Style.FAIL : Style.PASS;
                // A value the device did not state: a positive is at least the threshold, a pass is drawn at none.
                value = e.value() != null ? e.value().microgramsPerLitre() : e.positive() ? threshold.microgramsPerLitre() : 0;
                break;
            case NO_SAMPLE:
                lane = Chart.Lane.MISSED;
                style = Style.NO_SAMPLE;
                break;
            case MISSED:
                lane = Chart.Lane.MISSED;
                style = e.excuse() != null ? Style.MISSED_EXCUSED : Style.MISSED;
                break;
            case TAMPER:
                lane = Chart.Lane.SIGNALS;
                style = Style.TAMPER;
                break;
            case SUPPORT:
                lane = Chart.Lane.SIGNALS;
                style = Style.SUPPORT;
                break;
            default:
                throw new IllegalStateException(e.kind().name());
        }
        Instant uncertainFrom = null;
        if (!e.clockSynced()) {
            uncertainFrom = e.earliest() == null || e.earliest().isBefore(from) ? from : e.earliest();
        }
        return new Chart.Mark(e.seq(), e.kindName(), style, lane, e.shownAt(), value, uncertainFrom, e.kind() == TimelineEntry.Kind.RETEST,
                e.excuse() != null, title(e));
    }

    private String title(TimelineEntry e) {
        StringBuilder b = new StringBuilder();
        b.append(dateTime(e.shownAt())).append(" — ").append(t(e.labelKey()));
        if (e.value() != null) {
            b.append(", ").append(mg(e.value())).append(" mg/L");
        }
        if (!e.clockSynced()) {
            b.append(" (").append(t("chart.unsynced")).append(')');
        }
        return b.toString();
    }

    /** One sentence for the chart's text alternative. */
    private String summary(List<TimelineEntry> entries, Instant from, Instant to, BreathAlcohol threshold, PerMilleFactor factor) {
        int tests = 0;
        int positives = 0;
        int missed = 0;
        int unsynced = 0;
        BreathAlcohol highest = null;
        for (TimelineEntry e : entries) {
            if (e.validSample()) {
                tests++;
                if (e.positive()) {
                    positives++;
                }
                if (e.value() != null && (highest == null || e.value().compareTo(highest) > 0)) {
                    highest = e.value();
                }
            }
            if (e.kind() == TimelineEntry.Kind.MISSED) {
                missed++;
            }
            if (!e.clockSynced()) {
                unsynced++;
            }
        }
        String period = date(from) + " – " + date(to.minusMillis(1));
        String high = highest == null ? "–" : mg(highest) + " mg/L (≈ " + decimal(highest.perMille(factor), 2) + " ‰)";
        return t("chart.summary", period, tests, positives, missed, mg(threshold), high, unsynced);
    }

    /** Local midnights in the period, with a date label often enough to read but not crowd. */
    private List<Chart.Day> days(Instant from, Instant to) {
        LocalDate first = from.atZone(zone).toLocalDate();
        LocalDate last = to.atZone(zone).toLocalDate();
        long days = Math.max(1, Duration.between(from, to).toDays());
        int every = days <= 10 ? 1 : days <= 21 ? 2 : days <= 45 ? 7 : 14;
        DateTimeFormatter label = language.equals("en") ? DateTimeFormatter.ofPattern("d MMM", locale)
                : DateTimeFormatter.ofPattern("d.M.", locale);
        List<Chart.Day> out = new ArrayList<>();
        int i = 0;
        for (LocalDate d = first; !d.isAfter(last); d = d.plusDays(1), i++) {
            Instant at = d.atStartOfDay(zone).toInstant();
            if (at.isBefore(from) || !at.isBefore(to)) {
                continue;
            }
            boolean labelled = every < 7 ? i % every == 0 : d.getDayOfWeek() == DayOfWeek.MONDAY
                    && (every == 7 || d.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR) % 2 == 0);
            out.add(new Chart.Day(at, labelled ? label.withZone(zone).format(at) : null));
        }
        return out;
    }

    /** The top of the scale in µg/L: at least twice the threshold, above the highest value, rounded up to a step. */
    static int scaleMax(List<TimelineEntry> entries, BreathAlcohol threshold) {
        int highest = threshold.microgramsPerLitre() * 2;
        for (TimelineEntry e : entries) {
            if (e.value() != null) {
                highest = Math.max(highest, (int) Math.ceil(e.value().microgramsPerLitre() * 1.1));
            }
        }
        int step = step(highest);
        return ((highest + step - 1) / step) * step;
    }

    /** A grid step giving four to eight lines. */
    static int step(int max) {
        for (int s : new int[] {25, 50, 100, 200, 250, 500, 1000, 2000}) {
            if (max / s <= 8) {
                return s;
            }
        }
        return 2500;
    }

    private String t(String key, Object... args) {
        return new MessageFormat(texts.getString(key), locale).format(args);
    }

    private String mg(BreathAlcohol value) {
        return decimal(value.milligramsPerLitre(), 3);
    }

    private String decimal(BigDecimal value, int decimals) {
        NumberFormat f = NumberFormat.getNumberInstance(locale);
        f.setMinimumFractionDigits(decimals);
        f.setMaximumFractionDigits(decimals);
        return f.format(value);
    }

    private String dateTime(Instant at) {
        return DateTimeFormatter.ofLocalizedDateTime(FormatStyle.MEDIUM, FormatStyle.SHORT).withLocale(locale).withZone(zone).format(at);
    }

    private String date(Instant at) {
        return DateTimeFormatter.ofLocalizedDate(FormatStyle.MEDIUM).withLocale(locale).withZone(zone).format(at);
    }
}
