package org.breathgate.receiver.app.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.breathgate.receiver.care.timeline.TimelineEntry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.WebElement;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

import static org.breathgate.receiver.app.web.UiDeployment.CP1;
import static org.breathgate.receiver.app.web.UiDeployment.DEVICE;
import static org.breathgate.receiver.app.web.UiDeployment.PARENT;
import static org.breathgate.receiver.app.web.UiDeployment.PASSWORD;
import static org.breathgate.receiver.app.web.UiDeployment.SA;
import static org.breathgate.receiver.app.web.UiDeployment.ZONE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The parent's own word through the web in headless Chromium on a real SQLite receiver, every page checked with axe-core
 * (the {@link Browser} does that on each load): the parent explains a positive test from their timeline and announces a
 * planned absence that covers a missed test; the substance-abuse worker accepts it on the timeline; the worker's page, the
 * API's timeline and the PDF report (read with {@code pdftotext}) then say the same words; a child-protection worker sees the
 * explanation and the mark on the missed test, but not the absence's own words; the parent reads the decision. The tests run
 * in order, each seeing what the one before did.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ParentWordIT {

    private static final String OWN_WORDS = "Gargled before the test";
    private static final String ABSENCE_WORDS = "Knee operation at the central hospital";

    private UiDeployment deployment;
    private Browser browser;

    @BeforeAll
    void start() throws Exception {
        deployment = new UiDeployment();
        browser = new Browser(deployment.baseUrl, Path.of(System.getProperty("bg.build.directory", "target")).resolve("screenshots"));
    }

    @AfterAll
    void stop() {
        if (browser != null) {
            browser.close();
        }
        if (deployment != null) {
            deployment.close();
        }
    }

    private String row(long seq) {
        return "#" + TimelineEntry.anchor(DEVICE, seq);
    }

    @Test
    @Order(1)
    void the_parent_explains_a_positive_test_from_their_own_timeline() {
        browser.signIn(PARENT.userId(), PASSWORD);
        browser.open("/me/details");
        browser.language("en");
        browser.clickAndWait(browser.find(row(deployment.confirmedPositiveSeq) + " a.explain-link"));
        assertTrue(browser.path().endsWith("/" + deployment.confirmedPositiveSeq + "/explain"), browser.path());
        browser.find("#choice-mouthwash").click();
        browser.find("#text").sendKeys(OWN_WORDS);
        browser.clickAndWait(browser.find("#explain-form button[type=submit]"));
        assertTrue(browser.find("#explain-saved").getText().contains("Your explanation is saved."), browser.text());
        assertTrue(browser.text().contains("I used mouthwash. “" + OWN_WORDS + "”"), browser.text());
        // A second word is added beside the first, never over it.
        browser.find("#choice-medicine").click();
        browser.clickAndWait(browser.find("#explain-form button[type=submit]"));
        List<WebElement> said = browser.driver.findElements(By.cssSelector("ul.word-lines li"));
        assertEquals(2, said.size(), browser.text());
        assertTrue(said.get(0).getText().contains("I used mouthwash") && said.get(1).getText().contains("I took medicine"), browser.text());
        browser.screenshot("word-explained-en");
    }

    @Test
    @Order(2)
    void the_parent_announces_an_absence_that_waits_for_the_worker() {
        browser.open("/me/details");
        browser.clickAndWait(browser.find("#absences-link"));
        LocalDate today = LocalDate.now(ZONE);
        browser.find("#kind-hospital_stay").click();
        // From the day of the missed test (three days ago) until tomorrow: it ends ahead, so it may still be announced.
        browser.find("#from").sendKeys(day(today.minusDays(3)));
        browser.find("#until").sendKeys(day(today.plusDays(1)));
        browser.find("#text").sendKeys(ABSENCE_WORDS);
        browser.clickAndWait(browser.find("form[action='/me/absences'] button[type=submit]"));
        String mine = browser.find("#my-absences").getText();
        assertTrue(mine.contains("hospital stay") && mine.contains("waiting for a decision") && mine.contains(ABSENCE_WORDS), mine);
        browser.screenshot("word-absence-waiting-en");
    }

    private static String day(LocalDate d) {
        return d.getDayOfMonth() + "/" + d.getMonthValue() + "/" + d.getYear();
    }

    @Test
    @Order(3)
    void the_worker_accepts_it_and_the_timeline_shows_both() throws Exception {
        browser.signIn(SA.userId(), PASSWORD);
        browser.open("/clients/client-a");
        browser.language("en");
        String missedBefore = browser.find(row(deployment.missedSeq)).getText();
        assertFalse(missedBefore.contains("During an accepted planned absence"), "a pending absence marks nothing: " + missedBefore);
        String absences = browser.find("#absences").getText();
        assertTrue(absences.contains("waiting for a decision") && absences.contains(ABSENCE_WORDS), absences);
        browser.find("#absences input[name=note]").sendKeys("Get well soon");
        browser.clickAndWait(browser.find("#absences button[value=accept]"));
        absences = browser.find("#absences").getText();
        assertTrue(absences.contains("accepted") && absences.contains("Decided by " + SA.userId()) && absences.contains("Get well soon"),
                absences);
        assertTrue(browser.driver.findElements(By.cssSelector("#absences button[value=accept]")).isEmpty(), "decided once");
        String missed = browser.find(row(deployment.missedSeq)).getText();
        assertTrue(missed.contains("During an accepted planned absence: hospital stay"), missed);
        String positive = browser.find(row(deployment.confirmedPositiveSeq)).getText();
        assertTrue(positive.contains("I used mouthwash. “" + OWN_WORDS + "”") && positive.contains("I took medicine"), positive);
        assertTrue(browser.driver.findElements(By.cssSelector("a.explain-link")).isEmpty(), "a worker does not write the parent's word");
        browser.screenshot("word-worker-timeline-en");
    }

    @Test
    @Order(4)
    void the_page_the_api_and_the_pdf_say_the_same_words() throws Exception {
        // The page (as the worker sees it now), line by line.
        List<String> pageLines = new ArrayList<>();
        for (long seq : List.of(deployment.confirmedPositiveSeq, deployment.missedSeq)) {
            for (WebElement li : browser.driver.findElements(By.cssSelector(row(seq) + " ul.word-lines li"))) {
                pageLines.add(li.getText());
            }
        }
        String absenceLine = browser.find("#absences li").getText().split("\n")[0].strip();
        assertEquals(3, pageLines.size(), pageLines.toString());

        // The API's timeline: the same facts as fields.
        LocalDate today = LocalDate.now(ZONE);
        String query = "?from=" + today.minusDays(27) + "&to=" + today;
        JsonNode timeline = new ObjectMapper().readTree(get("/api/v1/clients/client-a/timeline" + query).body());
        JsonNode positive = item(timeline, deployment.confirmedPositiveSeq);
        assertEquals(2, positive.get("explanations").size(), positive.toString());
        assertEquals("mouthwash", positive.get("explanations").get(0).get("choice").asText());
        assertEquals(OWN_WORDS, positive.get("explanations").get(0).get("text").asText());
        assertEquals("medicine", positive.get("explanations").get(1).get("choice").asText());
        assertEquals("hospital_stay", item(timeline, deployment.missedSeq).get("planned_absence").get("kind").asText());
        JsonNode absence = timeline.get("planned_absences").get(0);
        assertEquals("accepted", absence.get("status").asText());
        assertEquals(ABSENCE_WORDS, absence.get("text").asText());
        assertEquals("Get well soon", absence.get("decision_note").asText());

        // The PDF, as pdftotext reads it: every line the page shows, word for word.
        String pdf = pdfText("/api/v1/clients/client-a/report.pdf" + query + "&lang=en");
        for (String line : pageLines) {
            assertTrue(pdf.contains(fold(line)), "the PDF lacks \"" + line + "\": " + pdf);
        }
        assertTrue(pdf.contains(fold(absenceLine)), "the PDF lacks \"" + absenceLine + "\": " + pdf);
    }

    @Test
    @Order(5)
    void a_child_protection_worker_sees_the_explanation_and_the_mark_but_not_the_absences_own_words() throws Exception {
        browser.signIn(CP1.userId(), PASSWORD);
        browser.open("/clients/client-a");
        browser.language("en");
        assertTrue(browser.find(row(deployment.confirmedPositiveSeq)).getText().contains("I used mouthwash"), browser.text());
        assertTrue(browser.find(row(deployment.missedSeq)).getText().contains("During an accepted planned absence"), browser.text());
        assertTrue(browser.driver.findElements(By.id("absences")).isEmpty(), "no absence list for child protection");
        assertFalse(browser.driver.getPageSource().contains(ABSENCE_WORDS));
        LocalDate today = LocalDate.now(ZONE);
        String json = get("/api/v1/clients/client-a/timeline?from=" + today.minusDays(27) + "&to=" + today).body();
        assertFalse(json.contains(ABSENCE_WORDS), json);
        assertTrue(new ObjectMapper().readTree(json).get("planned_absences").isEmpty(), json);
    }

    @Test
    @Order(6)
    void the_parent_reads_the_decision() {
        browser.signIn(PARENT.userId(), PASSWORD);
        browser.open("/me/absences");
        browser.language("en");
        String mine = browser.find("#my-absences").getText();
        assertTrue(mine.contains("accepted") && mine.contains("Get well soon"), mine);
        browser.screenshot("word-absence-accepted-en");
    }

    @Test
    @Order(7)
    void a_parent_who_chose_plain_words_reads_the_absence_and_explanation_pages_in_them_too() {
        browser.signIn(PARENT.userId(), PASSWORD);
        browser.open("/me/words/plain");
        browser.open("/me/absences");
        inLanguage("en");
        assertEquals("I will be away", browser.find("h1").getText());
        assertTrue(browser.text().contains("Are you going to hospital or on a trip? Tell us here before you go."), browser.text());
        assertTrue(browser.find("#my-absences").getText().contains("Get well soon"), "the same absences, in the same words");
        inLanguage("fi");
        assertEquals("Olen poissa", browser.find("h1").getText());
        browser.screenshot("word-absences-selkokieli-fi");
        browser.open("/me/events/" + DEVICE + "/" + deployment.confirmedPositiveSeq + "/explain");
        assertEquals("Kerro, mitä tapahtui", browser.find("h1").getText());
        assertEquals("Tallenna", browser.find("#explain-form button[type=submit]").getText());
        browser.open("/me/words/standard");
        browser.open("/me/absences");
        assertEquals("Suunnitellut poissaoloni", browser.find("h1").getText(), "the standard words again");
    }

    /** Switches the page to {@code code} unless it is in it already (the language link is then not a link). */
    private void inLanguage(String code) {
        if (!browser.driver.findElements(By.cssSelector(".languages a[hreflang='" + code + "']")).isEmpty()) {
            browser.language(code);
        }
    }

    private static JsonNode item(JsonNode timeline, long seq) {
        for (JsonNode i : timeline.get("items")) {
            if (i.get("seq").asLong() == seq) {
                return i;
            }
        }
        throw new AssertionError("no item " + seq + " in " + timeline);
    }

    private static String fold(String s) {
        return s.replaceAll("\\s+", " ").strip();
    }

    private HttpResponse<String> get(String path) throws Exception {
        HttpResponse<byte[]> r = getBytes(path);
        return new HttpResponse<>() {
            public int statusCode() { return r.statusCode(); }
            public HttpRequest request() { return r.request(); }
            public java.util.Optional<HttpResponse<String>> previousResponse() { return java.util.Optional.empty(); }
            public java.net.http.HttpHeaders headers() { return r.headers(); }
            public String body() { return new String(r.body(), StandardCharsets.UTF_8); }
            public java.util.Optional<javax.net.ssl.SSLSession> sslSession() { return r.sslSession(); }
            public URI uri() { return r.uri(); }
            public java.net.http.HttpClient.Version version() { return r.version(); }
        };
    }

    private HttpResponse<byte[]> getBytes(String path) throws Exception {
        Cookie session = browser.driver.manage().getCookieNamed("__Host-breathgate_session");
        HttpResponse<byte[]> r = deployment.http().send(HttpRequest.newBuilder(URI.create(deployment.baseUrl + path))
                .timeout(Duration.ofSeconds(30)).header("Cookie", session.getName() + "=" + session.getValue()).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, r.statusCode(), new String(r.body(), StandardCharsets.UTF_8));
        return r;
    }

    /** The PDF at {@code path} as {@code pdftotext} reads it, whitespace folded. */
    private String pdfText(String path) throws Exception {
        Path pdftotext = Path.of("/usr/bin/pdftotext");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(pdftotext),
                "needs poppler-utils' pdftotext (apt-get install poppler-utils; .ci/run installs it)");
        Path file = Files.createTempFile("breathgate-word-", ".pdf");
        try {
            Files.write(file, getBytes(path).body());
            Process p = new ProcessBuilder(pdftotext.toString(), "-enc", "UTF-8", file.toString(), "-").redirectErrorStream(true).start();
            String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, p.waitFor(), text);
            return fold(text);
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
