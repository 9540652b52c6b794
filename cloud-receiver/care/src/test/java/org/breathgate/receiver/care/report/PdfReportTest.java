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
    void names_the_standard_font_cannot_show_do_not_break_the_report_and_long_periods_get_more_pages() throws Exception {
        SampleMessages home = SampleMessages.of("home-0001");
        List<TimelineEntry> items = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            Instant at = FROM.plus(Duration.ofHours(12L * i + 6));
            SampleMessages s = home.at(at);
            EvidenceEvent e = i % 9 == 4 ? s.positiveReading(i + 1) : s.soberReading(i + 1);
            items.add(TestTimelines.entry(e, s.sign(e).compact(), at, null, null, java.util.Set.of()));
        }
        byte[] pdf = PdfReport.render(new PdfReport.Content(TestTimelines.view(Client.open("client-a", "Áile Ŋuolla \u2603", "sa-1"), FROM,
                TO, items, 0), Actor.parent("parent-a", "client-a"), TO, null, ZoneId.of("Europe/Helsinki"), "en"));
        try (PDDocument doc = Loader.loadPDF(pdf)) {
            assertTrue(doc.getNumberOfPages() >= 3, "60 events do not fit on one page: " + doc.getNumberOfPages());
            String text = new PDFTextStripper().getText(doc);
            assertTrue(text.contains("Áile ?uolla ?"), "characters outside the font's encoding become '?': " + text.substring(0, 300));
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
}
