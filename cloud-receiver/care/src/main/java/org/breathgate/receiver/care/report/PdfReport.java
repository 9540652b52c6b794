package org.breathgate.receiver.care.report;

import org.apache.pdfbox.cos.COSDictionary;
import org.apache.pdfbox.cos.COSName;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.documentinterchange.markedcontent.PDPropertyList;
import org.apache.pdfbox.pdmodel.PDDocumentInformation;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.font.PDFont;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;
import org.breathgate.care.access.Actor;
import org.breathgate.care.access.Client;
import org.breathgate.care.consent.ConsentVersion;
import org.breathgate.care.consent.EventTime;
import org.breathgate.protocol.BreathAlcohol;
import org.breathgate.protocol.Reading;
import org.breathgate.protocol.TamperEvent;
import org.breathgate.protocol.TestReason;
import org.breathgate.receiver.care.timeline.TimelineEntry;
import org.breathgate.receiver.care.timeline.TimelineView;
import org.breathgate.receiver.care.timeline.WeeklyCompliance;
import org.breathgate.receiver.care.chart.Chart;
import org.breathgate.receiver.care.chart.ChartModel;
import org.breathgate.receiver.care.chart.Style;
import org.breathgate.receiver.care.photo.PhotoState;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.text.MessageFormat;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Calendar;
import java.util.GregorianCalendar;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.ResourceBundle;
import java.util.Set;
import java.util.TimeZone;

/**
 * Draws the case-file report of one client and period as a PDF (A4): the header (client, period, who
 * produced it, the threshold), a note when events were withheld from the requester, the chart of breath
 * alcohol per test drawn as vectors from the same chart model as the web page ({@link ChartModel}: the same scale, marks,
 * colours and words), weekly compliance, and the table of events with how each was
 * verified. Texts come from {@code i18n/report_<lang>.properties} (fi, sv, en); numbers and dates are
 * formatted for the language.
 *
 * <p>Pure rendering: it shows exactly the timeline it is given. What a requester may see is decided before, in the care
 * gate ({@link ReportService}); what each event is, once, in the {@link TimelineEntry}.
 */
public final class PdfReport {

    /** The languages a report can be written in. */
    public static final Set<String> LANGUAGES = Set.of("fi", "sv", "en");

    /**
     * What goes into one report.
     *
     * @param timeline   the client's timeline as the requester may see it: the events shown, how many were withheld, and what
     *                   the requester is shown of photo reviews
     * @param basis      the consent the requester's access rests on (a child-protection worker), or {@code null}
     */
    public record Content(TimelineView timeline, Actor requester, Instant producedAt, ConsentVersion basis, ZoneId zone,
                          String language) {

        public Content {
            Objects.requireNonNull(timeline, "timeline");
            Objects.requireNonNull(requester, "requester");
            Objects.requireNonNull(producedAt, "producedAt");
            Objects.requireNonNull(zone, "zone");
            if (!LANGUAGES.contains(language)) {
                throw new IllegalArgumentException("language must be one of " + LANGUAGES + ", was " + language);
            }
        }

        Client client() {
            return timeline.client();
        }

        Instant from() {
            return timeline.from();
        }

        Instant to() {
            return timeline.to();
        }

        List<TimelineEntry> items() {
            return timeline.entries();
        }

        int withheld() {
            return timeline.withheld();
        }
    }

    private static final float MARGIN = 40;
    private static final float WIDTH = PDRectangle.A4.getWidth() - 2 * MARGIN;
    private static final float TOP = PDRectangle.A4.getHeight() - MARGIN;
    private static final float BOTTOM = MARGIN + 20;
    private static final float[] RED = {0.75f, 0.1f, 0.1f};
    private static final float[] GREY = {0.45f, 0.45f, 0.45f};
    /** The chart's bands and grid, the web's stylesheet's light greys. */
    private static final float[] PANEL = {0xf3 / 255f, 0xf5 / 255f, 0xf7 / 255f};
    private static final float[] GRID = {0xc9 / 255f, 0xd1 / 255f, 0xd8 / 255f};
    private static final float[] GRID_MINOR = {0xee / 255f, 0xf1 / 255f, 0xf4 / 255f};

    private PdfReport() {
    }

