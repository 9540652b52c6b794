package org.breathgate.receiver.app.web;

import org.breathgate.care.alert.Alert;
import org.breathgate.care.alert.AlertStatus;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

import static org.breathgate.receiver.app.web.UiDeployment.PARENT;
import static org.breathgate.receiver.app.web.UiDeployment.PASSWORD;
import static org.breathgate.receiver.app.web.UiDeployment.SA;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The worker's and the parent's main tasks with the keyboard alone (Tab, Shift+Tab, Enter, Space, typing), as the keyboard
 * pass in docs/ui.md records them: every stop of the Tab key on the way shows the focus ring (a dark outline or the yellow
 * halo), and the number of Tab presses each task takes is printed for the docs.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KeyboardIT {

    private UiDeployment deployment;
    private Browser browser;
    private final List<String> log = new ArrayList<>();

    @BeforeAll
    void start() throws Exception {
        deployment = new UiDeployment();
        Path build = Path.of(System.getProperty("bg.build.directory", "target"));
        browser = new Browser(deployment.baseUrl, build.resolve("screenshots"));
    }

    @AfterAll
    void stop() {
        System.out.println("Keyboard pass:\n  " + String.join("\n  ", log));
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

    private WebElement active() {
        return browser.driver.switchTo().activeElement();
    }

    private static String describe(WebElement e) {
        String text = e.getText().isBlank() ? e.getAttribute("value") : e.getText();
        String shown = text == null ? "" : text.replace('\n', ' ');
        return e.getTagName() + (e.getAttribute("id") == null || e.getAttribute("id").isEmpty() ? "" : "#" + e.getAttribute("id")) + " '"
                + (shown.length() > 50 ? shown.substring(0, 50) + "…" : shown) + "'";
    }

    /** Presses Tab until {@code target} has the focus, checking the ring at each stop; returns the number of presses. */
    private int tabTo(String task, Predicate<WebElement> target) {
        Actions keys = new Actions(browser.driver);
        for (int presses = 1; presses <= 400; presses++) {
            keys.sendKeys(Keys.TAB).perform();
            WebElement e = active();
            if (!"body".equals(e.getTagName())) {
                boolean ring = !"none".equals(e.getCssValue("outline-style")) || e.getCssValue("box-shadow").contains("255, 191, 71");
                assertTrue(ring, task + ": Tab stop " + presses + " (" + describe(e) + ") shows no focus ring");
            }
            if (target.test(e)) {
                log.add(task + ": " + presses + " × Tab to " + describe(e));
                return presses;
            }
        }
        throw new AssertionError(task + ": 400 Tab presses never reached the target");
    }

    private void press(CharSequence... keys) {
        new Actions(browser.driver).sendKeys(keys).perform();
    }

    private void awaitPath(String path) {
        new WebDriverWait(browser.driver, Duration.ofSeconds(30)).until(d -> browser.path().equals(path)
                && "complete".equals(((org.openqa.selenium.JavascriptExecutor) d).executeScript("return document.readyState")));
    }

    private void signInWithKeys(String user) {
        browser.driver.manage().deleteAllCookies();
        browser.openUnchecked("/login");
        tabTo("sign in", e -> "username".equals(e.getAttribute("id")));
        press(user, Keys.TAB, PASSWORD, Keys.ENTER);
    }

    @Test
    void a_worker_opens_a_timeline_changes_its_period_and_acknowledges_an_alert_with_the_keyboard_alone() {
        signInWithKeys(SA.userId());
        awaitPath("/caseload");
        tabTo("worker: to a client's timeline", e -> e.getTagName().equals("a") && e.getAttribute("href").endsWith("/clients/client-a"));
        press(Keys.ENTER);
        awaitPath("/clients/client-a");
        tabTo("worker: to the period's first day", e -> "from".equals(e.getAttribute("id")));
        // The date is typed in the page's order (d.M.yyyy in Finnish; issue 19: not the browser's locale's order).
        String before = active().getAttribute("value");
        java.time.format.DateTimeFormatter finnish = java.time.format.DateTimeFormatter.ofPattern("d.M.uuuu");
        String first = java.time.LocalDate.parse(before, finnish).minusDays(1).format(finnish);
        press(Keys.END);
        for (int i = 0; i < before.length(); i++) {
            press(Keys.BACK_SPACE);
        }
        press(first);
        assertTrue(first.equals(active().getAttribute("value")), before + " -> " + active().getAttribute("value"));
        tabTo("worker: to Show", e -> e.getTagName().equals("button") && e.getAttribute("type").equals("submit"));
        press(Keys.ENTER);
        new WebDriverWait(browser.driver, Duration.ofSeconds(30)).until(d -> d.getCurrentUrl().contains("from=" + first));
        tabTo("worker: to the events table's scrolling region", e -> "region".equals(e.getAttribute("role"))
                && "events-heading".equals(e.getAttribute("aria-labelledby")));
        tabTo("worker: to the PDF report link", e -> e.getTagName().equals("a") && e.getAttribute("href").contains("/report.pdf"));

        tabTo("worker: to the alerts in the menu", e -> e.getTagName().equals("a") && e.getAttribute("href").endsWith("/alerts"));
        press(Keys.ENTER);
        awaitPath("/alerts");
        tabTo("worker: to the first alert's note", e -> e.getTagName().equals("textarea"));
        String key = active().findElement(org.openqa.selenium.By.xpath("./ancestor::form//input[@name='alert']")).getAttribute("value");
        press("Soitin vanhemmalle.");
        tabTo("worker: to Acknowledge", e -> e.getTagName().equals("button"));
        press(Keys.ENTER);
        awaitPath("/alerts");
        assertEquals("Kuittaus tallennettiin.", browser.find("p.message[role=status]").getText());
        Alert done = deployment.receiver.care().alerts().alertsFor(SA).stream().filter(a -> a.key().equals(key)).findFirst().orElseThrow();
        assertEquals(AlertStatus.ACKNOWLEDGED, done.status());
    }

    @Test
    void a_parent_reads_who_sees_their_results_and_withdraws_a_consent_with_the_keyboard_alone() {
        signInWithKeys(PARENT.userId());
        awaitPath("/me");
        tabTo("parent: to 'Change or withdraw a consent' on the first screen", e -> e.getTagName().equals("a")
                && e.getAttribute("href").endsWith("#access"));
        press(Keys.ENTER);
        awaitPath("/me/details"); // the first screen's link leads to the consents on the details page
        tabTo("parent: to the consent's confirmation box", e -> "checkbox".equals(e.getAttribute("type")) && "confirm".equals(e.getAttribute("name")));
        press(Keys.SPACE);
        assertTrue(active().isSelected(), "Space ticks the box");
        tabTo("parent: to Withdraw", e -> e.getTagName().equals("button"));
        press(Keys.ENTER);
        new WebDriverWait(browser.driver, Duration.ofSeconds(30)).until(d -> d.getCurrentUrl().contains("revoked=1"));
        assertEquals("Suostumuksesi peruutettiin. Yksikkö ei enää näe tietojasi.", browser.find("p.message[role=status]").getText());
        tabTo("parent: to the accessibility statement in the footer", e -> e.getTagName().equals("a")
                && e.getAttribute("href").endsWith("/accessibility"));
    }
}
