package org.breathgate.receiver.care.report;

import org.apache.pdfbox.cos.COSDictionary;
import org.apache.pdfbox.cos.COSName;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.documentinterchange.markedcontent.PDPropertyList;
import org.apache.pdfbox.pdmodel.font.PDFont;
import org.breathgate.receiver.care.chart.Chart;
import org.breathgate.receiver.care.chart.Style;

import java.io.IOException;
import java.time.Instant;

/**
 * The report's chart, drawn from the same {@link Chart} the web page draws: the same scale and ticks, marks, shapes, colours
 * and words; only the drawing is the PDF's. Each word and each mark is marked content with its text ({@code /Span} with
 * {@code /ActualText}), inside a {@code /Figure} whose alternative text is the chart's one-sentence summary, so a reader of
 * the PDF's text gets what a reader of the page's SVG gets. In the report's structure tree the chart is a {@code Figure}
 * element with the same alternative text ({@link PdfTags}).
 */
final class PdfChart {

    /** The height of the plot of values, and of the bands above (signals) and below (missed tests). */
    private static final float PLOT = 150;
    private static final float BAND = 14;
    /** The height the chart and its legend need on a page. */
    static final float HEIGHT = PLOT + 2 * BAND + 110;

    /** The chart's bands and grid, the web's stylesheet's light greys. */
    private static final float[] PANEL = {0xf3 / 255f, 0xf5 / 255f, 0xf7 / 255f};
    private static final float[] GRID = {0xc9 / 255f, 0xd1 / 255f, 0xd8 / 255f};
    private static final float[] GRID_MINOR = {0xee / 255f, 0xf1 / 255f, 0xf4 / 255f};

    private final PDPageContentStream cs;
    private final PDFont regular;
    private final PdfTags tags;
    private final org.apache.pdfbox.pdmodel.PDPage page;
    private final org.apache.pdfbox.pdmodel.documentinterchange.logicalstructure.PDStructureElement figure;

    /** Draws on {@code page} as the content of {@code figure}, whose alternative text is the chart's summary. */
    PdfChart(PDPageContentStream cs, PDFont regular, PdfTags tags, org.apache.pdfbox.pdmodel.PDPage page,
             org.apache.pdfbox.pdmodel.documentinterchange.logicalstructure.PDStructureElement figure) {
        this.cs = cs;
        this.regular = regular;
        this.tags = tags;
        this.page = page;
        this.figure = figure;
    }

