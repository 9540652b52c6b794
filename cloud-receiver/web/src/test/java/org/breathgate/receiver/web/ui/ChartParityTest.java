package org.breathgate.receiver.web.ui;

import org.apache.pdfbox.Loader;
import org.apache.pdfbox.contentstream.PDFGraphicsStreamEngine;
import org.apache.pdfbox.cos.COSDictionary;
import org.apache.pdfbox.cos.COSName;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.graphics.color.PDColor;
import org.apache.pdfbox.pdmodel.graphics.image.PDImage;
import org.apache.pdfbox.text.PDFTextStripper;
import org.breathgate.care.access.Actor;
import org.breathgate.care.access.Client;
import org.breathgate.protocol.AbortReason;
import org.breathgate.protocol.BreathAlcohol;
import org.breathgate.protocol.ClockFacts;
import org.breathgate.protocol.EvidenceEvent;
import org.breathgate.protocol.MissedTest;
import org.breathgate.protocol.Outcome;
import org.breathgate.protocol.Reading;
import org.breathgate.protocol.SensorFacts;
import org.breathgate.protocol.SupportRequest;
import org.breathgate.protocol.TamperEvent;
import org.breathgate.protocol.TamperKind;
import org.breathgate.protocol.TestReason;
import org.breathgate.receiver.care.chart.Chart;
import org.breathgate.receiver.care.chart.ChartModel;
import org.breathgate.receiver.care.chart.Style;
import org.breathgate.receiver.care.report.PdfReport;
import org.breathgate.receiver.care.timeline.TestTimelines;
import org.breathgate.receiver.care.timeline.TimelineView;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.awt.geom.Point2D;
import java.io.IOException;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The web page's chart and the PDF report's chart show one period alike: the same scale (its tick labels), the same marks in
 * the same order with the same words, the same colours, and the same threshold, axis, day and legend words. Both are drawn
 * from one chart model; this reads what each renderer put out (the SVG's elements, the PDF's content stream) and compares
 * them with each other, in each language.
 */
class ChartParityTest {

    private static final ZoneId HELSINKI = ZoneId.of("Europe/Helsinki");
    private static final Instant FROM = Instant.parse("2026-03-01T22:00:00Z"); // 2 March 00:00 in Helsinki
    private static final Instant TO = Instant.parse("2026-03-15T22:00:00Z");
    private static final SensorFacts SENSOR = new SensorFacts("AL-7000", "SN-1", null);
    private static final Pattern TEXT = Pattern.compile("<text [^>]*>(.*?)</text>");
    private static final Pattern MARK = Pattern.compile("<g class=\"mark[^\"]*\"><title>(.*?)</title>(.*?)</g>");
    private static final Pattern PAINT = Pattern.compile("(?:fill|stroke)=\"(#[0-9a-f]{6})\"");

    /** A fortnight with one of every kind of mark: tests, a positive and its retest, a clock not set, missed, signals. */
    private static TimelineView fortnight() {
        List<EvidenceEvent> events = new ArrayList<>();
        List<Instant> received = new ArrayList<>();
        Instant d3 = Instant.parse("2026-03-04T06:00:00Z");
        add(events, received, reading(1, d3, true, new TestReason.Scheduled(d3, false), Outcome.PASS, 0), d3);
        Instant d5 = Instant.parse("2026-03-06T06:00:00Z");
        add(events, received, reading(2, d5, true, new TestReason.Scheduled(d5, false), Outcome.FAIL, 420), d5);
        add(events, received, reading(3, d5.plusSeconds(1260), true, new TestReason.Retest(2, 2, 1), Outcome.FAIL, 380), d5.plusSeconds(1260));
        Instant d7 = Instant.parse("2026-03-08T06:00:00Z");
        add(events, received, reading(4, d7.minusSeconds(9000), false, new TestReason.Scheduled(d7, false), Outcome.PASS, 20), d7.plusSeconds(600));
        Instant d9 = Instant.parse("2026-03-10T06:00:00Z");
        add(events, received, new MissedTest("home-0001", 5, new ClockFacts(d9.plusSeconds(1800), "boot", 4000, true),
                new TestReason.Scheduled(d9, false), d9.minusSeconds(1800), d9.plusSeconds(1800), 1), d9.plusSeconds(1800));
        Reading aborted = new Reading("home-0001", 6, new ClockFacts(d9.minusSeconds(900), "boot", 3900, true), new TestReason.OnDemand(),
                Outcome.ABORTED, null, new BreathAlcohol(100), AbortReason.BLOW_TOO_SHORT, 900, null, SENSOR);
        add(events, received, aborted, d9.minusSeconds(900));
        Instant d11 = Instant.parse("2026-03-12T18:00:00Z");
        add(events, received, new TamperEvent("home-0001", 7, new ClockFacts(d11, "boot", 5000, true), TamperKind.SENSOR_DISCONNECTED,
                "serial port went silent"), d11);
        add(events, received, new SupportRequest("home-0001", 8, new ClockFacts(d11.plusSeconds(3600), "boot", 5100, true)),
                d11.plusSeconds(3600));
        Client client = Client.open("client-a", "Parent A", "sa-1");
        return TestTimelines.view(client, FROM, TO, TestTimelines.entries(events, received), 0);
    }

