package org.breathgate.receiver.web.ui;

import org.breathgate.receiver.care.timeline.TimelineEntry;

import org.breathgate.protocol.BreathAlcohol;
import org.breathgate.protocol.PerMilleFactor;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZonedDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The timeline chart as inline SVG, drawn on the server: breath alcohol per test over the period, the
 * client's threshold as a dashed line, retests joined to the test they confirm, missed tests and tests
 * without a valid sample in a band below the axis, tamper signals and support requests in a band above.
 * A reading whose device clock was not synchronised is drawn hollow, with a bar over the span of time
 * it can have happened in. Shapes differ as well as colours, so the chart reads without colour vision.
 *
 * <p>The SVG has {@code role="img"} with a title and a one-sentence summary as its text alternative; the
 * table under it holds the same data for screen readers. Styling comes from classes in {@code app.css}
 * (no inline styles: the pages' Content-Security-Policy forbids them). Every text is escaped here.
 */
final class TimelineChart {

    static final int WIDTH = 880;
    static final int HEIGHT = 300;
    private static final double LEFT = 72;
    private static final double RIGHT = WIDTH - 16;
    private static final double TOP_BAND = 20;
    private static final double PLOT_TOP = 60;
    private static final double PLOT_BOTTOM = 214;
    private static final double LOW_BAND = 238;
    private static final double AXIS_LABELS = 276;

    private final Formats fmt;
    private final Messages messages;

    TimelineChart(Formats fmt, Messages messages) {
        this.fmt = Objects.requireNonNull(fmt, "fmt");
        this.messages = Objects.requireNonNull(messages, "messages");
    }

    /**
     * The chart of {@code entries} over {@code [from, to)}.
     *
     * @param threshold the client's alert threshold, drawn as the dashed line
     * @param factor    the client's per-mille factor, for the text alternative
     */
    String render(List<TimelineEntry> entries, Instant from, Instant to, BreathAlcohol threshold, PerMilleFactor factor) {
        int max = scaleMax(entries, threshold);
        Scale scale = new Scale(from, to, max);
        StringBuilder svg = new StringBuilder(8192);
        svg.append("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" viewBox=\"0 0 ").append(WIDTH).append(' ').append(HEIGHT)
                .append("\" role=\"img\" aria-labelledby=\"chart-title chart-desc\" focusable=\"false\">");
        svg.append("<title id=\"chart-title\">").append(Html.escape(t("chart.title"))).append("</title>");
        svg.append("<desc id=\"chart-desc\">").append(Html.escape(summary(entries, from, to, threshold, factor))).append("</desc>");

        // Bands and grid.
        svg.append(rect("band", LEFT, TOP_BAND - 12, RIGHT - LEFT, 24));
        svg.append(rect("band", LEFT, LOW_BAND - 12, RIGHT - LEFT, 24));
        svg.append(text("band-label", LEFT - 8, TOP_BAND + 4, "end", t("chart.band.signals")));
        svg.append(text("band-label", LEFT - 8, LOW_BAND + 4, "end", t("chart.band.missed")));
        for (int tick = 0; tick <= max; tick += step(max)) {
            double y = scale.y(tick);
            svg.append(line("grid", LEFT, y, RIGHT, y));
            svg.append(text("axis-label", LEFT - 8, y + 4, "end", fmt.mgPerLitre(new BreathAlcohol(tick))));
        }
        svg.append(text("axis-title", LEFT - 8, PLOT_TOP - 12, "end", t("chart.axis.mgl")));
        days(svg, scale, from, to);
        svg.append(line("axis", LEFT, PLOT_BOTTOM, RIGHT, PLOT_BOTTOM));

        // Threshold.
        double ty = scale.y(threshold.microgramsPerLitre());
        svg.append(line("threshold", LEFT, ty, RIGHT, ty));
        svg.append(text("threshold-label", LEFT + 6, ty - 6, "start", t("chart.threshold", fmt.mgPerLitre(threshold))));

        // Retest links under the points they join.
        Map<Long, double[]> points = new HashMap<>();
        for (TimelineEntry e : entries) {
            if (e.value() != null) {
                points.put(e.seq(), new double[] {scale.x(e.shownAt()), scale.y(e.value().microgramsPerLitre())});
            }
        }
        for (TimelineEntry e : entries) {
            if (e.retestOf() != null && points.containsKey(e.retestOf())) {
                double[] a = points.get(e.retestOf());
                double[] b = e.value() != null ? points.get(e.seq()) : new double[] {scale.x(e.shownAt()), LOW_BAND};
                svg.append(line("retest-link", a[0], a[1], b[0], b[1]));
            }
        }

        for (TimelineEntry e : entries) {
            svg.append(marker(e, scale));
        }
        svg.append("</svg>");
        return svg.toString();
    }

    private String marker(TimelineEntry e, Scale scale) {
        double x = scale.x(e.shownAt());
        StringBuilder m = new StringBuilder();
        m.append("<g class=\"mark ").append(e.kind().name().toLowerCase(Locale.ROOT))
                .append(e.clockSynced() ? "" : " unsynced").append(e.excuse() != null ? " excused" : "").append("\">");
        m.append("<title>").append(Html.escape(tooltip(e))).append("</title>");
        if (!e.clockSynced()) {
            double y = e.value() != null ? scale.y(e.value().microgramsPerLitre()) : bandY(e);
            double x0 = e.earliest() == null ? LEFT : Math.max(LEFT, scale.x(e.earliest()));
            m.append(line("uncertain", x0, y, x, y));
            m.append(line("uncertain-end", x0, y - 5, x0, y + 5));
        }
        switch (e.kind()) {
            case TEST:
            case RETEST: {
                double y = scale.y(e.value() == null ? 0 : e.value().microgramsPerLitre());
                if (e.positive()) {
                    m.append(polygon("pt-fail", x, y - 7, x + 7, y, x, y + 7, x - 7, y));
                } else {
                    m.append(circle("pt-pass", x, y, 5));
                }
                if (e.kind() == TimelineEntry.Kind.RETEST) {
                    m.append(circle("retest-ring", x, y, 10));
                }
                break;
            }
            case NO_SAMPLE:
                m.append(rect("pt-nosample", x - 4, LOW_BAND - 4, 8, 8));
                break;
            case MISSED:
                m.append(line("pt-missed", x - 6, LOW_BAND - 6, x + 6, LOW_BAND + 6));
                m.append(line("pt-missed", x - 6, LOW_BAND + 6, x + 6, LOW_BAND - 6));
                break;
            case TAMPER:
                m.append(polygon("pt-tamper", x, TOP_BAND - 7, x + 7, TOP_BAND + 6, x - 7, TOP_BAND + 6));
                break;
            case SUPPORT:
                m.append(circle("pt-support", x, TOP_BAND, 6));
                m.append(line("pt-support-plus", x - 3.5, TOP_BAND, x + 3.5, TOP_BAND));
                m.append(line("pt-support-plus", x, TOP_BAND - 3.5, x, TOP_BAND + 3.5));
                break;
            default:
                throw new IllegalStateException(e.kind().name());
        }
        m.append("</g>");
        return m.toString();
    }

    private static double bandY(TimelineEntry e) {
        return e.kind() == TimelineEntry.Kind.TAMPER || e.kind() == TimelineEntry.Kind.SUPPORT ? TOP_BAND : LOW_BAND;
    }

    private String tooltip(TimelineEntry e) {
        StringBuilder b = new StringBuilder();
        b.append(fmt.dateTime(e.shownAt())).append(" — ").append(t(e.labelKey()));
        if (e.value() != null) {
            b.append(", ").append(fmt.mgPerLitre(e.value())).append(" mg/L");
        }
        if (!e.clockSynced()) {
            b.append(" (").append(t("chart.unsynced")).append(')');
        }
        return b.toString();
    }

    /** One sentence for the chart's text alternative. */
    String summary(List<TimelineEntry> entries, Instant from, Instant to, BreathAlcohol threshold, PerMilleFactor factor) {
        int tests = 0;
        int positives = 0;
        int missed = 0;
        int unsynced = 0;
        BreathAlcohol highest = null;
        for (TimelineEntry e : entries) {
            if (e.kind() == TimelineEntry.Kind.TEST || e.kind() == TimelineEntry.Kind.RETEST) {
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
        String period = fmt.date(from) + " – " + fmt.date(to.minusMillis(1));
        String high = highest == null ? "–" : fmt.mgPerLitre(highest) + " mg/L (≈ " + fmt.perMille(highest, factor) + " ‰)";
        return t("chart.summary", period, tests, positives, missed, fmt.mgPerLitre(threshold), high, unsynced);
    }

    /** Vertical lines at local midnights, with a date label often enough to read but not crowd. */
    private void days(StringBuilder svg, Scale scale, Instant from, Instant to) {
        LocalDate first = from.atZone(fmt.zone()).toLocalDate();
        LocalDate last = to.atZone(fmt.zone()).toLocalDate();
        long days = Math.max(1, Duration.between(from, to).toDays());
        int every = days <= 10 ? 1 : days <= 21 ? 2 : days <= 45 ? 7 : 14;
        int i = 0;
        for (LocalDate d = first; !d.isAfter(last); d = d.plusDays(1), i++) {
            ZonedDateTime midnight = d.atStartOfDay(fmt.zone());
            Instant at = midnight.toInstant();
            if (at.isBefore(from) || !at.isBefore(to)) {
                continue;
            }
            boolean labelled = every < 7 ? i % every == 0 : d.getDayOfWeek() == java.time.DayOfWeek.MONDAY
                    && (every == 7 || d.get(java.time.temporal.IsoFields.WEEK_OF_WEEK_BASED_YEAR) % 2 == 0);
            double x = scale.x(at);
            svg.append(line(labelled ? "grid day" : "grid day minor", x, PLOT_TOP, x, LOW_BAND + 12));
            if (labelled) {
                svg.append(text("axis-label", x, AXIS_LABELS, "middle", fmt.dayLabel(at)));
            }
        }
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

    private record Scale(Instant from, Instant to, int max) {
        double x(Instant at) {
            double span = Math.max(1, to.toEpochMilli() - from.toEpochMilli());
            double f = (at.toEpochMilli() - from.toEpochMilli()) / span;
            return LEFT + Math.max(0, Math.min(1, f)) * (RIGHT - LEFT);
        }

        double y(int microgramsPerLitre) {
            return PLOT_BOTTOM - (double) Math.min(microgramsPerLitre, max) / max * (PLOT_BOTTOM - PLOT_TOP);
        }
    }

    private String t(String key, Object... args) {
        return messages.get(fmt.lang(), key, args);
    }

    private static String n(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    private static String line(String cls, double x1, double y1, double x2, double y2) {
        return "<line class=\"" + cls + "\" x1=\"" + n(x1) + "\" y1=\"" + n(y1) + "\" x2=\"" + n(x2) + "\" y2=\"" + n(y2) + "\"/>";
    }

    private static String rect(String cls, double x, double y, double w, double h) {
        return "<rect class=\"" + cls + "\" x=\"" + n(x) + "\" y=\"" + n(y) + "\" width=\"" + n(w) + "\" height=\"" + n(h) + "\"/>";
    }

    private static String circle(String cls, double x, double y, double r) {
        return "<circle class=\"" + cls + "\" cx=\"" + n(x) + "\" cy=\"" + n(y) + "\" r=\"" + n(r) + "\"/>";
    }

    private static String polygon(String cls, double... xy) {
        StringBuilder b = new StringBuilder("<polygon class=\"").append(cls).append("\" points=\"");
        for (int i = 0; i < xy.length; i += 2) {
            b.append(i == 0 ? "" : " ").append(n(xy[i])).append(',').append(n(xy[i + 1]));
        }
        return b.append("\"/>").toString();
    }

    private static String text(String cls, double x, double y, String anchor, String content) {
        return "<text class=\"" + cls + "\" x=\"" + n(x) + "\" y=\"" + n(y) + "\" text-anchor=\"" + anchor + "\">" + Html.escape(content)
                + "</text>";
    }
}
