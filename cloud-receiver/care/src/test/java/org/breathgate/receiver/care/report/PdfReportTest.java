package org.breathgate.receiver.care.report;

import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;
import org.breathgate.care.access.Actor;
import org.breathgate.care.access.Client;
import org.breathgate.protocol.EvidenceEvent;
import org.breathgate.protocol.PhotoAbsence;
import org.breathgate.protocol.Reading;
import org.breathgate.protocol.ReadingPhoto;
import org.breathgate.receiver.care.timeline.TestTimelines;
import org.breathgate.receiver.care.timeline.TimelineEntry;
import org.breathgate.receiver.care.photo.PhotoService;
import org.breathgate.receiver.care.photo.PhotoState;
import org.breathgate.receiver.care.photo.ReviewVerdict;
import org.breathgate.testkit.SampleMessages;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PdfReportTest {

    private static final Instant FROM = Instant.parse("2026-03-01T00:00:00Z");
    private static final Instant TO = Instant.parse("2026-04-01T00:00:00Z");

    private static Properties bundle(String lang) throws Exception {
        Properties p = new Properties();
        try (InputStream in = PdfReport.class.getResourceAsStream("/i18n/report_" + lang + ".properties")) {
            p.load(new java.io.InputStreamReader(in, java.nio.charset.StandardCharsets.UTF_8));
        }
        return p;
    }

    @Test
    void the_three_languages_have_the_same_texts() throws Exception {
        Properties en = bundle("en");
        assertEquals(en.stringPropertyNames(), bundle("fi").stringPropertyNames());
        assertEquals(en.stringPropertyNames(), bundle("sv").stringPropertyNames());
    }

    private static String text(byte[] pdf) throws Exception {
        try (PDDocument doc = Loader.loadPDF(pdf)) {
            return new PDFTextStripper().getText(doc);
        }
    }

    @Test
    void the_how_to_verify_page_lists_each_device_key_used_with_its_fingerprint_and_pem_in_each_language() throws Exception {
        SampleMessages home = SampleMessages.of("home-0001");
        Instant at = FROM.plus(Duration.ofHours(30));
        EvidenceEvent e = home.at(at).soberReading(1);
        List<TimelineEntry> items = List.of(TestTimelines.entry(e, home.at(at).sign(e).compact(), at, null, null, java.util.Set.of()));
        org.breathgate.protocol.VerificationKey key = org.breathgate.testkit.TestKeys.device("home-0001").verificationKey();
        String fingerprint = key.fingerprint();
        for (String lang : List.of("fi", "sv", "en")) {
            Properties texts = bundle(lang);
            String text = text(PdfReport.render(new PdfReport.Content(TestTimelines.view(Client.open("client-a", "Parent A", "sa-1"), FROM,
                    TO, items, 0), Actor.substanceAbuseWorker("worker-sa", "sa-1"), TO, null, ZoneId.of("Europe/Helsinki"), lang,
                    List.of(key))));
            assertTrue(text.contains(texts.getProperty("verify.title")), lang + ": " + text);
            assertTrue(text.contains("home-0001:1"), text);
            assertTrue(text.replace(" ", "").replace("\n", "").contains(fingerprint), "the whole fingerprint, to compare: " + text);
            assertTrue(text.contains("-----BEGIN PUBLIC KEY-----") && text.contains("-----END PUBLIC KEY-----"), text);
            for (String pemLine : key.toPem().strip().split("\\R")) {
                assertTrue(text.contains(pemLine), "PEM line " + pemLine + " in " + text);
            }
            assertTrue(text.contains("breathgate-verify --key device.pub.pem"), text);
        }
        String missing = text(PdfReport.render(new PdfReport.Content(TestTimelines.view(Client.open("client-a", "Parent A", "sa-1"), FROM,
                TO, items, 0), Actor.substanceAbuseWorker("worker-sa", "sa-1"), TO, null, ZoneId.of("Europe/Helsinki"), "en")));
        assertTrue(missing.contains(bundle("en").getProperty("verify.key_missing")), "a key not at hand is said to be so: " + missing);
    }

    @Test
    void each_event_says_whether_its_key_was_proven_to_be_held_in_a_tpm_in_each_language() throws Exception {
        SampleMessages home = SampleMessages.of("home-0001");
        Instant first = FROM.plus(Duration.ofHours(6));
        Instant second = FROM.plus(Duration.ofHours(30));
        String tpm = "TPM id:00001014 swtpm, EK certificate sha256:be5706e35720483c chaining to CN=swtpm-localca-rootca";
        List<TimelineEntry> items = List.of(
                TestTimelines.entry(home.at(first).soberReading(1), "x.y.z", first, new org.breathgate.receiver.care.timeline.SignatureCheck.Result(
                        "home-0001", "home-0001:1", 1, org.breathgate.receiver.care.timeline.SignatureCheck.Status.VERIFIED, "ES256",
                        org.breathgate.receiver.care.timeline.SignatureCheck.KeyHome.TPM_ATTESTED, tpm)),
                TestTimelines.entry(home.at(second).soberReading(2), "x.y.z", second, new org.breathgate.receiver.care.timeline.SignatureCheck.Result(
                        "home-0001", "home-0001:2", 2, org.breathgate.receiver.care.timeline.SignatureCheck.Status.VERIFIED, "ES256",
                        org.breathgate.receiver.care.timeline.SignatureCheck.KeyHome.SOFTWARE, null)));
        for (String lang : List.of("fi", "sv", "en")) {
            String text = text(PdfReport.render(new PdfReport.Content(TestTimelines.view(Client.open("client-a", "Parent A", "sa-1"), FROM, TO,
                    items, 0), Actor.substanceAbuseWorker("worker-sa", "sa-1"), TO, null, ZoneId.of("Europe/Helsinki"), lang)))
                    .replaceAll("\\s+", " ");
            Properties texts = bundle(lang);
            String attested = java.text.MessageFormat.format(texts.getProperty("key.tpm"), "ES256", tpm);
            String software = java.text.MessageFormat.format(texts.getProperty("key.software"), "ES256");
            assertTrue(text.contains(attested), lang + ": " + text);
            assertTrue(text.contains(software), lang + ": " + text);
        }
    }

    @Test
    void an_empty_period_says_so_in_each_language() throws Exception {
        for (String lang : List.of("fi", "sv", "en")) {
            byte[] pdf = PdfReport.render(new PdfReport.Content(TestTimelines.view(Client.open("client-a", "Parent A", "sa-1"), FROM, TO,
                    List.of(), 0), Actor.substanceAbuseWorker("worker-sa", "sa-1"), TO, null, ZoneId.of("Europe/Helsinki"), lang));
            String text = text(pdf);
            Properties texts = bundle(lang);
            assertTrue(text.contains(texts.getProperty("no.events")), lang + ": " + text);
            assertTrue(text.contains(texts.getProperty("no.weeks")), lang + ": " + text);
        }
    }

    @Test
    void characters_the_font_lacks_do_not_break_the_report_and_long_periods_get_more_pages() throws Exception {
        SampleMessages home = SampleMessages.of("home-0001");
        List<TimelineEntry> items = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            Instant at = FROM.plus(Duration.ofHours(12L * i + 6));
            SampleMessages s = home.at(at);
            EvidenceEvent e = i % 9 == 4 ? s.positiveReading(i + 1) : s.soberReading(i + 1);
            items.add(TestTimelines.entry(e, s.sign(e).compact(), at, null, null, java.util.Set.of()));
        }
        byte[] pdf = PdfReport.render(new PdfReport.Content(TestTimelines.view(Client.open("client-a", "Áile Ŋuolla \u6F22", "sa-1"), FROM,
                TO, items, 0), Actor.parent("parent-a", "client-a"), TO, null, ZoneId.of("Europe/Helsinki"), "en"));
        try (PDDocument doc = Loader.loadPDF(pdf)) {
            assertTrue(doc.getNumberOfPages() >= 3, "60 events do not fit on one page: " + doc.getNumberOfPages());
            String text = new PDFTextStripper().getText(doc);
            assertTrue(text.contains("Áile Ŋuolla ?"), "Sámi letters print; a CJK character the font lacks becomes '?': " + text.substring(0, 300));
            assertTrue(text.contains("#60 Scheduled test"), text);
            assertTrue(text.contains("Page 3 of"), text);
        }
    }

    @Test
    void each_reading_says_its_photo_state_and_a_child_protection_report_leaves_out_the_verdict() throws Exception {
        SampleMessages home = SampleMessages.of("home-0001");
        String hash = "ab".repeat(32);
        List<TimelineEntry> items = new ArrayList<>();
        Instant reviewedAt = FROM.plus(Duration.ofDays(3));
        PhotoState[] states = {
            new PhotoState(PhotoState.Kind.NOT_TAKEN, PhotoAbsence.CAMERA_TIMEOUT, null),
            new PhotoState(PhotoState.Kind.NOT_RECEIVED, null, null),
            new PhotoState(PhotoState.Kind.SET_ASIDE, null, null),
            new PhotoState(PhotoState.Kind.WAITING, null, null),
            new PhotoState(PhotoState.Kind.REVIEWED, null, new PhotoService.Review(ReviewVerdict.DOES_NOT_MATCH, "Someone else blew", "sanna.sa",
                    reviewedAt)),
        };
        for (int i = 0; i < states.length; i++) {
            Instant at = FROM.plus(Duration.ofDays(i + 1));
            SampleMessages s = home.at(at);
            ReadingPhoto statement = states[i].kind() == PhotoState.Kind.NOT_TAKEN ? new ReadingPhoto.NotTaken(PhotoAbsence.CAMERA_TIMEOUT)
                    : new ReadingPhoto.Taken(hash, 1000, ReadingPhoto.JPEG);
            Reading r = s.soberReading(i + 1).withPhoto(statement);
            items.add(TestTimelines.entry(r, s.sign(r).compact(), at, null, states[i], java.util.Set.of()));
        }
        Client client = Client.open("client-a", "Parent A", "sa-1");
        ZoneId zone = ZoneId.of("Europe/Helsinki");
        for (String lang : List.of("fi", "sv", "en")) {
            Properties texts = bundle(lang);
            String text = text(PdfReport.render(new PdfReport.Content(TestTimelines.view(client, FROM, TO, items, 0),
                    Actor.substanceAbuseWorker("sanna.sa", "sa-1"), TO, null, zone, lang))).replaceAll("\\s+", " ");
            for (String key : List.of("photo.not_received", "photo.set_aside", "photo.waiting")) {
                assertTrue(text.contains(texts.getProperty(key)), lang + " " + key + ": " + text);
            }
            String reason = texts.getProperty("photo.absence.camera_timeout");
            assertTrue(text.contains(texts.getProperty("photo.not_taken").replace("{0}", reason)), lang + ": " + text);
            String verdict = texts.getProperty("photo.reviewed.does_not_match");
            assertTrue(text.contains(verdict.substring(0, verdict.indexOf('{')) + "sanna.sa"), lang + ": " + text);
            assertTrue(!text.contains(texts.getProperty("photo.stored")), lang + ": " + text);
            assertTrue(!text.contains("Someone else blew"), "the review note stays with the review: " + text);
        }
        String cp = text(PdfReport.render(new PdfReport.Content(TestTimelines.childProtectionView(client, FROM, TO, items, 0),
                Actor.childProtectionWorker("kalle.cp1", "cp-1"), TO, null, zone, "en"))).replaceAll("\\s+", " ");
        assertTrue(cp.contains("Photo: taken."), cp);
        assertTrue(cp.contains("Photo: none (the camera did not take the photo in time)."), cp);
        assertTrue(!cp.contains("does not match") && !cp.contains("waiting for review") && !cp.contains("sanna.sa"), cp);
    }

    // ------------------------------------------------------------------ accessibility (issue 22): one font, tagged

    private static final ZoneId HELSINKI = ZoneId.of("Europe/Helsinki");
    private static final String SAMI = "Áilu Čuđe";

    /** A report of a client with a Sámi name: a sober test, a positive and its retest, a missed test. */
    private static byte[] samiReport(String lang) {
        SampleMessages home = SampleMessages.of("home-0001");
        List<TimelineEntry> items = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Instant at = FROM.plus(Duration.ofDays(i + 1));
            SampleMessages s = home.at(at);
            EvidenceEvent e = i == 1 ? s.positiveReading(i + 1) : s.soberReading(i + 1);
            items.add(TestTimelines.entry(e, s.sign(e).compact(), at, null, null, java.util.Set.of()));
        }
        return PdfReport.render(new PdfReport.Content(TestTimelines.view(Client.open("client-s", SAMI, "sa-1"), FROM, TO, items, 0),
                Actor.substanceAbuseWorker("sanna.sa", "sa-1"), TO, null, HELSINKI, lang));
    }

    @Test
    void a_northern_sami_name_prints_exactly_as_pdftotext_reads_it() throws Exception {
        java.nio.file.Path pdftotext = java.nio.file.Path.of("/usr/bin/pdftotext");
        org.junit.jupiter.api.Assumptions.assumeTrue(java.nio.file.Files.isExecutable(pdftotext),
                "needs poppler-utils' pdftotext (apt-get install poppler-utils; .ci/run installs it)");
        java.nio.file.Path file = java.nio.file.Files.createTempFile("breathgate-report-", ".pdf");
        try {
            java.nio.file.Files.write(file, samiReport("fi"));
            Process p = new ProcessBuilder(pdftotext.toString(), "-enc", "UTF-8", file.toString(), "-").redirectErrorStream(true).start();
            String text = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertEquals(0, p.waitFor(), text);
            assertTrue(text.contains(SAMI + " (client-s)"), "pdftotext reads the name as written: " + text.substring(0, Math.min(400, text.length())));
            assertTrue(!text.contains("?uđe") && !text.contains("?u?e"), text);
        } finally {
            java.nio.file.Files.deleteIfExists(file);
        }
    }

    @Test
    void the_report_embeds_one_font_with_the_sami_letters() throws Exception {
        try (PDDocument doc = Loader.loadPDF(samiReport("fi"))) {
            java.util.Set<String> fonts = new java.util.TreeSet<>();
            for (org.apache.pdfbox.pdmodel.PDPage page : doc.getPages()) {
                for (org.apache.pdfbox.cos.COSName name : page.getResources().getFontNames()) {
                    org.apache.pdfbox.pdmodel.font.PDFont font = page.getResources().getFont(name);
                    assertTrue(font.isEmbedded(), font.getName() + " is embedded");
                    fonts.add(font.getName().replaceFirst("^[A-Z]{6}\\+", ""));
                }
            }
            assertEquals(java.util.Set.of("DejaVuSans"), fonts, "one font, embedded as a subset");
        }
    }

    /** The structure tree as text: each element's type (and alternative text, header scope), nested by indentation. */
    private static void outline(org.apache.pdfbox.pdmodel.documentinterchange.logicalstructure.PDStructureNode node, String indent,
                                StringBuilder out) {
        for (Object kid : node.getKids()) {
            if (kid instanceof org.apache.pdfbox.pdmodel.documentinterchange.logicalstructure.PDStructureElement e) {
                out.append(indent).append(e.getStructureType());
                if (e.getAlternateDescription() != null) {
                    out.append(" alt=").append(e.getAlternateDescription());
                }
                var attributes = e.getAttributes();
                for (int i = 0; i < attributes.size(); i++) {
                    Object a = attributes.getObject(i);
                    if (a instanceof org.apache.pdfbox.pdmodel.documentinterchange.taggedpdf.PDTableAttributeObject t && t.getScope() != null) {
                        out.append(" scope=").append(t.getScope());
                    }
                }
                out.append('\n');
                outline(e, indent + "  ", out);
            }
        }
    }

    @Test
    void the_report_is_tagged_with_language_title_headings_tables_with_header_cells_and_the_charts_text_alternative() throws Exception {
        for (String lang : List.of("fi", "sv", "en")) {
            Properties texts = bundle(lang);
            try (PDDocument doc = Loader.loadPDF(samiReport(lang))) {
                var catalog = doc.getDocumentCatalog();
                assertEquals(lang, catalog.getLanguage(), "document language");
                assertTrue(catalog.getMarkInfo() != null && catalog.getMarkInfo().isMarked(), "marked as tagged");
                assertTrue(catalog.getViewerPreferences().displayDocTitle(), "the title, not the file name, in the window");
                assertTrue(doc.getDocumentInformation().getTitle().endsWith(SAMI), doc.getDocumentInformation().getTitle());
                String xmp = new String(catalog.getMetadata().toByteArray(), java.nio.charset.StandardCharsets.UTF_8);
                assertTrue(xmp.contains("pdfuaid:part") && xmp.contains(SAMI), "XMP names PDF/UA part 1 and the title: " + xmp);

                StringBuilder tree = new StringBuilder();
                outline(catalog.getStructureTreeRoot(), "", tree);
                String t = tree.toString();
                assertTrue(t.startsWith("Document\n  H1\n  P\n"), lang + ": the title heads the document\n" + t);
                assertEquals(4, t.split("\n  H2\n", -1).length - 1, lang + ": chart, weeks, events and how to verify are sections\n" + t);
                assertTrue(t.contains("\n  H3\n"), lang + ": each device key has its own heading\n" + t);
                assertTrue(t.contains("  Figure alt=" + org.breathgate.receiver.care.chart.ChartModel.of(
                        TestTimelines.view(Client.open("client-s", SAMI, "sa-1"), FROM, TO, List.of(), 0), lang, HELSINKI).summary().substring(0, 10)),
                        lang + ": the chart is a figure with its summary as alternative text\n" + t);
                assertEquals(2, t.split("\n  Table\n", -1).length - 1, lang + ": two real tables\n" + t);
                assertTrue(t.contains("  Table\n    TR\n      TH scope=Column\n"), lang + ": column headers\n" + t);
                assertTrue(t.contains("    TR\n      TH scope=Row\n      TD\n"), lang + ": a week's row names its week\n" + t);
                assertTrue(t.contains("TD\n"), t);

                // Every piece of text on the pages belongs to an element or is an artifact (PDF/UA: nothing untagged).
                for (org.apache.pdfbox.pdmodel.PDPage page : doc.getPages()) {
                    assertTrue(page.getStructParents() >= 0, "each page is in the parent tree");
                }
                var stripper = new org.apache.pdfbox.text.PDFMarkedContentExtractor();
                stripper.processPage(doc.getPage(0));
                StringBuilder untagged = new StringBuilder();
                for (var mc : stripper.getMarkedContents()) {
                    if (mc.getMCID() < 0 && !"Artifact".equals(mc.getTag())) {
                        untagged.append(mc.getTag()).append(' ');
                    }
                }
                assertEquals("", untagged.toString().strip(), lang + ": top-level content without an id");
                assertTrue(text(samiReport(lang)).contains(texts.getProperty("title")));
            }
        }
    }
}