    private static void add(List<EvidenceEvent> events, List<Instant> received, EvidenceEvent e, Instant at) {
        events.add(e);
        received.add(at);
    }

    private static Reading reading(long seq, Instant at, boolean synced, TestReason reason, Outcome outcome, int ugL) {
        return new Reading("home-0001", seq, new ClockFacts(at, "boot", 1000 + seq, synced), reason, outcome, new BreathAlcohol(ugL),
                new BreathAlcohol(100), null, 4000, 210, SENSOR);
    }

    @ParameterizedTest
    @ValueSource(strings = {"fi", "sv", "en"})
    void the_web_chart_and_the_pdf_chart_show_one_period_with_the_same_scale_marks_colours_and_words(String language) throws Exception {
        TimelineView view = fortnight();
        Chart chart = ChartModel.of(view, language, HELSINKI);
        String svg = TimelineChart.svg(chart);
        byte[] pdf = PdfReport.render(new PdfReport.Content(view, Actor.substanceAbuseWorker("worker-sa", "sa-1"), TO, null, HELSINKI,
                language));

        // What the SVG shows: its words in order (bands, scale, axis, days, threshold), then each mark's words and colours,
        // then the legend under it.
        List<String> svgWords = new ArrayList<>();
        Matcher t = TEXT.matcher(svg);
        while (t.find()) {
            svgWords.add(unescape(t.group(1)));
        }
        List<String> svgMarks = new ArrayList<>();
        List<List<String>> svgColours = new ArrayList<>();
        Matcher m = MARK.matcher(svg);
        while (m.find()) {
            svgMarks.add(unescape(m.group(1)));
            List<String> colours = new ArrayList<>();
            Matcher p = PAINT.matcher(m.group(2));
            while (p.find()) {
                addDistinct(colours, p.group(1));
            }
            svgColours.add(colours);
        }
        List<String> legend = TimelineChart.legend(chart).stream().map(TimelineChart.LegendRow::label).toList();

        PdfChart drawn = PdfChart.read(pdf);
        List<String> expected = new ArrayList<>(svgWords);
        expected.addAll(svgMarks);
        expected.addAll(legend);
        assertEquals(expected, drawn.words, "the PDF's chart shows the SVG's words in the same order");
        assertEquals(svgColours, drawn.markColours, "each mark in the same colours");
        assertEquals(chart.summary(), drawn.alternative, "one text alternative");

        // The scale: the same ticks, from the model, in both; the threshold on it; one mark per event.
        List<String> ticks = chart.ticks().stream().map(Chart.Tick::label).toList();
        assertEquals(ticks, svgWords.subList(2, 2 + ticks.size()));
        assertEquals(ticks, drawn.words.subList(2, 2 + ticks.size()));
        assertTrue(svgWords.contains(chart.threshold().label()) && drawn.words.contains(chart.threshold().label()));
        assertEquals(view.entries().size(), svgMarks.size());
        assertEquals(List.of(Style.THRESHOLD.colour()), colours(svg, "<line class=\"threshold\""));
        assertTrue(text(pdf).contains(chart.title()), "the chart's title heads it in the PDF too");
    }

