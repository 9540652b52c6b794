package org.breathgate.receiver.app.web;

import org.breathgate.care.alert.Alert;
import org.breathgate.protocol.Schedule;
import org.breathgate.receiver.evidence.db.Sql;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.time.Duration;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import static org.breathgate.receiver.app.web.UiDeployment.ADMIN;
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
 * The parent's first screen in plain words (issue 20) in headless Chromium, every page checked with axe-core: read in Finnish,
 * Swedish, English and selkokieli (and lätt svenska) on a 360 px wide screen with the keyboard alone, screenshots saved in
 * {@code <build dir>/screenshots/parent-first-*.png}; the alerts it says went to child protection are exactly those the
 * child-protection worker's inbox holds; feedback goes from the parent to the service and stores nothing about results.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ParentPageIT {

    private static final int PHONE = 360;

    private UiDeployment deployment;
    private Browser browser;
    private Path screenshots;

    @BeforeAll
    void start() throws Exception {
        deployment = new UiDeployment();
        screenshots = Path.of(System.getProperty("bg.build.directory", "target")).resolve("screenshots");
        browser = new Browser(deployment.baseUrl, screenshots);
        // Tests at 8.00 and 20.00 every day, agreed with the parent.
        deployment.receiver.care().schedules().set(SA, "client-a", Schedule.withDefaults(ZONE,
                List.of(Schedule.Slot.at(LocalTime.of(8, 0)), Schedule.Slot.at(LocalTime.of(20, 0)))));
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

    // ------------------------------------------------------------------ the keyboard and the phone

    private ChromeDriver chrome() {
        return (ChromeDriver) browser.driver;
    }

    /** Lays pages out 360 CSS pixels wide, as a cheap phone does. */
    private void phone(int height) {
        chrome().executeCdpCommand("Emulation.setDeviceMetricsOverride", Map.of("width", PHONE, "height", height, "deviceScaleFactor", 1,
                "mobile", true));
    }

    /** The page's accessibility checks (axe, three languages, 1280 and 320 px), then back to the phone's width. */
    private void checked() {
        browser.accessibility.check(false);
        phone(800);
    }

    private void assertFitsThePhone() {
        Number width = (Number) ((JavascriptExecutor) browser.driver).executeScript("return document.documentElement.scrollWidth");
        assertTrue(width.intValue() <= PHONE, "the page fits 360 px without scrolling sideways: " + width);
    }

    /** Saves the whole page as the phone shows it. */
    private void screenshot(String name) throws Exception {
        Number height = (Number) ((JavascriptExecutor) browser.driver).executeScript(
                "window.scrollTo(0, 0); return document.documentElement.scrollHeight");
        phone(Math.min(8000, height.intValue()));
        Files.createDirectories(screenshots);
        Files.write(screenshots.resolve(name + ".png"), chrome().getScreenshotAs(OutputType.BYTES));
        phone(800);
    }

    private WebElement active() {
        return browser.driver.switchTo().activeElement();
    }

    /** Presses Tab until {@code target} has the focus, checking the focus ring at each stop. */
    private void tabTo(String task, Predicate<WebElement> target) {
        Actions keys = new Actions(browser.driver);
        for (int presses = 1; presses <= 200; presses++) {
            keys.sendKeys(Keys.TAB).perform();
            WebElement e = active();
            if (!"body".equals(e.getTagName())) {
                boolean ring = !"none".equals(e.getCssValue("outline-style")) || e.getCssValue("box-shadow").contains("255, 191, 71");
                assertTrue(ring, task + ": Tab stop " + presses + " shows no focus ring");
            }
            if (target.test(e)) {
                return;
            }
        }
        throw new AssertionError(task + ": 200 Tab presses never reached the target");
    }

    private void press(CharSequence... keys) {
        new Actions(browser.driver).sendKeys(keys).perform();
    }

    /** Waits for a new page at {@code path} in {@code lang} after a key press. */
    private void awaitPage(String path, String lang) {
        new WebDriverWait(browser.driver, Duration.ofSeconds(30)).until(d -> {
            try {
                return browser.path().equals(path) && "complete".equals(((JavascriptExecutor) d).executeScript("return document.readyState"))
                        && lang.equals(((JavascriptExecutor) d).executeScript("return document.documentElement.lang"));
            } catch (org.openqa.selenium.WebDriverException navigating) {
                return false;
            }
        });
    }

    private void awaitElement(String css) {
        new WebDriverWait(browser.driver, Duration.ofSeconds(30)).until(d -> !d.findElements(By.cssSelector(css)).isEmpty()
                && "complete".equals(((JavascriptExecutor) d).executeScript("return document.readyState")));
    }

    private String text(String css) {
        return browser.find(css).getText();
    }

    private void languageWithKeys(String code) {
        tabTo("to the language " + code, e -> code.equals(e.getAttribute("hreflang")));
        press(Keys.ENTER);
        awaitPage("/me", code);
    }

    // ------------------------------------------------------------------ the first screen

    @Test
    @Order(1)
    void the_parent_reads_their_first_screen_in_finnish_swedish_english_and_selkokieli_on_a_phone_with_the_keyboard_alone()
            throws Exception {
        browser.driver.manage().deleteAllCookies();
        phone(800);
        browser.openUnchecked("/login");
        tabTo("to the user name", e -> "username".equals(e.getAttribute("id")));
        press(PARENT.userId(), Keys.TAB, PASSWORD, Keys.ENTER);
        awaitPage("/me", "fi");
        checked();
        assertFitsThePhone();
        assertEquals("Omat tietoni", text("h1"));
        assertTrue(text("#next-test").matches("Seuraava testisi on (tänään|huomenna) kello (8|20)\\.00\\."), text("#next-test"));
        // The last result to arrive was a test without alcohol from a device whose clock was not set (UiDeployment): its
        // time is when it arrived, and the page says so.
        assertTrue(text("#last-result").matches("Testisi \\d{1,2}\\.\\d{1,2}\\.\\d{4}( klo)? \\d{1,2}\\.\\d{2} ei näyttänyt alkoholia\\."),
                text("#last-result"));
        assertEquals("Laitteen kello ei ollut ajassa, joten aika on se, jolloin tulos tuli perille.", text("#last-unsynced"));
        assertTrue(text("#who-sees").contains("Lastensuojelu, tiimi 1 näkee testitulokset, väliin jääneet testit ja hälytykset"),
                text("#who-sees"));
        assertTrue(text("#who-sees").contains("Sodankylän päihdepalvelut"), text("#who-sees"));
        assertTrue(text("#support").contains("Hätätilanteessa soita 112."), text("#support"));
        assertFalse(browser.text().contains("FI-RL-23"), "no rule codes on the first screen");
        assertFalse(browser.text().contains(DEVICE), "no device ids on the first screen");
        screenshot("parent-first-fi");

        languageWithKeys("sv");
        checked();
        assertFitsThePhone();
        assertTrue(text("#next-test").startsWith("Ditt nästa prov är"), text("#next-test"));
        assertTrue(text("#last-result").endsWith("visade ingen alkohol."), text("#last-result"));
        assertTrue(text("#who-sees").contains("Lastensuojelu, tiimi 1 ser provresultaten, de missade proven och larmen"), text("#who-sees"));
        screenshot("parent-first-sv");

        languageWithKeys("en");
        checked();
        assertFitsThePhone();
        assertTrue(text("#next-test").startsWith("Your next test is"), text("#next-test"));
        assertTrue(text("#last-result").matches("Your test on .+ showed no alcohol\\."), text("#last-result"));
        screenshot("parent-first-en");

        languageWithKeys("fi");
        tabTo("to selkokieli", e -> "words-plain".equals(e.getAttribute("id")));
        press(Keys.ENTER);
        awaitElement("#words-standard");
        checked();
        assertFitsThePhone();
        assertEquals("Sinun tietosi", text("h1"));
        assertTrue(text("#last-result").matches("Teit testin .+\\. Testissä ei ollut alkoholia\\."), text("#last-result"));
        assertTrue(text("#who-sees").contains("Olet antanut luvan."), text("#who-sees"));
        screenshot("parent-first-selkokieli");
        ((JavascriptExecutor) browser.driver).executeScript("window.scrollTo(0, 0)");
        Files.write(screenshots.resolve("parent-first-selkokieli-top.png"), chrome().getScreenshotAs(OutputType.BYTES)); // docs/ui.md

        browser.openUnchecked("/me"); // a new visit: the choice is remembered
        phone(800);
        assertEquals("Sinun tietosi", text("h1"), "the plain words are remembered");
        languageWithKeys("sv");
        assertTrue(text("#last-result").contains("Det fanns ingen alkohol."), "lätt svenska: " + text("#last-result"));
        screenshot("parent-first-latt-svenska");

        tabTo("back to the standard words", e -> "words-standard".equals(e.getAttribute("id")));
        press(Keys.ENTER);
        awaitElement("#words-plain");
        assertEquals("Mina uppgifter", text("h1"));
        tabTo("to all the details", e -> "details-link".equals(e.getAttribute("id")));
        press(Keys.ENTER);
        awaitPage("/me/details", "sv");
        checked();
        assertTrue(browser.text().contains("FI-RL-23"), "the workers' table with the rule's code is one click away");
        languageWithKeys2("fi");
        chrome().executeCdpCommand("Emulation.clearDeviceMetricsOverride", Map.of());
    }

    private void languageWithKeys2(String code) {
        tabTo("to the language " + code, e -> code.equals(e.getAttribute("hreflang")));
        press(Keys.ENTER);
        awaitPage("/me/details", code);
    }

    // ------------------------------------------------------------------ one fact, one home

    @Test
    @Order(2)
    void the_alerts_the_parent_is_told_went_to_child_protection_are_those_in_the_child_protection_inbox() {
        List<Alert> inbox = deployment.receiver.care().alerts().inboxPage(CP1).stream().filter(a -> a.clientId().equals("client-a"))
                .toList();
        assertFalse(inbox.isEmpty(), "the confirmed positive reached child protection (UiDeployment's consent shares alerts)");
        browser.signIn(PARENT.userId(), PASSWORD);
        browser.open("/me");
        List<WebElement> told = browser.driver.findElements(By.cssSelector("#alerts-sent li.alert-sent"));
        Set<String> inInbox = inbox.stream().map(Alert::key).collect(Collectors.toCollection(TreeSet::new));
        Set<String> onThePage = told.stream().map(e -> e.getAttribute("data-alert")).collect(Collectors.toCollection(TreeSet::new));
        assertEquals(inInbox, onThePage,
                "the parent's page and the child-protection inbox name the same alerts");
        for (WebElement e : told) {
            assertTrue(e.getText().contains("Lastensuojelu, tiimi 1"), e.getText());
        }
        // The same time as the alert's, as the pages write it in Finnish.
        java.time.format.DateTimeFormatter finnish = java.time.format.DateTimeFormatter.ofLocalizedDateTime(java.time.format.FormatStyle.MEDIUM,
                java.time.format.FormatStyle.SHORT).withLocale(new java.util.Locale("fi", "FI")).withZone(ZONE);
        for (Alert a : inbox) {
            String when = finnish.format(a.raisedAt());
            assertTrue(told.stream().anyMatch(e -> e.getText().startsWith(when)), when + " in " + browser.find("#alerts-sent").getText());
        }

        // Another parent with no consent is told that nothing went.
        assertTrue(deployment.receiver.care().alerts().sentToChildProtection(org.breathgate.care.access.Actor.parent("parent.b", "client-b"))
                .isEmpty());
    }

    // ------------------------------------------------------------------ feedback

    @Test
    @Order(3)
    void feedback_goes_from_the_parent_to_the_service_and_nothing_about_results_is_stored() throws Exception {
        browser.signIn(PARENT.userId(), PASSWORD);
        browser.open("/me");
        browser.find("#feeling-mixed").click();
        browser.find("#feedback-words").sendKeys("Aamun testi on liian aikaisin.");
        browser.find("#feedback-contact").click();
        browser.clickAndWait(browser.find("form[action='/me/feedback'] button[type=submit]"));
        assertEquals("/me", browser.path());
        assertEquals("Kiitos palautteestasi.", text("p.message[role=status]"));
        assertEquals("", browser.find("#feedback-words").getAttribute("value"), "what was sent is not put back in the field");

        List<String> columns = new ArrayList<>();
        List<List<String>> rows = Sql.read(deployment.receiver.database(), "the feedback", c -> {
            List<List<String>> out = new ArrayList<>();
            try (PreparedStatement q = c.prepareStatement("select * from care_parent_feedback"); ResultSet rs = q.executeQuery()) {
                ResultSetMetaData meta = rs.getMetaData();
                for (int i = 1; i <= meta.getColumnCount(); i++) {
                    columns.add(meta.getColumnName(i).toLowerCase(java.util.Locale.ROOT));
                }
                while (rs.next()) {
                    List<String> row = new ArrayList<>();
                    for (int i = 1; i <= meta.getColumnCount(); i++) {
                        row.add(rs.getString(i));
                    }
                    out.add(row);
                }
            }
            return out;
        });
        assertEquals(List.of("feedback_id", "client_id", "organisation_id", "given_at_ms", "feeling", "words", "contact_wanted"), columns,
                "no device, sequence number, reading, alert or event is stored with feedback");
        assertEquals(1, rows.size());
        List<String> row = rows.get(0);
        assertEquals("client-a", row.get(1));
        assertEquals("sa-1", row.get(2));
        assertEquals("mixed", row.get(4));
        assertEquals("Aamun testi on liian aikaisin.", row.get(5));
        assertEquals("1", row.get(6));
        for (String value : row) {
            assertFalse(value.contains(DEVICE), "nothing names the device: " + value);
        }

        browser.signIn(SA.userId(), PASSWORD);
        browser.open("/feedback");
        String worker = text(".feedback-list tbody");
        assertTrue(worker.contains("Parent A") && worker.contains("Aamun testi on liian aikaisin.") && worker.contains("Vaihtelevasti")
                && worker.contains("Kyllä"), worker);
        browser.screenshot("feedback-worker-fi");

        browser.signIn(ADMIN.userId(), PASSWORD);
        browser.open("/feedback");
        String admin = text(".feedback-list tbody");
        assertTrue(admin.contains("Aamun testi on liian aikaisin.") && admin.contains("Sodankylän päihdepalvelut"), admin);
        assertFalse(admin.contains("Parent A"), "an administrator reads feedback without who gave it");

        browser.signIn(CP1.userId(), PASSWORD);
        browser.open("/feedback");
        assertEquals("Tehtävä ei kuulu roolisi tehtäviin.", text("p.message"));

        Set<String> audited = Sql.read(deployment.receiver.database(), "the audit", c -> {
            Set<String> out = new TreeSet<>();
            try (PreparedStatement q = c.prepareStatement("select actor, action from care_audit_log where action like 'feedback.%' "
                    + "or (action = 'access.denied' and subject_type = 'feedback')"); ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1) + " " + rs.getString(2));
                }
            }
            return out;
        });
        assertTrue(audited.contains(PARENT.userId() + " feedback.given"), audited.toString());
        assertTrue(audited.contains(SA.userId() + " feedback.viewed"), audited.toString());
        assertTrue(audited.contains(ADMIN.userId() + " feedback.viewed"), audited.toString());
        assertTrue(audited.stream().anyMatch(s -> s.startsWith(CP1.userId() + " ")), "the refusal is audited: " + audited);
    }

    @Test
    @Order(4)
    void an_empty_answer_is_refused_in_plain_words_and_stores_nothing() {
        browser.signIn(PARENT.userId(), PASSWORD);
        browser.open("/me");
        long before = count();
        browser.clickAndWait(browser.find("form[action='/me/feedback'] button[type=submit]"));
        assertEquals("Valitse vaihtoehto, kirjoita jotain tai pyydä yhteydenottoa.", text("p.message"));
        assertEquals(before, count());
    }

    private long count() {
        return Sql.read(deployment.receiver.database(), "counting feedback", c -> {
            try (PreparedStatement q = c.prepareStatement("select count(*) from care_parent_feedback"); ResultSet rs = q.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }
}
