package org.breathgate.receiver.app.web;

import org.breathgate.receiver.web.ui.Lang;
import org.breathgate.receiver.web.ui.Messages;
import org.breathgate.receiver.care.timeline.TimelineEntry;

import org.breathgate.care.alert.Alert;
import org.breathgate.care.alert.AlertKind;
import org.breathgate.protocol.ClockFacts;
import org.breathgate.protocol.MessageSigner;
import org.breathgate.protocol.MessageType;
import org.breathgate.protocol.PhotoChunk;
import org.breathgate.protocol.Reading;
import org.breathgate.protocol.Topics;
import org.breathgate.protocol.photo.Photos;
import org.breathgate.receiver.app.FakeDevice;
import org.breathgate.testkit.SampleMessages;
import org.breathgate.testkit.TestKeys;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;
import org.breathgate.protocol.PhotoAbsence;
import org.breathgate.protocol.ReadingPhoto;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.Cookie;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

import static org.breathgate.receiver.app.web.UiDeployment.CP1;
import static org.breathgate.receiver.app.web.UiDeployment.CP2;
import static org.breathgate.receiver.app.web.UiDeployment.DEVICE;
import static org.breathgate.receiver.app.web.UiDeployment.PASSWORD;
import static org.breathgate.receiver.app.web.UiDeployment.SA;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The photo review page in a real browser (headless Chromium) against a running receiver: a photo sent
 * by the device over MQTT beside the client's reference photo, a review "does not match" that raises an
 * alert, and a child-protection worker who is told the page is not theirs; then each reading's photo state
 * on the timeline and in the PDF report, before and after the review, for the worker, a child-protection
 * worker within consent (photo, no verdict) and one outside it (nothing). The tests run in order: the
 * later ones see the review the second one saves. Screenshots go to {@code <build dir>/screenshots/}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PhotoReviewPageIT {

    private UiDeployment deployment;
    private Browser browser;
    private long seq;
    /** A reading whose camera failed: no photo, and the signed reading says why. */
    private long noPhotoSeq;

    /** A face-like picture, so the screenshots show what a worker compares. */
    private static byte[] portrait(Color shirt) throws Exception {
        BufferedImage image = new BufferedImage(320, 240, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(new Color(0xdde6ee));
        g.fillRect(0, 0, 320, 240);
        g.setColor(shirt);
        g.fillRoundRect(90, 170, 140, 90, 40, 40);
        g.setColor(new Color(0xe0b894));
        g.fillOval(120, 50, 80, 110);
        g.setColor(Color.DARK_GRAY);
        g.fillOval(140, 90, 10, 10);
        g.fillOval(170, 90, 10, 10);
        g.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertTrue(ImageIO.write(image, "jpg", out));
        return out.toByteArray();
    }

    @BeforeAll
    void start() throws Exception {
        deployment = new UiDeployment();
        Path build = Path.of(System.getProperty("bg.build.directory", "target"));
        browser = new Browser(deployment.baseUrl, build.resolve("screenshots"));
        deployment.receiver.photos().enrollReference(SA, "client-a", portrait(new Color(0x336699)));
        // The device sends a reading whose signed payload holds its photo's hash, then the photo in chunks.
        noPhotoSeq = deployment.sent.keySet().stream().mapToLong(Long::longValue).max().orElse(0) + 1;
        seq = noPhotoSeq + 1;
        byte[] photo = portrait(new Color(0x993333));
        Instant at = Instant.now().minus(Duration.ofMinutes(5)).truncatedTo(ChronoUnit.SECONDS);
        SampleMessages device = SampleMessages.of(DEVICE).at(at);
        Reading reading = device.soberReading(seq).withPhoto(Photos.statementOf(photo));
        Reading withoutPhoto = SampleMessages.of(DEVICE).at(at.minus(Duration.ofMinutes(5))).soberReading(noPhotoSeq)
                .withPhoto(new ReadingPhoto.NotTaken(PhotoAbsence.CAMERA_FAILED));
        MessageSigner signer = new MessageSigner(TestKeys.device(DEVICE));
        try (FakeDevice fake = FakeDevice.loggedIn(deployment.receiver, TestKeys.device(DEVICE))) {
            fake.publish(Topics.uplink(DEVICE, MessageType.READING), signer.sign(withoutPhoto).bytes());
            fake.nextAck(Duration.ofSeconds(20));
            fake.publish(Topics.uplink(DEVICE, MessageType.READING), signer.sign(reading).bytes());
            fake.nextAck(Duration.ofSeconds(20));
            ClockFacts clock = device.clockFacts();
            for (PhotoChunk chunk : Photos.split(DEVICE, clock, seq, photo)) {
                fake.publish(Topics.uplink(DEVICE, MessageType.PHOTO), signer.sign(chunk).bytes());
            }
            long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (deployment.receiver.photoIngest().storedCount() < 1) {
                assertTrue(System.nanoTime() < end, "the photo was not stored");
                Thread.sleep(50);
            }
        }
    }

    @AfterAll
    void stop() {
        try {
            if (browser != null) {
                browser.close();
            }
        } finally {
            if (deployment != null) {
                deployment.close();
            }
        }
    }

    private boolean loaded(WebElement img) {
        Object width = ((JavascriptExecutor) browser.driver).executeScript("return arguments[0].complete && arguments[0].naturalWidth", img);
        return width instanceof Number n && n.intValue() == 320;
    }

    /** The photo state cell of reading {@code s} on the timeline page open in the browser. */
    private WebElement photoCell(long s) {
        return browser.find("#" + TimelineEntry.anchor(DEVICE, s) + " td.photo-state");
    }

    @Test
    @Order(1)
    void the_timeline_shows_a_photo_waiting_for_review_and_why_another_reading_has_none() {
        browser.signIn(SA.userId(), PASSWORD);
        assertEquals(1, browser.driver.findElements(By.cssSelector("nav a[href='/photos/review']")).size(), "the worker's menu has the review page");
        browser.open("/clients/client-a");
        WebElement waiting = photoCell(seq);
        assertTrue(waiting.getText().contains("Odottaa tarkistusta"), waiting.getText());
        assertEquals(deployment.baseUrl + org.breathgate.receiver.web.api.PhotoRoutes.photoUrl(DEVICE, seq),
                waiting.findElement(By.cssSelector("a.photo-link")).getAttribute("href"));
        WebElement none = photoCell(noPhotoSeq);
        assertTrue(none.getText().contains("Ei kuvaa") && none.getText().contains("kamera ei toiminut"), none.getText());
        assertTrue(none.findElements(By.tagName("a")).isEmpty(), "no photo, no link");
        browser.screenshot("timeline-photo-waiting-fi");
        browser.clickAndWait(waiting.findElement(By.cssSelector("a.photo-review-link")));
        assertEquals(org.breathgate.receiver.web.ui.PhotoReviewPage.PATH, browser.path());
        assertTrue(browser.find("#photo-" + DEVICE + "-" + seq).isDisplayed());
    }

    @Test
    @Order(2)
    void a_worker_compares_the_test_photo_with_the_reference_and_does_not_match_raises_an_alert() {
        browser.signIn(SA.userId(), PASSWORD);
        browser.open(org.breathgate.receiver.web.ui.PhotoReviewPage.PATH);
        WebElement card = browser.find("#photo-" + DEVICE + "-" + seq);
        assertTrue(card.getText().contains("Parent A"), card.getText());
        assertTrue(loaded(card.findElement(By.cssSelector("img.test-photo"))), "the test photo loads through the photo API");
        assertTrue(loaded(card.findElement(By.cssSelector("img.reference-photo"))), "the reference photo loads");
        browser.screenshot("photo-review-queue-substance-abuse-worker-fi");
        card.findElement(By.cssSelector("input[value=does_not_match]")).click();
        card.findElement(By.cssSelector("textarea")).sendKeys("Kuvassa on joku muu kuin asiakas.");
        browser.clickAndWait(card.findElement(By.cssSelector("button[type=submit]")));
        assertEquals("Tarkistus on tallennettu.", browser.find("p.message.notice").getText());
        assertTrue(browser.driver.findElements(By.cssSelector("#photo-" + DEVICE + "-" + seq)).isEmpty(), "reviewed: off the queue");
        browser.screenshot("photo-review-saved-fi");
        List<Alert> alerts = deployment.receiver.care().alerts().alertsFor(SA);
        assertTrue(alerts.stream().anyMatch(a -> a.kind() == AlertKind.PHOTO_MISMATCH && a.key().equals("photo:" + DEVICE + ":" + seq)),
                alerts.toString());
        browser.open("/alerts");
        assertTrue(browser.text().contains("Testin valokuva ei vastannut vertailukuvaa")
                || browser.text().contains(new Messages().get(Lang.FI, "alert.kind.PHOTO_MISMATCH")), browser.text());
        browser.screenshot("photo-review-alert-fi");
    }

    @Test
    @Order(3)
    void a_child_protection_worker_is_told_the_page_is_not_theirs_and_gets_no_photo() {
        browser.signIn(CP1.userId(), PASSWORD);
        browser.open(org.breathgate.receiver.web.ui.PhotoReviewPage.PATH);
        assertEquals("Kuvien tarkistaminen ei kuulu roolisi tehtäviin.", browser.find("p.message").getText());
        assertTrue(browser.driver.findElements(By.cssSelector("img")).isEmpty());
        browser.screenshot("photo-review-denied-child-protection-worker-fi");
    }

    @Test
    @Order(4)
    void after_the_review_the_timeline_and_the_report_show_it_and_a_child_protection_worker_outside_consent_sees_none() throws Exception {
        browser.signIn(SA.userId(), PASSWORD);
        browser.open("/clients/client-a");
        WebElement reviewed = photoCell(seq);
        assertTrue(reviewed.getText().contains("Ei vastaa asiakasta") && reviewed.getText().contains(SA.userId()), reviewed.getText());
        assertTrue(reviewed.findElements(By.cssSelector("a.photo-review-link")).isEmpty(), "reviewed: no longer in the queue");
        assertEquals(1, reviewed.findElements(By.cssSelector("a.photo-link")).size());
        browser.screenshot("timeline-photo-reviewed-fi");
        String sa = reportText();
        assertTrue(sa.contains("Photo: does not match the client (reviewed by " + SA.userId()), sa);
        assertTrue(sa.contains("Photo: none (the camera did not work)."), sa);
        assertFalse(sa.contains("Kuvassa on joku muu"), "the review note stays with the review: " + sa);

        // Within consent: the photo (as the photo API allows), not the verdict, which is the substance-abuse service's.
        browser.signIn(CP1.userId(), PASSWORD);
        assertTrue(browser.driver.findElements(By.cssSelector("nav a[href='/photos/review']")).isEmpty());
        browser.open("/clients/client-a");
        WebElement cp = photoCell(seq);
        assertTrue(cp.getText().contains("Kuva otettu"), cp.getText());
        assertFalse(cp.getText().contains("Ei vastaa") || cp.getText().contains("Odottaa") || cp.getText().contains(SA.userId()), cp.getText());
        assertFalse(browser.driver.getPageSource().contains("photo-review-link"));
        browser.clickAndWait(cp.findElement(By.cssSelector("a.photo-link")));
        Object width = ((JavascriptExecutor) browser.driver).executeScript("return document.images.length && document.images[0].naturalWidth");
        assertEquals(320L, ((Number) width).longValue(), "the linked photo opens for someone who may see the reading");
        String cpReport = reportText();
        assertTrue(cpReport.contains("Photo: taken."), cpReport);
        assertFalse(cpReport.contains("does not match") || cpReport.contains(SA.userId()), cpReport);

        // Outside consent: no timeline, no photo state, no photo URL, no report.
        browser.signIn(CP2.userId(), PASSWORD);
        browser.open("/clients/client-a");
        String page = browser.driver.getPageSource();
        assertFalse(page.contains("photo-state") || page.contains("/api/v1/photos/") || page.contains("Ei vastaa"), page);
        assertNotEquals(200, report().statusCode());
    }

    private HttpResponse<byte[]> report() throws Exception {
        java.time.LocalDate today = java.time.LocalDate.now(UiDeployment.ZONE);
        String href = deployment.baseUrl + "/api/v1/clients/client-a/report.pdf?from=" + today.minusDays(27) + "&to=" + today + "&lang=en";
        Cookie session = browser.driver.manage().getCookieNamed("__Host-breathgate_session");
        return deployment.http().send(HttpRequest.newBuilder(URI.create(href)).timeout(Duration.ofSeconds(30))
                .header("Cookie", session.getName() + "=" + session.getValue()).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    /** The signed-in person's PDF report of the last four weeks, as text (whitespace folded). */
    private String reportText() throws Exception {
        HttpResponse<byte[]> response = report();
        assertEquals(200, response.statusCode(), new String(response.body(), java.nio.charset.StandardCharsets.UTF_8));
        try (PDDocument pdf = Loader.loadPDF(response.body())) {
            return new PDFTextStripper().getText(pdf).replaceAll("\\s+", " ");
        }
    }
}