    /** The report as PDF bytes. */
    public static byte[] render(Content content) {
        try (PDDocument doc = new PDDocument()) {
            new Writer(doc, content).write();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            doc.save(out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot draw the report of " + content.client().id(), e);
        }
    }

    /** Writes pages top to bottom, breaking to a new page when the next block does not fit. */
    private static final class Writer {
        final PDDocument doc;
        final Content c;
        final ResourceBundle texts;
        final Locale locale;
        final PDFont regular = new PDType1Font(Standard14Fonts.FontName.HELVETICA);
        final PDFont bold = new PDType1Font(Standard14Fonts.FontName.HELVETICA_BOLD);
        final DateTimeFormatter dateTime;
        final DateTimeFormatter date;
        final List<PDPage> pages = new ArrayList<>();
        PDPageContentStream cs;
        float y;

        Writer(PDDocument doc, Content content) {
            this.doc = doc;
            this.c = content;
            this.locale = Locale.forLanguageTag(content.language());
            this.texts = ResourceBundle.getBundle("i18n.report", locale,
                    ResourceBundle.Control.getNoFallbackControl(ResourceBundle.Control.FORMAT_PROPERTIES));
            switch (content.language()) {
                case "fi":
                    dateTime = DateTimeFormatter.ofPattern("d.M.yyyy 'klo' H.mm", locale);
                    date = DateTimeFormatter.ofPattern("d.M.yyyy", locale);
                    break;
                case "sv":
                    dateTime = DateTimeFormatter.ofPattern("yyyy-MM-dd 'kl.' HH.mm", locale);
                    date = DateTimeFormatter.ofPattern("yyyy-MM-dd", locale);
                    break;
                default:
                    dateTime = DateTimeFormatter.ofPattern("d MMM yyyy HH:mm", locale);
                    date = DateTimeFormatter.ofPattern("d MMM yyyy", locale);
            }
        }

        void write() throws IOException {
            PDDocumentInformation info = doc.getDocumentInformation();
            info.setTitle(text("title") + " - " + c.client().displayName());
            info.setAuthor(c.requester().userId());
            info.setCreator("Breathgate receiver");
            Calendar produced = new GregorianCalendar(TimeZone.getTimeZone("UTC"));
            produced.setTimeInMillis(c.producedAt().toEpochMilli());
            info.setCreationDate(produced);
            newPage();
            header();
            chart();
            weeks();
            table();
            y -= 6;
            paragraph(text("verification.note"), 8, GREY);
            cs.close();
            footers();
        }

        // ------------------------------------------------------------------ sections

        void header() throws IOException {
            line(text("title"), bold, 16, null);
            y -= 4;
            labelled(text("client"), c.client().displayName() + " (" + c.client().id() + ")");
            labelled(text("period"), date.format(c.from().atZone(c.zone())) + " - "
                    + date.format(c.to().minusMillis(1).atZone(c.zone())) + " (" + c.zone().getId() + ")");
            labelled(text("requester"), c.requester().userId() + ", " + text("role." + c.requester().role().name()));
            labelled(text("generated"), dateTime.format(c.producedAt().atZone(c.zone())));
            BreathAlcohol threshold = c.client().alertThreshold();
            labelled(text("threshold"), mg(threshold) + " mg/l (" + text("approx") + " " + perMille(threshold) + " \u2030, "
                    + c.client().perMilleFactor().name() + ")");
            y -= 2;
            paragraph(format("factor.note", c.client().perMilleFactor().name()), 8, GREY);
            if (c.requester().role() == org.breathgate.care.access.Role.CHILD_PROTECTION_WORKER) {
                paragraph(text("consent.note"), 9, null);
                if (c.basis() != null) {
                    paragraph(format("consent.basis", c.basis().consentId(), Integer.toString(c.basis().version()),
                            dateTime.format(c.basis().validFrom().atZone(c.zone())),
                            dateTime.format(c.basis().validUntil().atZone(c.zone()))), 9, null);
                }
            }
            paragraph(c.withheld() > 0 ? format("withheld", Integer.toString(c.withheld())) : text("nothing.withheld"), 9,
                    c.withheld() > 0 ? RED : null);
            y -= 6;
        }

        /**
         * The chart, drawn from the same {@link Chart} the web page draws: the same scale and ticks, marks, colours and words.
         * Each word and each mark is marked content with its text ({@code /Span} with {@code /ActualText}), inside a
         * {@code /Figure} whose alternative text is the chart's one-sentence summary, so a reader of the PDF's text gets what
         * a reader of the page's SVG gets.
         */
        void chart() throws IOException {
            Chart chart = ChartModel.of(c.timeline(), c.language(), c.zone());
            float plot = 150;
            float band = 14;
            need(plot + 2 * band + 110);
            line(chart.title(), bold, 11, null);
            cs.beginMarkedContent(COSName.getPDFName("Figure"), properties(COSName.ALT, chart.summary()));
            float left = MARGIN + 56;
            float right = MARGIN + WIDTH;
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
                    float w = width(regular, 7, day.label());
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
            float lx = MARGIN;
            for (Chart.LegendItem item : chart.legend()) {
                float w = 14 + width(regular, 7, item.label()) + 12;
                if (lx + w > MARGIN + WIDTH) {
                    lx = MARGIN;
                    y -= 12;
                }
                icon(item.style(), lx + 5, y + 2.5f);
                label(lx + 14, y, item.label(), null);
                lx += w;
            }
            cs.endMarkedContent();
            y -= 20;
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
        void label(float x, float yy, String s, float[] colour) throws IOException {
            cs.beginMarkedContent(COSName.getPDFName("Span"), properties(COSName.ACTUAL_TEXT, s));
            at(x, yy, regular, 7, s, colour);
            cs.endMarkedContent();
        }

        /** As {@link #label}, ending at {@code x}. */
        void labelEnd(float x, float yy, String s, float[] colour) throws IOException {
            label(x - width(regular, 7, s), yy, s, colour);
        }

        void dashed(float x1, float y1, float x2, float y2, float[] rgb, float lineWidth) throws IOException {
            color(rgb);
            cs.setLineWidth(lineWidth);
            cs.setLineDashPattern(new float[] {4, 3}, 0);
            cs.moveTo(x1, y1);
            cs.lineTo(x2, y2);
            cs.stroke();
            cs.setLineDashPattern(new float[] {}, 0);
        }

        /** The shape of {@code style}, as the web draws it: filled, or (uncertain time) outlined on white. */
        void shape(Style style, float x, float cy, boolean hollow) throws IOException {
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
        void icon(Style style, float x, float cy) throws IOException {
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

        void ring(float x, float cy, float r, float[] rgb) throws IOException {
            circle(x, cy, r, rgb, false);
        }

        void polygon(float[] rgb, boolean filled, float... xy) throws IOException {
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

        void weeks() throws IOException {
            List<WeeklyCompliance.Week> weeks = WeeklyCompliance.of(c.items(), c.zone());
            need(50);
            line(text("weeks"), bold, 11, null);
            if (weeks.isEmpty() || weeks.stream().allMatch(w -> w.scheduled() == 0 && w.positives() == 0)) {
                paragraph(text("no.weeks"), 9, null);
                y -= 8;
                return;
            }
            String[] head = {text("week"), text("scheduled"), text("taken"), text("late"), text("missed"), text("excused"), text("positives")};
            float[] cols = {0, 130, 195, 250, 320, 380, 450};
            row(head, cols, bold, 8);
            for (WeeklyCompliance.Week w : weeks) {
                need(12);
                row(new String[] {w.label() + " (" + date.format(w.monday()) + ")", Integer.toString(w.scheduled()),
                        Integer.toString(w.taken()), Integer.toString(w.late()), Integer.toString(w.missed()),
                        Integer.toString(w.excused()), Integer.toString(w.positives())}, cols, regular, 8);
            }
            y -= 10;
        }

        void table() throws IOException {
            need(40);
            line(text("table"), bold, 11, null);
            if (c.items().isEmpty()) {
                paragraph(text("no.events"), 9, null);
                return;
            }
            float[] cols = {0, 95, 270, 400};
            row(new String[] {text("col.time"), text("col.event"), text("col.result"), text("col.outcome")}, cols, bold, 8);
            for (TimelineEntry i : c.items()) {
                List<String> details = new ArrayList<>();
                details.add(format("verified", i.deviceId(), i.stored().keyId().toString(),
                        dateTime.format(i.stored().receivedAt().atZone(c.zone()))));
                EventTime t = i.time();
                if (t.isExact()) {
                    details.add(text("clock.synced"));
                } else if (t.earliest().equals(EventTime.UNKNOWN_START)) {
                    details.add(format("clock.unknown", dateTime.format(t.latest().atZone(c.zone()))));
                } else {
                    details.add(format("clock.unsynced", dateTime.format(t.earliest().atZone(c.zone())),
                            dateTime.format(t.latest().atZone(c.zone()))));
                }
                PhotoState photo = i.photo();
                if (photo != null) {
                    details.add(photoLine(photo));
                }
                if (i.excuse() != null) {
                    details.add(format("excuse", i.excuse().by(), dateTime.format(i.excuse().at().atZone(c.zone())), i.excuse().note()));
                }
                List<String> wrapped = new ArrayList<>();
                for (String d : details) {
                    wrapped.addAll(wrap(d, regular, 7, WIDTH - 20));
                }
                need(12 + 9 * wrapped.size());
                float[] colour = i.positive() ? RED : null;
                String time = dateTime.format(t.latest().atZone(c.zone())) + (t.isExact() ? "" : " *");
                row(new String[] {time, "#" + i.seq() + " " + eventName(i), result(i), outcome(i)}, cols, regular, 8, colour);
                for (String w : wrapped) {
                    at(MARGIN + 20, y - 7, regular, 7, w, GREY);
                    y -= 9;
                }
                y -= 3;
            }
        }

        // ------------------------------------------------------------------ texts of events

        /** The event's name, from what the timeline decided it is (its kind, whether late, which test a retest confirms). */
        String eventName(TimelineEntry i) {
            switch (i.kind()) {
                case TEST:
                case NO_SAMPLE:
                    if (i.retestOf() == null) {
                        return text(i.late() ? "event.late" : i.onDemand() ? "event.on_demand" : "event.scheduled");
                    }
                    return retestName(i);
                case RETEST:
                    return retestName(i);
                case MISSED:
                    return i.retestOf() != null ? format("event.missed_retest", Long.toString(i.retestOf())) : text("event.missed");
                case TAMPER:
                    return format("event.tamper", ((TamperEvent) i.event()).kind().wireName().replace('_', ' '));
                case SUPPORT:
                    return text("event.support");
                default:
                    throw new IllegalStateException(i.kind().name());
            }
        }

        String retestName(TimelineEntry i) {
            TestReason.Retest r = (TestReason.Retest) ((Reading) i.event()).reason();
            return format("event.retest", Integer.toString(r.attempt()), Long.toString(i.retestOf()));
        }

        /**
         * The photo's state in one line. A review's verdict is the substance-abuse service's (like the
         * PHOTO_MISMATCH alert it raises): a child-protection worker's report says only that there is a photo.
         */
        String photoLine(PhotoState p) {
            switch (p.kind()) {
                case NOT_TAKEN:
                    return format("photo.not_taken", text("photo.absence." + p.absenceName()));
                case NOT_RECEIVED:
                    return text("photo.not_received");
                case SET_ASIDE:
                    return text("photo.set_aside");
                default:
                    break;
            }
            if (!c.timeline().photoVerdictsShown()) {
                return text("photo.stored");
            }
            if (p.kind() == PhotoState.Kind.WAITING) {
                return text("photo.waiting");
            }
            return format("photo.reviewed." + p.verdictName(), p.review().reviewer(), dateTime.format(p.review().at().atZone(c.zone())));
        }

        String result(TimelineEntry i) {
            if (!(i.event() instanceof Reading)) {
                return "";
            }
            BreathAlcohol v = i.value();
            return v == null ? text("no.value") : mg(v) + " mg/l (" + text("approx") + " " + perMille(v) + " \u2030)";
        }

        String outcome(TimelineEntry i) {
            return i.event() instanceof Reading r ? text("outcome." + r.outcome().name()) : "";
        }

        String mg(BreathAlcohol v) {
            return decimal(v.milligramsPerLitre().setScale(3, RoundingMode.UNNECESSARY));
        }

        String perMille(BreathAlcohol v) {
            return decimal(v.perMille(c.client().perMilleFactor()).setScale(2, RoundingMode.HALF_UP));
        }

        String decimal(BigDecimal d) {
            String s = d.toPlainString();
            return c.language().equals("en") ? s : s.replace('.', ',');
        }

        /** A text of the bundle; every text goes through MessageFormat, so an apostrophe is written '' in the bundles. */
        String text(String key) {
            return format(key);
        }

        String format(String key, Object... args) {
            return new MessageFormat(texts.getString(key), locale).format(args);
        }

        // ------------------------------------------------------------------ drawing

        void newPage() throws IOException {
            if (cs != null) {
                cs.close();
            }
            PDPage page = new PDPage(PDRectangle.A4);
            doc.addPage(page);
            pages.add(page);
            cs = new PDPageContentStream(doc, page);
            y = TOP;
        }

        void need(float height) throws IOException {
            if (y - height < BOTTOM) {
                newPage();
            }
        }

        void footers() throws IOException {
            for (int p = 0; p < pages.size(); p++) {
                try (PDPageContentStream footer = new PDPageContentStream(doc, pages.get(p), PDPageContentStream.AppendMode.APPEND, true)) {
                    String label = c.client().displayName() + " - " + format("page", Integer.toString(p + 1), Integer.toString(pages.size()));
                    footer.beginText();
                    footer.setFont(regular, 7);
                    footer.newLineAtOffset(MARGIN, MARGIN - 10);
                    footer.showText(safe(regular, label));
                    footer.endText();
                }
            }
        }

        void line(String s, PDFont font, float size, float[] colour) throws IOException {
            need(size + 4);
            at(MARGIN, y - size, font, size, s, colour);
            y -= size + 4;
        }

        void labelled(String label, String value) throws IOException {
            need(13);
            at(MARGIN, y - 9, bold, 9, label + ":");
            at(MARGIN + 95, y - 9, regular, 9, value);
            y -= 13;
        }

        void paragraph(String s, float size, float[] colour) throws IOException {
            for (String l : wrap(s, regular, size, WIDTH)) {
                line(l, regular, size, colour);
                y += 2; // paragraph lines sit closer than headings
            }
            y -= 2;
        }

        void row(String[] cells, float[] cols, PDFont font, float size) throws IOException {
            row(cells, cols, font, size, null);
        }

        void row(String[] cells, float[] cols, PDFont font, float size, float[] colour) throws IOException {
            need(size + 4);
            for (int i = 0; i < cells.length; i++) {
                float room = (i + 1 < cols.length ? cols[i + 1] : WIDTH) - cols[i] - 4;
                at(MARGIN + cols[i], y - size, font, size, fit(cells[i], font, size, room), colour);
            }
            y -= size + 4;
        }

        void at(float x, float yy, PDFont font, float size, String s) throws IOException {
            at(x, yy, font, size, s, null);
        }

        void at(float x, float yy, PDFont font, float size, String s, float[] colour) throws IOException {
            cs.beginText();
            cs.setFont(font, size);
            float[] rgb = colour == null ? new float[] {0, 0, 0} : colour;
            cs.setNonStrokingColor(rgb[0], rgb[1], rgb[2]);
            cs.newLineAtOffset(x, yy);
            cs.showText(safe(font, s));
            cs.endText();
            cs.setNonStrokingColor(0f, 0f, 0f);
        }

        void color(float[] rgb) throws IOException {
            cs.setStrokingColor(rgb[0], rgb[1], rgb[2]);
            cs.setNonStrokingColor(rgb[0], rgb[1], rgb[2]);
        }

        void circle(float x, float cy, float r, float[] rgb, boolean filled) throws IOException {
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

        float width(PDFont font, float size, String s) throws IOException {
            return font.getStringWidth(safe(font, s)) / 1000 * size;
        }

        String fit(String s, PDFont font, float size, float room) throws IOException {
            if (width(font, size, s) <= room) {
                return s;
            }
            String cut = s;
            while (cut.length() > 1 && width(font, size, cut + "...") > room) {
                cut = cut.substring(0, cut.length() - 1);
            }
            return cut + "...";
        }

        List<String> wrap(String s, PDFont font, float size, float room) throws IOException {
            List<String> lines = new ArrayList<>();
            for (String para : s.split("\n")) {
                StringBuilder current = new StringBuilder();
                for (String word : para.split(" ")) {
                    String candidate = current.length() == 0 ? word : current + " " + word;
                    if (width(font, size, candidate) <= room || current.length() == 0) {
                        current.setLength(0);
                        current.append(fit(candidate, font, size, room));
                    } else {
                        lines.add(current.toString());
                        current.setLength(0);
                        current.append(fit(word, font, size, room));
                    }
                }
                lines.add(current.toString());
            }
            return lines;
        }

        /** {@code s} with every character the standard font cannot show replaced by '?', so no name or note breaks the report. */
        static String safe(PDFont font, String s) {
            StringBuilder out = new StringBuilder(s.length());
            s.codePoints().forEach(cp -> {
                String ch = new String(Character.toChars(cp));
                try {
                    font.encode(ch);
                    out.append(ch);
                } catch (IOException | IllegalArgumentException e) {
                    out.append('?');
                }
            });
            return out.toString();
        }
    }
}
