package org.breathgate.receiver.web.ui;

import org.breathgate.care.alert.Alert;
import org.breathgate.care.alert.AlertKind;
import org.breathgate.protocol.ClockFacts;
import org.breathgate.protocol.MessageSigner;
import org.breathgate.protocol.MessageType;
import org.breathgate.protocol.PhotoChunk;
import org.breathgate.protocol.Reading;
import org.breathgate.protocol.Topics;
import org.breathgate.protocol.photo.Photos;
import org.breathgate.receiver.FakeDevice;
import org.breathgate.testkit.SampleMessages;
import org.breathgate.testkit.TestKeys;
import org.junit.jupiter.api.AfterAll;
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
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

import static org.breathgate.receiver.web.ui.UiDeployment.CP1;
import static org.breathgate.receiver.web.ui.UiDeployment.DEVICE;
import static org.breathgate.receiver.web.ui.UiDeployment.PASSWORD;
import static org.breathgate.receiver.web.ui.UiDeployment.SA;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The photo review page in a real browser (headless Chromium) against a running receiver: a photo sent
 * by the device over MQTT beside the client's reference photo, a review "does not match" that raises an
 * alert, and a child-protection worker who is told the page is not theirs. Screenshots go to
 * {@code <build dir>/screenshots/}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PhotoReviewPageIT {

    private UiDeployment deployment;
    private Browser browser;
    private long seq;

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
        seq = deployment.sent.keySet().stream().mapToLong(Long::longValue).max().orElse(0) + 1;
        byte[] photo = portrait(new Color(0x993333));
        Instant at = Instant.now().minus(Duration.ofMinutes(5)).truncatedTo(ChronoUnit.SECONDS);
        SampleMessages device = SampleMessages.of(DEVICE).at(at);
        Reading reading = device.soberReading(seq).withPhoto(Photos.statementOf(photo));
        MessageSigner signer = new MessageSigner(TestKeys.device(DEVICE));
        try (FakeDevice fake = new FakeDevice(deployment.receiver.brokerUri(), TestKeys.device(DEVICE), deployment.receiver.receiverKey())) {
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

    @Test
    void a_worker_compares_the_test_photo_with_the_reference_and_does_not_match_raises_an_alert() {
        browser.signIn(SA.userId(), PASSWORD);
        browser.open(org.breathgate.receiver.photo.PhotoReviewPage.PATH);
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
        List<Alert> alerts = deployment.receiver.care().alertsFor(SA);
        assertTrue(alerts.stream().anyMatch(a -> a.kind() == AlertKind.PHOTO_MISMATCH && a.key().equals("photo:" + DEVICE + ":" + seq)),
                alerts.toString());
        browser.open("/alerts");
        assertTrue(browser.text().contains("Testin valokuva ei vastannut vertailukuvaa")
                || browser.text().contains(new Messages().get(Lang.FI, "alert.kind.PHOTO_MISMATCH")), browser.text());
        browser.screenshot("photo-review-alert-fi");
    }

    @Test
    void a_child_protection_worker_is_told_the_page_is_not_theirs_and_gets_no_photo() {
        browser.signIn(CP1.userId(), PASSWORD);
        browser.open(org.breathgate.receiver.photo.PhotoReviewPage.PATH);
        assertEquals("Kuvien tarkistaminen ei kuulu roolisi tehtäviin.", browser.find("p.message").getText());
        assertTrue(browser.driver.findElements(By.cssSelector("img")).isEmpty());
        browser.screenshot("photo-review-denied-child-protection-worker-fi");
    }
}