    /**
     * Draws {@code chart} between {@code margin} and {@code right}, its top at {@code y}, legend included.
     *
     * @return where the page continues: the y just below the legend
     */
    float draw(Chart chart, float margin, float right, float y) throws IOException {
        COSDictionary alt = new COSDictionary();
        alt.setString(COSName.ALT, chart.summary());
        tags.begin(cs, page, figure, alt);
        float left = margin + 56;
        float plot = PLOT;
        float band = BAND;
        float signals = y - band / 2 - 2;
        float top = y - band - 8;
        float bottom = top - plot;
        float missed = bottom - band / 2 - 10;
        ChartGeometry g = new ChartGeometry(chart, left, right, bottom, top, signals, missed);
        // bands
        color(PANEL);
        cs.addRect(left, signals - band / 2, right - left, band);
        cs.addRect(left, missed - band / 2, right - left, band);
        cs.fill();
        labelEnd(left - 4, signals - 2.5f, chart.signalsLabel(), null);
        labelEnd(left - 4, missed - 2.5f, chart.missedLabel(), null);
        // value grid and ticks
        cs.setLineWidth(0.3f);
        for (Chart.Tick tick : chart.ticks()) {
            float ty = g.y(tick.microgramsPerLitre());
            color(GRID);
            cs.moveTo(left, ty);
            cs.lineTo(right, ty);
            cs.stroke();
            labelEnd(left - 4, ty - 2.5f, tick.label(), null);
        }
        labelEnd(left - 4, top + 4, chart.axisTitle(), null);
        // days
        for (Chart.Day day : chart.days()) {
            float dx = g.x(day.at());
            color(day.labelled() ? GRID : GRID_MINOR);
            cs.moveTo(dx, top);
            cs.lineTo(dx, missed - band / 2);
            cs.stroke();
            if (day.labelled()) {
                float w = width(day.label());
                label(Math.min(Math.max(dx - w / 2, left - 10), right - w), missed - band / 2 - 10, day.label(), null);
            }
        }
        // axis
        cs.setLineWidth(0.8f);
        color(new float[] {0, 0, 0});
        cs.moveTo(left, bottom);
        cs.lineTo(right, bottom);
        cs.stroke();
        // threshold
        float ty = g.y(chart.threshold().microgramsPerLitre());
        dashed(left, ty, right, ty, Style.THRESHOLD.rgb(), 1f);
        label(left + 4, ty + 3, chart.threshold().label(), Style.THRESHOLD.rgb());
        // retest links, then the marks over them
        for (Chart.Link link : chart.links()) {
            float[] a = g.point(link.test());
            float[] b = g.point(link.retest());
            dashed(a[0], a[1], b[0], b[1], Style.RETEST.rgb(), 0.8f);
        }
        for (Chart.Mark m : chart.marks()) {
            cs.beginMarkedContent(COSName.getPDFName("Span"), properties(COSName.ACTUAL_TEXT, m.title()));
            float[] p = g.point(m);
            if (m.uncertain()) {
                float x0 = Math.max(left, g.x(m.uncertainFrom()));
                color(Style.UNCERTAIN.rgb());
                cs.setLineWidth(1f);
                cs.moveTo(x0, p[1]);
                cs.lineTo(p[0], p[1]);
                cs.moveTo(x0, p[1] - 2.5f);
                cs.lineTo(x0, p[1] + 2.5f);
                cs.stroke();
            }
            shape(m.style(), p[0], p[1], m.uncertain());
            if (m.ring()) {
                ring(p[0], p[1], 5.5f, Style.RETEST.rgb());
            }
            cs.endMarkedContent();
        }
        y = missed - band / 2 - 24;
        // legend: the chart's own key, in its order
        float lx = margin;
        for (Chart.LegendItem item : chart.legend()) {
            float w = 14 + width(item.label()) + 12;
            if (lx + w > right) {
                lx = margin;
                y -= 12;
            }
            icon(item.style(), lx + 5, y + 2.5f);
            label(lx + 14, y, item.label(), null);
            lx += w;
        }
        cs.endMarkedContent();
        return y;
    }

    /** Where the chart's fractions fall on the page. */
    private record ChartGeometry(Chart chart, float left, float right, float bottom, float top, float signals, float missed) {
        float x(Instant at) {
            return left + (float) chart.x(at) * (right - left);
        }

        float y(int microgramsPerLitre) {
            return bottom + (float) chart.y(microgramsPerLitre) * (top - bottom);
        }

        float[] point(Chart.Mark m) {
            float py = switch (m.lane()) {
                case VALUE -> y(m.microgramsPerLitre());
                case SIGNALS -> signals;
                case MISSED -> missed;
            };
            return new float[] {x(m.at()), py};
        }
    }

    private static PDPropertyList properties(COSName key, String text) {
        COSDictionary d = new COSDictionary();
        d.setString(key, text);
        return PDPropertyList.create(d);
    }

    /** A word of the chart at {@code (x, y)}, marked with its text. */
    private void label(float x, float yy, String s, float[] colour) throws IOException {
        cs.beginMarkedContent(COSName.getPDFName("Span"), properties(COSName.ACTUAL_TEXT, s));
        at(x, yy, s, colour);
        cs.endMarkedContent();
    }

    /** As {@link #label}, ending at {@code x}. */
    private void labelEnd(float x, float yy, String s, float[] colour) throws IOException {
        label(x - width(s), yy, s, colour);
    }

    private void dashed(float x1, float y1, float x2, float y2, float[] rgb, float lineWidth) throws IOException {
        color(rgb);
        cs.setLineWidth(lineWidth);
        cs.setLineDashPattern(new float[] {4, 3}, 0);
        cs.moveTo(x1, y1);
        cs.lineTo(x2, y2);
        cs.stroke();
        cs.setLineDashPattern(new float[] {}, 0);
    }