    private static List<String> colours(String svg, String element) {
        int i = svg.indexOf(element);
        Matcher p = PAINT.matcher(svg.substring(i, svg.indexOf("/>", i)));
        List<String> out = new ArrayList<>();
        while (p.find()) {
            out.add(p.group(1));
        }
        return out;
    }

    private static void addDistinct(List<String> colours, String colour) {
        if (!colour.equals("#ffffff") && !colour.equals("#fff") && (colours.isEmpty() || !colours.get(colours.size() - 1).equals(colour))) {
            colours.add(colour);
        }
    }

    private static String unescape(String s) {
        return s.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&#39;", "'").replace("&amp;", "&");
    }

    private static String text(byte[] pdf) throws IOException {
        try (PDDocument doc = Loader.loadPDF(pdf)) {
            return new PDFTextStripper().getText(doc);
        }
    }

    /** What the PDF's chart figure holds: the words of its marked spans in order, each mark's colours, its alternative text. */
    private static final class PdfChart extends PDFGraphicsStreamEngine {
        final List<String> words = new ArrayList<>();
        final List<List<String>> markColours = new ArrayList<>();
        String alternative;
        private final Deque<COSDictionary> open = new ArrayDeque<>();
        private boolean inFigure;
        private List<String> current;

        private PdfChart(PDPage page) {
            super(page);
        }

        static PdfChart read(byte[] pdf) throws IOException {
            try (PDDocument doc = Loader.loadPDF(pdf)) {
                PdfChart chart = null;
                for (PDPage page : doc.getPages()) {
                    PdfChart c = chart == null ? new PdfChart(page) : chart.on(page);
                    c.processPage(page);
                    chart = c;
                }
                return chart;
            }
        }

        private PdfChart on(PDPage page) {
            PdfChart next = new PdfChart(page);
            next.words.addAll(words);
            next.markColours.addAll(markColours);
            next.alternative = alternative;
            return next;
        }

        @Override
        public void beginMarkedContentSequence(COSName tag, COSDictionary properties) {
            COSDictionary p = properties == null ? new COSDictionary() : properties;
            open.push(p);
            if (tag.getName().equals("Figure")) {
                inFigure = true;
                alternative = p.getString(COSName.ALT);
            } else if (inFigure && tag.getName().equals("Span")) {
                current = new ArrayList<>();
            }
        }

        @Override
        public void endMarkedContentSequence() {
            COSDictionary p = open.pop();
            if (p.containsKey(COSName.ALT)) {
                inFigure = false;
            } else if (inFigure && current != null) {
                words.add(p.getString(COSName.ACTUAL_TEXT));
                if (!current.isEmpty()) {
                    markColours.add(current);
                }
                current = null;
            }
        }

        private void painted(PDColor colour) throws IOException {
            if (current != null) {
                addDistinct(current, String.format(Locale.ROOT, "#%06x", colour.toRGB() & 0xffffff));
            }
        }

        @Override
        public void strokePath() throws IOException {
            painted(getGraphicsState().getStrokingColor());
        }

        @Override
        public void fillPath(int windingRule) throws IOException {
            painted(getGraphicsState().getNonStrokingColor());
        }

        @Override
        public void fillAndStrokePath(int windingRule) throws IOException {
            painted(getGraphicsState().getNonStrokingColor());
        }

        @Override
        public void appendRectangle(Point2D p0, Point2D p1, Point2D p2, Point2D p3) {
        }

        @Override
        public void drawImage(PDImage pdImage) {
        }

        @Override
        public void clip(int windingRule) {
        }

        @Override
        public void moveTo(float x, float y) {
        }

        @Override
        public void lineTo(float x, float y) {
        }

        @Override
        public void curveTo(float x1, float y1, float x2, float y2, float x3, float y3) {
        }

        @Override
        public Point2D getCurrentPoint() {
            return new Point2D.Float();
        }

        @Override
        public void closePath() {
        }

        @Override
        public void endPath() {
        }

        @Override
        public void shadingFill(COSName shadingName) {
        }
    }
}
