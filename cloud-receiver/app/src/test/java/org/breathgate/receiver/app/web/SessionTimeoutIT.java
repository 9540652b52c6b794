package org.breathgate.receiver.app.web;

import org.breathgate.receiver.app.config.ReceiverConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.breathgate.receiver.app.web.UiDeployment.PASSWORD;
import static org.breathgate.receiver.app.web.UiDeployment.SA;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * WCAG 2.2.1 (timing adjustable): the idle sign-out warns first, with a button to stay signed in, and a note typed before
 * the session ended is there again after signing in. A receiver whose sessions end after 40 seconds idle (the warning
 * comes 20 seconds before), so the test takes about a minute and a half.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SessionTimeoutIT {

    private static final int IDLE_SECONDS = 40;
    private UiDeployment deployment;
    private Browser browser;

    @BeforeAll
    void start() throws Exception {
        deployment = new UiDeployment(Map.of(ReceiverConfig.WEB_SESSION_IDLE_SECONDS, Integer.toString(IDLE_SECONDS)));
        Path build = Path.of(System.getProperty("bg.build.directory", "target"));
        browser = new Browser(deployment.baseUrl, build.resolve("screenshots"));
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

    private WebElement warning() {
        return browser.find("#session-warning");
    }

    private void awaitWarning(Duration within) {
        new WebDriverWait(browser.driver, within).until(d -> warning().isDisplayed());
    }

    @Test
    void a_warning_comes_before_the_idle_sign_out_staying_is_one_press_and_a_note_typed_before_the_end_is_kept() {
        browser.signIn(SA.userId(), PASSWORD);
        browser.openUnchecked("/alerts");
        List<WebElement> cards = browser.driver.findElements(By.cssSelector("article.alert-card"));
        assertTrue(!cards.isEmpty(), browser.text());
        String alertKey = cards.get(0).findElement(By.cssSelector("input[name=alert]")).getAttribute("value");
        String note = "Soitin vanhemmalle; tapaaminen sovittu torstaiksi.";
        cards.get(0).findElement(By.tagName("textarea")).sendKeys(note);
        assertTrue(!warning().isDisplayed(), "no warning right away");

        // The warning comes (idle time less 20 s), takes the focus, and one press keeps the session.
        long shownAt = System.nanoTime();
        awaitWarning(Duration.ofSeconds(IDLE_SECONDS));
        assertEquals("session-stay", browser.driver.switchTo().activeElement().getAttribute("id"), "focus on the button to stay");
        assertEquals("alertdialog", warning().getAttribute("role"));
        browser.screenshot("session-warning-fi");
        browser.find("#session-stay").click();
        new WebDriverWait(browser.driver, Duration.ofSeconds(10)).until(d -> !warning().isDisplayed());
        long stayedAt = System.nanoTime();

        // Still signed in after the first idle time would have ended: the press restarted it.
        awaitWarning(Duration.ofSeconds(IDLE_SECONDS));
        assertTrue(System.nanoTime() - stayedAt >= Duration.ofSeconds(IDLE_SECONDS / 2 - 2).toNanos(),
                "the next warning comes a whole idle time after staying, not after the first one (" + (System.nanoTime() - shownAt) / 1_000_000
                        + " ms since the first)");

        // Nobody presses: the session ends, the warning says so and offers to sign in again.
        new WebDriverWait(browser.driver, Duration.ofSeconds(IDLE_SECONDS)).until(d -> browser.find("#session-sign-in").isDisplayed());
        assertEquals("Sinut kirjattiin ulos, koska palvelua ei käytetty. Kirjaudu uudelleen jatkaaksesi.",
                browser.find("#session-warning-text").getText());
        browser.screenshot("session-ended-fi");
        browser.clickAndWait(browser.find("#session-sign-in"));
        assertEquals("/login", browser.path());
        browser.driver.findElement(By.id("username")).sendKeys(SA.userId());
        browser.driver.findElement(By.id("password")).sendKeys(PASSWORD);
        browser.clickAndWait(browser.find("form[action='/login'] button[type=submit]"));
        assertEquals("/alerts", browser.path(), "back where the person was");
        WebElement card = browser.driver.findElements(By.cssSelector("article.alert-card")).stream()
                .filter(c -> c.findElement(By.cssSelector("input[name=alert]")).getAttribute("value").equals(alertKey)).findFirst()
                .orElseThrow();
        assertEquals(note, card.findElement(By.tagName("textarea")).getAttribute("value"), "the note typed before the sign-out is back");
    }
}