    /** The shape of {@code style}, as the web draws it: filled, or (uncertain time) outlined on white. */
    private void shape(Style style, float x, float cy, boolean hollow) throws IOException {
        float[] rgb = style.rgb();
        switch (style.shape()) {
            case CIRCLE -> circle(x, cy, 2.8f, rgb, !hollow);
            case DIAMOND -> polygon(rgb, !hollow, x, cy + 3.8f, x + 3.8f, cy, x, cy - 3.8f, x - 3.8f, cy);
            case SQUARE -> polygon(rgb, true, x - 2.3f, cy - 2.3f, x + 2.3f, cy - 2.3f, x + 2.3f, cy + 2.3f, x - 2.3f, cy + 2.3f);
            case TRIANGLE -> polygon(rgb, true, x, cy + 3.8f, x + 3.8f, cy - 3.3f, x - 3.8f, cy - 3.3f);
            case CROSS -> {
                color(rgb);
                cs.setLineWidth(1.4f);
                cs.moveTo(x - 3, cy - 3);
                cs.lineTo(x + 3, cy + 3);
                cs.moveTo(x - 3, cy + 3);
                cs.lineTo(x + 3, cy - 3);
                cs.stroke();
            }
            case PLUS_CIRCLE -> {
                circle(x, cy, 3.3f, rgb, true);
                cs.setStrokingColor(1f, 1f, 1f);
                cs.setLineWidth(1f);
                cs.moveTo(x - 1.9f, cy);
                cs.lineTo(x + 1.9f, cy);
                cs.moveTo(x, cy - 1.9f);
                cs.lineTo(x, cy + 1.9f);
                cs.stroke();
            }
            default -> throw new IllegalStateException("a mark is not drawn as " + style.shape());
        }
    }

    /** The legend's small drawing of {@code style}. */
    private void icon(Style style, float x, float cy) throws IOException {
        switch (style) {
            case RETEST -> {
                ring(x, cy, 4.5f, Style.RETEST.rgb());
                circle(x, cy, 2.2f, Style.PASS.rgb(), true);
            }
            case UNCERTAIN -> {
                color(Style.UNCERTAIN.rgb());
                cs.setLineWidth(1f);
                cs.moveTo(x - 5, cy);
                cs.lineTo(x, cy);
                cs.stroke();
                circle(x + 1, cy, 2.8f, Style.PASS.rgb(), false);
            }
            case THRESHOLD -> dashed(x - 5, cy, x + 5, cy, Style.THRESHOLD.rgb(), 1f);
            default -> shape(style, x, cy, false);
        }
    }

    private void ring(float x, float cy, float r, float[] rgb) throws IOException {
        circle(x, cy, r, rgb, false);
    }

    private void polygon(float[] rgb, boolean filled, float... xy) throws IOException {
        color(rgb);
        cs.setLineWidth(0.8f);
        cs.moveTo(xy[0], xy[1]);
        for (int i = 2; i < xy.length; i += 2) {
            cs.lineTo(xy[i], xy[i + 1]);
        }
        cs.closePath();
        if (filled) {
            cs.fill();
        } else {
            cs.stroke();
        }
    }

    private void at(float x, float yy, String s, float[] colour) throws IOException {
        cs.beginText();
        cs.setFont(regular, 7);
        float[] rgb = colour == null ? new float[] {0, 0, 0} : colour;
        cs.setNonStrokingColor(rgb[0], rgb[1], rgb[2]);
        cs.newLineAtOffset(x, yy);
        cs.showText(PdfReport.safe(regular, s));
        cs.endText();
        cs.setNonStrokingColor(0f, 0f, 0f);
    }

    private float width(String s) throws IOException {
        return regular.getStringWidth(PdfReport.safe(regular, s)) / 1000 * 7;
    }

    private void color(float[] rgb) throws IOException {
        cs.setStrokingColor(rgb[0], rgb[1], rgb[2]);
        cs.setNonStrokingColor(rgb[0], rgb[1], rgb[2]);
    }

    private void circle(float x, float cy, float r, float[] rgb, boolean filled) throws IOException {
        float k = 0.5523f * r;
        color(rgb);
        cs.setLineWidth(0.8f);
        cs.moveTo(x + r, cy);
        cs.curveTo(x + r, cy + k, x + k, cy + r, x, cy + r);
        cs.curveTo(x - k, cy + r, x - r, cy + k, x - r, cy);
        cs.curveTo(x - r, cy - k, x - k, cy - r, x, cy - r);
        cs.curveTo(x + k, cy - r, x + r, cy - k, x + r, cy);
        cs.closePath();
        if (filled) {
            cs.fillAndStroke();
        } else {
            cs.stroke();
        }
    }
}
