package org.breathgate.receiver.web.api;

import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;
import org.breathgate.protocol.ClockFacts;
import org.breathgate.protocol.Outcome;
import org.breathgate.protocol.Reading;
import org.breathgate.protocol.TestReason;
import org.breathgate.receiver.evidence.db.TestDatabases;
import org.breathgate.testkit.SampleMessages;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

import static org.breathgate.receiver.web.api.ApiServer.CP1;
import static org.breathgate.receiver.web.api.ApiServer.PARENT;
import static org.breathgate.receiver.web.api.ApiServer.SA;
import static org.breathgate.receiver.web.api.ApiServer.body;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The PDF report through the API, read back with PDFBox's text extraction. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReportIT {

    static final String PERIOD = "?from=2026-02-23&to=2026-03-15";

    private final TestDatabases databases = new TestDatabases();
    private ApiServer server;

    @BeforeAll
    void start() throws Exception {
        server = new ApiServer(databases, ApiAuthorisationIT.CONSENT_RECORDED);
        // Consent to cp-1 from 1 March; a sober test on 27 February (outside), a positive with its failed retest
        // and a missed test on 9 March (inside), a tamper signal (never for child protection), and a test whose
        // device clock was not synchronised.
        HttpResponse<String> consent = server.json("POST", server.login(SA), "/api/v1/clients/client-a/consents",
                ApiAuthorisationIT.CONSENT_BODY);
        assertEquals(201, consent.statusCode(), consent.body());
        ingest(ApiAuthorisationIT.BEFORE_PERIOD, d -> d.soberReading(1));
        ingest(ApiAuthorisationIT.POSITIVE_AT, d -> d.positiveReading(2));
        ingest(ApiAuthorisationIT.RETEST_AT, d -> {
            Reading t = d.positiveReading(3);
            return new Reading(t.deviceId(), 3, t.clock(), new TestReason.Retest(2, 2, 1), Outcome.FAIL, SampleMessages.POSITIVE_VALUE,
                    SampleMessages.THRESHOLD, null, 4_300, 217, t.sensor());
        });
        ingest(ApiAuthorisationIT.MISSED_AT, d -> d.missedTest(4));
        ingest(Instant.parse("2026-03-10T07:00:00Z"), d -> d.tamper(5));
        Instant unsynced = Instant.parse("2026-03-11T06:00:00Z");
        SampleMessages device = server.home.at(unsynced);
        Reading sober = device.soberReading(6);
        Reading drifting = new Reading(sober.deviceId(), 6, new ClockFacts(unsynced.minusSeconds(3600), SampleMessages.BOOT_ID, 1_000, false),
                sober.reason(), Outcome.PASS, sober.breathAlcohol(), sober.threshold(), null, 4_000, 210, sober.sensor());
        server.clock.set(unsynced);
        server.ingest(device.sign(drifting), unsynced);
        server.clock.set(Instant.parse("2026-03-16T09:00:00Z"));
    }

    private void ingest(Instant at, java.util.function.Function<SampleMessages, org.breathgate.protocol.Message> event) throws Exception {
        SampleMessages device = server.home.at(at);
        server.clock.set(at.plusSeconds(5));
        server.ingest(device.sign(event.apply(device)), at.plusSeconds(5));
    }

    @AfterAll
    void stop() {
        server.close();
        databases.close();
    }

    private String reportText(ApiServer.Browser b, String lang) throws Exception {
        HttpResponse<byte[]> r = server.getBytes(b, "/api/v1/clients/client-a/report.pdf" + PERIOD + "&lang=" + lang);
        assertEquals(200, r.statusCode());
        assertEquals("application/pdf", r.headers().firstValue("Content-Type").orElseThrow());
        // Kept as test output (<build dir>/test-output/), for a person to look at the chart.
        Path classes = Path.of(ReportIT.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path out = Files.createDirectories(classes.getParent().resolve("test-output"));
        Files.write(out.resolve("report-" + lang + ".pdf"), r.body());
        try (PDDocument pdf = Loader.loadPDF(r.body())) {
            return new PDFTextStripper().getText(pdf);
        }
    }

    @Test
    void the_substance_abuse_workers_report_has_everything_with_how_it_was_verified() throws Exception {
        long before = server.auditCount("report.exported");
        String text = reportText(server.login(SA), "en");
        assertTrue(text.contains("Breath test report"), text);
        assertTrue(text.contains("Parent A (client-a)"), text);
        assertTrue(text.contains("0.250 mg/L (about 0.57 \u2030)"), text);
        assertTrue(text.contains("Retest 1 of #2"), text);
        assertTrue(text.contains("Missed test"), text);
        assertTrue(text.contains("Tamper or fault"), text);
        assertTrue(text.contains("Device home-0001, key home-0001:1: signature verified on receipt"), text);
        assertTrue(text.contains("Device clock NOT synchronised"), text);
        assertTrue(text.contains("Every event of the period that was received is in this report."), text);
        assertTrue(text.contains("Weekly compliance"), text);
        assertTrue(text.contains("2026-W11"), text);
        assertEquals(before + 1, server.auditCount("report.exported"));
    }

    @Test
    void a_child_protection_workers_report_holds_only_what_consent_covers_and_says_so() throws Exception {
        String text = reportText(server.login(CP1), "fi");
        assertTrue(text.contains("Puhalluskoeraportti"), text);
        assertTrue(text.contains("0,250 mg/L (noin 0,57 \u2030)"), text);
        assertTrue(text.contains("vain se, minkä vanhemman suostumus kattaa"), text);
        assertTrue(text.contains("Jaettu vanhemman suostumuksella consent-1, versio 1, voimassa 1.3.2026 klo 2.00 - 1.6.2026 klo 3.00."), text);
        assertFalse(text.contains("puuttuu"), "no count of what the consent leaves out (the test of 27 February, the tamper"
                + " signal): a count would hint at what the parent did not share: " + text);
        assertFalse(text.contains("#1 "), "the test before the consented period: " + text);
        assertFalse(text.contains("Peukalointi tai vika"), text);
        assertFalse(text.contains("#5 "), text);
        assertTrue(text.contains("Laitteen kello EI ollut ajassa"), text);
    }

    @Test
    void the_parent_gets_their_own_report_in_swedish() throws Exception {
        String text = reportText(server.login(PARENT), "sv");
        assertTrue(text.contains("Rapport om utandningsprov"), text);
        assertTrue(text.contains("signaturen kontrollerad"), text);
        assertTrue(text.contains("Genomförande per vecka"), text);
    }

    @Test
    void an_unknown_language_is_refused() throws Exception {
        HttpResponse<String> r = server.get(server.login(SA), "/api/v1/clients/client-a/report.pdf?lang=de");
        assertEquals(400, r.statusCode());
        assertEquals("invalid_request", body(r).get("error").asText());
    }
}
