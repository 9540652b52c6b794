package org.breathgate.receiver.care.chart;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A timeline chart as both the web page (SVG) and the PDF report draw it: for one period and one reader's language, the
 * value scale and its ticks, the threshold line, the days, one mark per event with its shape, colour and words, the retest
 * links and the legend. Everything a renderer needs is decided here, so the screen and the PDF show the same period with
 * the same scale, marks, colours and words ({@link ChartModel#of}); the renderers only place it on their canvas.
 *
 * <p>Positions are fractions of the plot: {@link #x} from the period's start (0) to its end (1), {@link #y} from no alcohol
 * (0) to the top of the scale (1). Events in a band (missed tests and tests without a valid sample below the axis, device
 * signals and support requests above) have no value.
 *
 * @param title        what the chart shows
 * @param summary      one sentence for its text alternative
 * @param axisTitle    the unit of the value axis
 * @param signalsLabel the name of the band above the plot (device signals, support requests)
 * @param missedLabel  the name of the band below the axis (missed tests, tests without a valid sample)
 * @param scaleMax     the top of the value scale in µg/L
 * @param ticks        the value scale's grid lines, bottom up
 * @param days         local midnights in the period, some labelled
 * @param marks        one per event, in time order
 * @param links        each retest joined to the test it confirms
 * @param legend       the key, one item per style the chart can draw, in a fixed order
 */
public record Chart(Instant from, Instant to, String title, String summary, String axisTitle, String signalsLabel, String missedLabel,
                    int scaleMax, List<Tick> ticks, Threshold threshold, List<Day> days, List<Mark> marks, List<Link> links,
                    List<LegendItem> legend) {

    public Chart {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        if (!from.isBefore(to)) {
            throw new IllegalArgumentException("a chart's period ends after it begins");
        }
        if (scaleMax <= 0) {
            throw new IllegalArgumentException("the scale's top must be positive");
        }
        ticks = List.copyOf(ticks);
        days = List.copyOf(days);
        marks = List.copyOf(marks);
        links = List.copyOf(links);
        legend = List.copyOf(legend);
    }

    /** A grid line of the value scale and its label, e.g. {@code 0,100}. */
    public record Tick(int microgramsPerLitre, String label) {
    }

    /** The client's alert threshold, drawn as a dashed line, and its label. */
    public record Threshold(int microgramsPerLitre, String label) {
    }

    /** A local midnight in the period; {@code label} is {@code null} for a day drawn without one. */
    public record Day(Instant at, String label) {
        public boolean labelled() {
            return label != null;
        }
    }

    /** Where a mark sits: at its value, or in a band. */
    public enum Lane {
        /** At its value on the scale. */
        VALUE,
        /** In the band above the plot. */
        SIGNALS,
        /** In the band below the axis. */
        MISSED
    }

    /**
     * One event on the chart.
     *
     * @param seq                its sequence number (links name marks by it)
     * @param kind               what it is, in lower case ({@code test}, {@code retest}, {@code missed} …)
     * @param style              how it is drawn: shape and colour
     * @param lane               at its value or in a band
     * @param at                 the time shown (exact, or the latest it can have been)
     * @param microgramsPerLitre its value, for {@link Lane#VALUE}; else {@code null}
     * @param uncertainFrom      for an event whose device clock was not synchronised, the earliest it can have happened (the
     *                           period's start when unknown): a bar is drawn from there to {@code at}; else {@code null}
     * @param ring               whether a retest ring is drawn around it
     * @param excused            whether a worker excused it
     * @param title              its words: time, what it was, value
     */
    public record Mark(long seq, String kind, Style style, Lane lane, Instant at, Integer microgramsPerLitre, Instant uncertainFrom,
                       boolean ring, boolean excused, String title) {
        public Mark {
            Objects.requireNonNull(style, "style");
            Objects.requireNonNull(lane, "lane");
            Objects.requireNonNull(at, "at");
            if ((lane == Lane.VALUE) != (microgramsPerLitre != null)) {
                throw new IllegalArgumentException("a mark has a value exactly when it sits at its value");
            }
        }

        /** Whether the time is uncertain (drawn hollow, with a bar over the span it can have happened in). */
        public boolean uncertain() {
            return uncertainFrom != null;
        }
    }

    /** A retest joined to the test it confirms (the retest may be a missed one, in the band). */
    public record Link(Mark test, Mark retest) {
    }

    /** One line of the key: a style and its words. */
    public record LegendItem(Style style, String label) {
    }

    /** Where {@code at} lies on the time axis: 0 at the period's start, 1 at its end, clamped. */
    public double x(Instant at) {
        double span = Math.max(1, to.toEpochMilli() - from.toEpochMilli());
        return Math.max(0, Math.min(1, (at.toEpochMilli() - from.toEpochMilli()) / span));
    }

    /** Where a value lies on the scale: 0 for none, 1 at the top (values above it are drawn at the top). */
    public double y(int microgramsPerLitre) {
        return (double) Math.min(microgramsPerLitre, scaleMax) / scaleMax;
    }
}
