package org.breathgate.receiver.care.report;

import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDDocumentInformation;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.documentinterchange.logicalstructure.PDStructureElement;
import org.apache.pdfbox.pdmodel.documentinterchange.taggedpdf.PDTableAttributeObject;
import org.apache.pdfbox.pdmodel.font.PDFont;
import org.apache.pdfbox.pdmodel.font.PDType0Font;
import org.apache.pdfbox.pdmodel.graphics.state.RenderingMode;
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
import org.breathgate.receiver.care.photo.PhotoState;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
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
import java.util.Optional;
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
 * <p>The PDF is tagged for screen readers (PDF/UA-1 as far as PDFBox 3 allows, {@link PdfTags}): its language and title,
 * headings, the weekly and event tables with header cells, the chart as a figure with the chart's one-sentence summary as
 * its alternative text, page numbers as artifacts. One font is embedded (subset), DejaVu Sans ({@value #FONT}, from Debian's
 * fonts-dejavu-core; Bitstream Vera licence with public-domain DejaVu changes, which allows bundling it with software under
 * the EUPL: {@code fonts/DejaVuSans-LICENSE.txt}), so every Latin letter prints as written, the Northern Sámi ones
 * included (Áilu Čuđe); headings are the same face drawn bolder (fill and stroke), so there is only one font to embed. A
 * character the font lacks prints as {@code ?} rather than breaking the report.
 *
 * <p>Adding a section keeps the tags right by drawing through the writer: {@code heading(text, 2, size)} starts an
 * {@code H2}, {@code paragraph(...)} and {@code labelled(...)} a {@code P} each, {@code row(table, ...)} a {@code TR} of
 * {@code TH}/{@code TD} cells under a {@code Table} from {@code tags.element("Table", tags.document())}; {@code at(...)}
 * draws text as content of the current element ({@code tag}). Lines and shapes that carry no text go inside a
 * {@code Figure} with an alternative text, or are marked {@code PdfTags.beginArtifact(cs, "Layout")}: nothing on a page
 * may be left outside both (PDF/UA); {@code PdfReportTest} checks that every top-level marked sequence has an id or is an
 * artifact.
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
     * @param keys       the public keys of the devices that signed the events shown (each key id once), for the "how to
     *                   verify" page: key id, SHA-256 fingerprint and PEM
     */
    public record Content(TimelineView timeline, Actor requester, Instant producedAt, ConsentVersion basis, ZoneId zone,
                          String language, List<org.breathgate.protocol.VerificationKey> keys) {

        /** A report without the "how to verify" keys (they are listed as not at hand). */
        public Content(TimelineView timeline, Actor requester, Instant producedAt, ConsentVersion basis, ZoneId zone, String language) {
            this(timeline, requester, producedAt, basis, zone, language, List.of());
        }

        public Content {
            keys = List.copyOf(Objects.requireNonNull(keys, "keys"));
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
    private static final float[] GREY = {0.4f, 0.4f, 0.4f};
    /** The one font the report embeds (a resource of this module). */
    static final String FONT = "/fonts/DejaVuSans.ttf";

    /** The report's two weights of its one font: bold is drawn by filling and stroking the glyphs. */
    enum Face {
        REGULAR, BOLD
    }

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
        final PDFont font;
        final Face regular = Face.REGULAR;
        final Face bold = Face.BOLD;
        PdfTags tags;
        PDPage page;
        /** The structure element the text drawn next belongs to. */
        PDStructureElement tag;
        final DateTimeFormatter dateTime;
        final DateTimeFormatter date;
        final List<PDPage> pages = new ArrayList<>();
        PDPageContentStream cs;
        float y;

        Writer(PDDocument doc, Content content) throws IOException {
            this.doc = doc;
            try (InputStream in = PdfReport.class.getResourceAsStream(FONT)) {
                if (in == null) {
                    throw new IllegalStateException("the receiver jar lacks " + FONT);
                }
                this.font = PDType0Font.load(doc, in, true);
            }
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
            tags = new PdfTags(doc, c.language(), info.getTitle(), c.requester().userId(), produced);
            newPage();
            header();
            chart();
            weeks();
            table();
            y -= 6;
            paragraph(text("verification.note"), 8, GREY);
            howToVerify();
            cs.close();
            footers();
            tags.finish();
        }

        /**
         * "How to verify", on a page of its own: every device key that signed an event shown, as its key id, its SHA-256
         * fingerprint (SHA-256 of the raw key, {@code VerificationKey.fingerprint()}) and PEM, and how to check
         * an event with them offline.
         */
        void howToVerify() throws IOException {
            newPage();
            heading(text("verify.title"), 2, 11);
            paragraph(text("verify.intro"), 9, null);
            paragraph("breathgate-verify --key device.pub.pem --file reading.jws", 9, null);
            java.util.Set<String> used = new java.util.TreeSet<>();
            for (TimelineEntry i : c.items()) {
                used.add(i.stored().keyId().toString());
            }
            if (used.isEmpty()) {
                paragraph(text("verify.no_events"), 9, null);
                return;
            }
            for (String keyId : used) {
                need(120);
                y -= 4;
                heading(format("verify.key", keyId), 3, 10);
                Optional<org.breathgate.protocol.VerificationKey> key = c.keys().stream()
                        .filter(k -> k.keyId().toString().equals(keyId)).findFirst();
                if (key.isEmpty()) {
                    paragraph(text("verify.key_missing"), 9, RED);
                    continue;
                }
                paragraph(text("verify.fingerprint") + " " + grouped(key.get().fingerprint()), 9, null);
                for (String line : key.get().toPem().strip().split("\\R")) {
                    paragraph(line, 8, null);
                }
            }
        }

        /** A hex fingerprint in groups of four, to read aloud and compare. */
        static String grouped(String hex) {
            StringBuilder out = new StringBuilder();
            for (int k = 0; k < hex.length(); k += 4) {
                out.append(k == 0 ? "" : " ").append(hex, k, Math.min(k + 4, hex.length()));
            }
            return out.toString();
        }

        /** A heading of {@code level} (1 for the report's title, 2 for a section). */
        void heading(String s, int level, float size) throws IOException {
            tag = tags.element("H" + level, tags.document());
            line(s, bold, size, null);
        }

        // ------------------------------------------------------------------ sections

        void header() throws IOException {
            heading(text("title"), 1, 16);
            y -= 4;
            labelled(text("client"), c.client().displayName() + " (" + c.client().id() + ")");
            labelled(text("period"), date.format(c.from().atZone(c.zone())) + " - "
                    + date.format(c.to().minusMillis(1).atZone(c.zone())) + " (" + c.zone().getId() + ")");
            labelled(text("requester"), c.requester().userId() + ", " + text("role." + c.requester().role().name()));
            labelled(text("generated"), dateTime.format(c.producedAt().atZone(c.zone())));
            BreathAlcohol threshold = c.client().alertThreshold();
            labelled(text("threshold"), mg(threshold) + " mg/L (" + text("approx") + " " + perMille(threshold) + " \u2030, "
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
            if (c.requester().role() != org.breathgate.care.access.Role.CHILD_PROTECTION_WORKER) {
                // A child-protection worker's report says what consent covers (above), never how much it leaves out.
                paragraph(c.withheld() > 0 ? format("withheld", Integer.toString(c.withheld())) : text("nothing.withheld"), 9,
                        c.withheld() > 0 ? RED : null);
            }
            y -= 6;
        }

        /** The chart: drawn by {@link PdfChart} from the same {@link Chart} the web page draws. */
        void chart() throws IOException {
            Chart chart = ChartModel.of(c.timeline(), c.language(), c.zone());
            need(PdfChart.HEIGHT);
            heading(chart.title(), 2, 11);
            PDStructureElement figure = tags.element("Figure", tags.document());
            figure.setAlternateDescription(chart.summary());
            y = new PdfChart(cs, font, tags, page, figure).draw(chart, MARGIN, MARGIN + WIDTH, y) - 20;
        }

        void weeks() throws IOException {
            List<WeeklyCompliance.Week> weeks = WeeklyCompliance.of(c.items(), c.zone());
            need(50);
            heading(text("weeks"), 2, 11);
            if (weeks.isEmpty() || weeks.stream().allMatch(w -> w.scheduled() == 0 && w.missed() == 0 && w.positives() == 0)) {
                paragraph(text("no.weeks"), 9, null);
                y -= 8;
                return;
            }
            String[] head = {text("week"), text("scheduled"), text("taken"), text("late"), text("missed"), text("excused"), text("positives")};
            float[] cols = {0, 130, 195, 250, 320, 380, 450};
            PDStructureElement table = tags.element("Table", tags.document());
            row(table, head, cols, bold, 8, null, true, false);
            for (WeeklyCompliance.Week w : weeks) {
                need(12);
                row(table, new String[] {w.label() + " (" + date.format(w.monday()) + ")", Integer.toString(w.scheduled()),
                        Integer.toString(w.taken()), Integer.toString(w.late()), Integer.toString(w.missed()),
                        Integer.toString(w.excused()), Integer.toString(w.positives())}, cols, regular, 8, null, false, true);
            }
            y -= 10;
        }

        void table() throws IOException {
            need(40);
            heading(text("table"), 2, 11);
            if (c.items().isEmpty()) {
                paragraph(text("no.events"), 9, null);
                return;
            }
            float[] cols = {0, 95, 270, 400};
            PDStructureElement table = tags.element("Table", tags.document());
            row(table, new String[] {text("col.time"), text("col.event"), text("col.result"), text("col.outcome")}, cols, bold, 8, null, true,
                    false);
            for (TimelineEntry i : c.items()) {
                List<String> details = new ArrayList<>();
                details.add(format("verified", i.deviceId(), i.stored().keyId().toString(),
                        dateTime.format(i.stored().receivedAt().atZone(c.zone()))));
                if (i.signature().verified()) {
                    details.add(i.signature().hardwareBound() ? format("key.tpm", i.signature().algorithm(), i.signature().tpm())
                            : format("key.software", i.signature().algorithm()));
                }
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
                PDStructureElement[] cells = row(table, new String[] {time, "#" + i.seq() + " " + eventName(i), result(i), outcome(i)}, cols,
                        regular, 8, colour, false, false);
                tag = cells[1]; // how the event was verified belongs to the event's cell
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
                        return text(i.late() ? "event.late" : i.onDemand() ? "event.on_demand" : i.random() ? "event.random"
                                : i.requested() ? "event.requested" : "event.scheduled");
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
            return v == null ? text("no.value") : mg(v) + " mg/L (" + text("approx") + " " + perMille(v) + " \u2030)";
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
            page = new PDPage(PDRectangle.A4);
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
                    PdfTags.beginArtifact(footer, "Pagination");
                    footer.beginText();
                    footer.setFont(font, 7);
                    footer.newLineAtOffset(MARGIN, MARGIN - 10);
                    footer.showText(safe(font, label));
                    footer.endText();
                    footer.endMarkedContent();
                }
            }
        }

        void line(String s, Face font, float size, float[] colour) throws IOException {
            need(size + 4);
            at(MARGIN, y - size, font, size, s, colour);
            y -= size + 4;
        }

        void labelled(String label, String value) throws IOException {
            need(13);
            tag = tags.element("P", tags.document());
            at(MARGIN, y - 9, bold, 9, label + ":");
            at(MARGIN + 95, y - 9, regular, 9, value);
            y -= 13;
        }

        void paragraph(String s, float size, float[] colour) throws IOException {
            tag = tags.element("P", tags.document());
            for (String l : wrap(s, regular, size, WIDTH)) {
                line(l, regular, size, colour);
                y += 2; // paragraph lines sit closer than headings
            }
            y -= 2;
        }

        /**
         * One row of {@code table}: a {@code TR} whose cells are column headers ({@code header}), or data cells whose first is
         * the row's header ({@code rowHeader}).
         *
         * @return the row's cell elements
         */
        PDStructureElement[] row(PDStructureElement table, String[] cells, float[] cols, Face font, float size, float[] colour, boolean header,
                                 boolean rowHeader) throws IOException {
            need(size + 4);
            PDStructureElement tr = tags.element("TR", table);
            PDStructureElement[] out = new PDStructureElement[cells.length];
            for (int i = 0; i < cells.length; i++) {
                out[i] = header ? tags.headerCell(tr, PDTableAttributeObject.SCOPE_COLUMN)
                        : rowHeader && i == 0 ? tags.headerCell(tr, PDTableAttributeObject.SCOPE_ROW) : tags.element("TD", tr);
                tag = out[i];
                float room = (i + 1 < cols.length ? cols[i + 1] : WIDTH) - cols[i] - 4;
                if (!cells[i].isEmpty()) {
                    at(MARGIN + cols[i], y - size, font, size, fit(cells[i], font, size, room), colour);
                }
            }
            y -= size + 4;
            return out;
        }

        void at(float x, float yy, Face face, float size, String s) throws IOException {
            at(x, yy, face, size, s, null);
        }

        /** Draws {@code s} as content of the current structure element ({@link #tag}). */
        void at(float x, float yy, Face face, float size, String s, float[] colour) throws IOException {
            tags.begin(cs, page, tag, null);
            cs.beginText();
            cs.setFont(font, size);
            float[] rgb = colour == null ? new float[] {0, 0, 0} : colour;
            cs.setNonStrokingColor(rgb[0], rgb[1], rgb[2]);
            if (face == Face.BOLD) {
                cs.setStrokingColor(rgb[0], rgb[1], rgb[2]);
                cs.setLineWidth(size / 28f);
                cs.setRenderingMode(RenderingMode.FILL_STROKE);
            }
            cs.newLineAtOffset(x, yy);
            cs.showText(safe(font, s));
            cs.endText();
            if (face == Face.BOLD) {
                cs.setRenderingMode(RenderingMode.FILL);
                cs.setStrokingColor(0f, 0f, 0f);
            }
            cs.setNonStrokingColor(0f, 0f, 0f);
            cs.endMarkedContent();
        }

        float width(Face face, float size, String s) throws IOException {
            return font.getStringWidth(safe(font, s)) / 1000 * size;
        }

        String fit(String s, Face font, float size, float room) throws IOException {
            if (width(font, size, s) <= room) {
                return s;
            }
            String cut = s;
            while (cut.length() > 1 && width(font, size, cut + "...") > room) {
                cut = cut.substring(0, cut.length() - 1);
            }
            return cut + "...";
        }

        List<String> wrap(String s, Face font, float size, float room) throws IOException {
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

    }

    /** {@code s} with every character the font cannot show replaced by '?', so no name or note breaks the report. */
    static String safe(PDFont font, String s) {
        StringBuilder out = new StringBuilder(s.length());
        s.codePoints().forEach(cp -> {
            String ch = new String(Character.toChars(cp));
            if (!hasGlyph(font, cp)) {
                out.append('?');
                return;
            }
            try {
                font.encode(ch);
                out.append(ch);
            } catch (IOException | IllegalArgumentException e) {
                out.append('?');
            }
        });
        return out.toString();
    }

    /** Whether the embedded font draws {@code codePoint} (PDFBox would otherwise draw its empty "missing" glyph). */
    private static boolean hasGlyph(PDFont font, int codePoint) {
        if (font instanceof PDType0Font t0 && t0.getDescendantFont() instanceof org.apache.pdfbox.pdmodel.font.PDCIDFontType2 cid) {
            try {
                return Character.isWhitespace(codePoint) || cid.getTrueTypeFont().getUnicodeCmapLookup().getGlyphId(codePoint) > 0;
            } catch (IOException e) {
                return false;
            }
        }
        return true;
    }
}
