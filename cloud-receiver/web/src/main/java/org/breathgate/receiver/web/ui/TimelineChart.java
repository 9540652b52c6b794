package org.breathgate.receiver.web.ui;

import org.breathgate.receiver.care.chart.Chart;
import org.breathgate.receiver.care.chart.Style;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Draws a {@link Chart} as inline SVG on the server. What is drawn (scale, marks, colours, words) is the chart model's, the
 * same the PDF report draws; this class only places it: the plot between a band for device signals and support requests above
 * and a band for missed tests and tests without a valid sample below, the threshold as a dashed line, retests joined to the
 * test they confirm, an event whose device clock was not synchronised hollow with a bar over the span of time it can have
 * happened in. Shapes differ as well as colours, so the chart reads without colour vision.
 *
 * <p>The SVG has {@code role="img"} with a title and a one-sentence summary as its text alternative; the table under it holds
 * the same data for screen readers. Colours are SVG presentation attributes from the model (the pages' Content-Security-Policy
 * forbids inline styles; the stylesheet gives line widths and fonts). Every text is escaped here.
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

    private TimelineChart() {
    }

    /** One line of the key under the chart: a small drawing of the style, and its words. */
    record LegendRow(String icon, String label) {
    }

    /** The chart as SVG. */
    static String svg(Chart chart) {
        StringBuilder svg = new StringBuilder(8192);
        svg.append("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" viewBox=\"0 0 ").append(WIDTH).append(' ').append(HEIGHT)
                .append("\" role=\"img\" aria-labelledby=\"chart-title chart-desc\" focusable=\"false\">");
        svg.append("<title id=\"chart-title\">").append(Html.escape(chart.title())).append("</title>");
        svg.append("<desc id=\"chart-desc\">").append(Html.escape(chart.summary())).append("</desc>");

        // Bands and grid.
        svg.append(rect("band", LEFT, TOP_BAND - 12, RIGHT - LEFT, 24, null));
        svg.append(rect("band", LEFT, LOW_BAND - 12, RIGHT - LEFT, 24, null));
        svg.append(text("band-label", LEFT - 8, TOP_BAND + 4, "end", chart.signalsLabel()));
        svg.append(text("band-label", LEFT - 8, LOW_BAND + 4, "end", chart.missedLabel()));
        for (Chart.Tick tick : chart.ticks()) {
            double y = y(chart, tick.microgramsPerLitre());
            svg.append(line("grid", LEFT, y, RIGHT, y, null));
            svg.append(text("axis-label value", LEFT - 8, y + 4, "end", tick.label()));
        }
        svg.append(text("axis-title", LEFT - 8, PLOT_TOP - 12, "end", chart.axisTitle()));
        for (Chart.Day day : chart.days()) {
            double x = x(chart, day.at());
            svg.append(line(day.labelled() ? "grid day" : "grid day minor", x, PLOT_TOP, x, LOW_BAND + 12, null));
            if (day.labelled()) {
                svg.append(text("axis-label day", x, AXIS_LABELS, "middle", day.label()));
            }
        }
        svg.append(line("axis", LEFT, PLOT_BOTTOM, RIGHT, PLOT_BOTTOM, null));

        // Threshold.
        double ty = y(chart, chart.threshold().microgramsPerLitre());
        svg.append(line("threshold", LEFT, ty, RIGHT, ty, stroke(Style.THRESHOLD)));
        svg.append(text("threshold-label", LEFT + 6, ty - 6, "start", chart.threshold().label(), fill(Style.THRESHOLD)));

        // Retest links under the points they join.
        for (Chart.Link link : chart.links()) {
            double[] a = point(chart, link.test());
            double[] b = point(chart, link.retest());
            svg.append(line("retest-link", a[0], a[1], b[0], b[1], stroke(Style.RETEST)));
        }
        for (Chart.Mark m : chart.marks()) {
            svg.append(marker(chart, m));
        }
        svg.append("</svg>");
        return svg.toString();
    }

    /** The key, one row per style, each with a small drawing of it. */
    static List<LegendRow> legend(Chart chart) {
        List<LegendRow> rows = new ArrayList<>();
        for (Chart.LegendItem item : chart.legend()) {
            rows.add(new LegendRow(icon(item.style()), item.label()));
        }
        return rows;
    }

    private static String icon(Style style) {
        StringBuilder b = new StringBuilder("<svg class=\"icon\" viewBox=\"0 0 20 20\" aria-hidden=\"true\" focusable=\"false\">");
        switch (style) {
            case RETEST:
                b.append(circle("retest-ring", 10, 10, 8, stroke(Style.RETEST) + " fill=\"none\""));
                b.append(circle("pt-pass", 10, 10, 4, fill(Style.PASS)));
                break;
            case UNCERTAIN:
                b.append(line("uncertain", 1, 10, 10, 10, stroke(Style.UNCERTAIN)));
                b.append(circle("pt-pass hollow", 12, 10, 5, "fill=\"#fff\" " + stroke(Style.PASS)));
                break;
            case THRESHOLD:
                b.append(line("threshold", 1, 10, 19, 10, stroke(Style.THRESHOLD)));
                break;
            default:
                b.append(shape(style, 10, 10, false));
        }
        return b.append("</svg>").toString();
    }

    private static String marker(Chart chart, Chart.Mark m) {
        double[] p = point(chart, m);
        double x = p[0];
        double y = p[1];
        StringBuilder g = new StringBuilder();
        g.append("<g class=\"mark ").append(m.kind()).append(m.uncertain() ? " unsynced" : "").append(m.excused() ? " excused" : "")
                .append("\">");
        g.append("<title>").append(Html.escape(m.title())).append("</title>");
        if (m.uncertain()) {
            double x0 = Math.max(LEFT, x(chart, m.uncertainFrom()));
            g.append(line("uncertain", x0, y, x, y, stroke(Style.UNCERTAIN)));
            g.append(line("uncertain-end", x0, y - 5, x0, y + 5, stroke(Style.UNCERTAIN)));
        }
        g.append(shape(m.style(), x, y, m.uncertain()));
        if (m.ring()) {
            g.append(circle("retest-ring", x, y, 10, stroke(Style.RETEST) + " fill=\"none\""));
        }
        return g.append("</g>").toString();
    }

    /** The shape of {@code style} at {@code (x, y)}; {@code hollow}: outlined in its colour on white. */
    private static String shape(Style style, double x, double y, boolean hollow) {
        String paint = hollow ? "fill=\"#fff\" " + stroke(style) : fill(style);
        switch (style.shape()) {
            case CIRCLE:
                return circle("pt-pass" + (hollow ? " hollow" : ""), x, y, 5, paint);
            case DIAMOND:
                return polygon("pt-fail" + (hollow ? " hollow" : ""), paint, x, y - 7, x + 7, y, x, y + 7, x - 7, y);
            case SQUARE:
                return rect("pt-nosample", x - 4, y - 4, 8, 8, paint);
            case CROSS:
                return line("pt-missed", x - 6, y - 6, x + 6, y + 6, stroke(style)) + line("pt-missed", x - 6, y + 6, x + 6, y - 6, stroke(style));
            case TRIANGLE:
                return polygon("pt-tamper", paint, x, y - 7, x + 7, y + 6, x - 7, y + 6);
            case PLUS_CIRCLE:
                return circle("pt-support", x, y, 6, paint) + line("pt-support-plus", x - 3.5, y, x + 3.5, y, "stroke=\"#fff\"")
                        + line("pt-support-plus", x, y - 3.5, x, y + 3.5, "stroke=\"#fff\"");
            default:
                throw new IllegalStateException("a mark is not drawn as " + style.shape());
        }
    }

    private static double[] point(Chart chart, Chart.Mark m) {
        double x = x(chart, m.at());
        double y = switch (m.lane()) {
            case VALUE -> y(chart, m.microgramsPerLitre());
            case SIGNALS -> TOP_BAND;
            case MISSED -> LOW_BAND;
        };
        return new double[] {x, y};
    }

    private static double x(Chart chart, java.time.Instant at) {
        return LEFT + chart.x(at) * (RIGHT - LEFT);
    }

    private static double y(Chart chart, int microgramsPerLitre) {
        return PLOT_BOTTOM - chart.y(microgramsPerLitre) * (PLOT_BOTTOM - PLOT_TOP);
    }

    private static String fill(Style style) {
        return "fill=\"" + style.colour() + "\"";
    }

    private static String stroke(Style style) {
        return "stroke=\"" + style.colour() + "\"";
    }

    private static String n(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    private static String attrs(String paint) {
        return paint == null ? "" : " " + paint;
    }

    private static String line(String cls, double x1, double y1, double x2, double y2, String paint) {
        return "<line class=\"" + cls + "\" x1=\"" + n(x1) + "\" y1=\"" + n(y1) + "\" x2=\"" + n(x2) + "\" y2=\"" + n(y2) + "\"" + attrs(paint)
                + "/>";
    }

    private static String rect(String cls, double x, double y, double w, double h, String paint) {
        return "<rect class=\"" + cls + "\" x=\"" + n(x) + "\" y=\"" + n(y) + "\" width=\"" + n(w) + "\" height=\"" + n(h) + "\"" + attrs(paint)
                + "/>";
    }

    private static String circle(String cls, double x, double y, double r, String paint) {
        return "<circle class=\"" + cls + "\" cx=\"" + n(x) + "\" cy=\"" + n(y) + "\" r=\"" + n(r) + "\"" + attrs(paint) + "/>";
    }

    private static String polygon(String cls, String paint, double... xy) {
        StringBuilder b = new StringBuilder("<polygon class=\"").append(cls).append("\" points=\"");
        for (int i = 0; i < xy.length; i += 2) {
            b.append(i == 0 ? "" : " ").append(n(xy[i])).append(',').append(n(xy[i + 1]));
        }
        return b.append("\"").append(attrs(paint)).append("/>").toString();
    }

    private static String text(String cls, double x, double y, String anchor, String content) {
        return text(cls, x, y, anchor, content, null);
    }

    private static String text(String cls, double x, double y, String anchor, String content, String paint) {
        return "<text class=\"" + cls + "\" x=\"" + n(x) + "\" y=\"" + n(y) + "\" text-anchor=\"" + anchor + "\"" + attrs(paint) + ">"
                + Html.escape(content) + "</text>";
    }
}
