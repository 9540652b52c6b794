package org.breathgate.receiver.app.web;

import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;
import org.breathgate.care.alert.Alert;
import org.breathgate.care.alert.AlertKind;
import org.breathgate.care.alert.AlertStatus;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.breathgate.receiver.app.web.UiDeployment.ADMIN;
import static org.breathgate.receiver.app.web.UiDeployment.CP1;
import static org.breathgate.receiver.app.web.UiDeployment.CP2;
import static org.breathgate.receiver.app.web.UiDeployment.PARENT;
import static org.breathgate.receiver.app.web.UiDeployment.PASSWORD;
import static org.breathgate.receiver.app.web.UiDeployment.SA;
import static org.breathgate.receiver.app.web.UiDeployment.TECH;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The web pages in a real headless Chromium (Debian's chromium + chromedriver) against a running receiver
 * over HTTPS, with a real SQLite database and evidence that arrived over MQTT ({@link UiDeployment}).
 * Screenshots of the main pages go to {@code <build dir>/screenshots/}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WebUiIT {

    private UiDeployment deployment;
    private Browser browser;

    @BeforeAll
    void start() throws Exception {
        deployment = new UiDeployment();
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

    private void signIn(org.breathgate.care.access.Actor who) {
        browser.signIn(who.userId(), PASSWORD);
    }

    // ------------------------------------------------------------------ roles

    @Test
    void each_role_lands_on_its_own_page_and_sees_only_what_it_may() {
        signIn(SA);
        assertEquals("/caseload", browser.path());
        assertTrue(browser.text().contains("Parent A"), browser.text());
        assertTrue(browser.text().contains("Parent B"), browser.text());
        browser.screenshot("caseload-substance-abuse-worker-fi");
        browser.open("/devices");
        assertEquals("Tehtävä ei kuulu roolisi tehtäviin.", browser.find("p.message").getText());

        signIn(CP1);
        assertEquals("/caseload", browser.path());
        assertTrue(browser.text().contains("Parent A"), "consent for cp-1 covers Parent A");
        assertFalse(browser.text().contains("Parent B"), "no consent for Parent B");
        browser.screenshot("caseload-child-protection-worker-fi");

        signIn(CP2);
        assertFalse(browser.text().contains("Parent A"), "no consent for cp-2");
        browser.open("/clients/client-a");
        // Without a consent the unit may not even know the client exists: answered exactly as an unknown client.
        assertEquals("Asiakasta ei löydy", browser.find("h1").getText());
        assertEquals("Asiakasta ei ole, tai hänen tietonsa eivät ole sinun nähtävissäsi.", browser.find("p.message").getText());
        browser.screenshot("denied-child-protection-worker-without-consent-fi");

        signIn(TECH);
        assertEquals("/devices", browser.path());
        assertTrue(browser.text().contains(UiDeployment.DEVICE), browser.text());
        assertTrue(browser.text().contains(UiDeployment.QUIET_DEVICE), browser.text());
        assertFalse(browser.text().contains("Parent A"), "a technician sees no clients");
        browser.screenshot("devices-technician-fi");
        browser.find("#code-note").sendKeys("Kittilä, perhe K.");
        browser.clickAndWait(browser.find("form[action='/devices/enrollment-codes'] button"));
        String code = browser.find("#enrollment-code").getText();
        assertTrue(code.matches("[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}"), code);
        assertTrue(browser.text().contains("Kittilä, perhe K."), browser.text());
        browser.screenshot("enrollment-code-technician-fi");
        browser.open("/clients/client-a");
        assertEquals("Asiakasta ei löydy", browser.find("h1").getText(), "a technician is told nothing of clients");
        browser.open("/alerts");
        assertEquals("Tehtävä ei kuulu roolisi tehtäviin.", browser.find("p.message").getText());

        signIn(ADMIN);
        assertEquals("/admin", browser.path(), "the administrator's own first page, not the technician's");
        browser.open("/clients/client-a");
        assertEquals("Asiakasta ei löydy", browser.find("h1").getText());

        signIn(PARENT);
        assertEquals("/me", browser.path());
        assertTrue(browser.text().contains("Lastensuojelu, tiimi 1"), "the parent sees who has access: " + browser.text());
        assertTrue(browser.text().contains("Sodankylän päihdepalvelut"), browser.text());
        browser.clickAndWait(browser.find("#details-link")); // the workers' table, one click from the first screen
        assertEquals("/me/details", browser.path());
        assertTrue(browser.text().contains("Lastensuojelu, tiimi 1"), "the details say who has access: " + browser.text());
        assertFalse(browser.find("svg.chart").getAttribute("aria-labelledby").isEmpty());
        browser.screenshot("me-parent-fi");
        browser.screenshotOf("doc-parent-access-fi", "#access");
        browser.screenshotAsPhone("me-parent-phone-fi");
        int phoneWidth = browser.pageWidthAt(390);
        assertTrue(phoneWidth <= 390, "on a phone the page fits its width (wide tables scroll inside it): " + phoneWidth);
        browser.open("/clients/client-b");
        assertEquals("Asiakasta ei löydy", browser.find("h1").getText(), "another parent's page is answered as an unknown one");
        browser.open("/devices");
        assertEquals("Tehtävä ei kuulu roolisi tehtäviin.", browser.find("p.message").getText());
    }

    @Test
    void pages_need_a_sign_in_and_come_back_after_it() {
        browser.driver.manage().deleteAllCookies();
        browser.open("/clients/client-a?days=7");
        assertEquals("/login", browser.path());
        browser.driver.findElement(By.id("username")).sendKeys(SA.userId());
        browser.driver.findElement(By.id("password")).sendKeys(PASSWORD);
        browser.clickAndWait(browser.find("form[action='/login'] button"));
        assertEquals("/clients/client-a", browser.path());

        browser.driver.manage().deleteAllCookies();
        browser.open("/login");
        browser.driver.findElement(By.id("username")).sendKeys(SA.userId());
        browser.driver.findElement(By.id("password")).sendKeys("wrong password");
        browser.clickAndWait(browser.find("form[action='/login'] button"));
        assertEquals("Käyttäjätunnus tai salasana ei ole oikein.", browser.find("#login-error").getText());
        browser.screenshot("login-failed-fi");
    }

    // ------------------------------------------------------------------ timeline

    @Test
    void a_timeline_shows_the_chart_with_its_threshold_the_table_and_the_unsynchronised_clock() {
        signIn(SA);
        browser.consoleMessages();
        browser.open("/clients/client-a");
        List<String> console = browser.consoleMessages();
        assertTrue(console.stream().noneMatch(m -> m.contains("Content Security Policy") || m.contains("Refused")),
                "the page keeps to its Content-Security-Policy: " + console);
        WebElement chart = browser.find("svg.chart");
        assertEquals("img", chart.getAttribute("role"));
        assertTrue(browser.find("#chart-desc").getAttribute("textContent").contains("0,100 mg/L"), "threshold in the text alternative");
        assertEquals(1, browser.driver.findElements(By.cssSelector("svg.chart line.threshold")).size());
        assertTrue(browser.driver.findElements(By.cssSelector("svg.chart g.mark.unsynced")).size() >= 1, "unsynced reading drawn as such");
        assertEquals(1, browser.driver.findElements(By.cssSelector("svg.chart g.mark.missed")).size());
        assertEquals(1, browser.driver.findElements(By.cssSelector("svg.chart g.mark.tamper")).size());

        List<WebElement> rows = browser.driver.findElements(By.cssSelector("table.events tbody tr"));
        assertEquals(deployment.sent.size(), rows.size(), "one table row per event");
        assertEquals(deployment.sent.size(), browser.driver.findElements(By.cssSelector("svg.chart g.mark")).size(), "one mark per event");

        WebElement unsynced = browser.find("#ev-home-0001-" + deployment.unsyncedSeq);
        assertTrue(unsynced.getText().contains("ei asetettu: aika epävarma"), unsynced.getText());
        assertTrue(unsynced.getText().contains("tapahtui välillä"), unsynced.getText());

        WebElement retest = browser.find("#ev-home-0001-" + deployment.confirmingRetestSeq);
        WebElement link = retest.findElement(By.cssSelector("a[href='#ev-home-0001-" + deployment.confirmedPositiveSeq + "']"));
        // It names the test it confirms by its time, not by a sequence number of the device.
        assertTrue(link.getText().matches("varmistaa testin \\d{1,2}\\.\\d{1,2}\\.\\d{4}\\D+\\d{1,2}[.:]\\d{2}"), link.getText());
        assertTrue(retest.getText().contains("0,230"), "mg/L value: " + retest.getText());
        assertTrue(retest.getText().contains("≈ 0,52"), "per mille by FI-RL-23 (0.230 × 2.27): " + retest.getText());
        link.click();
        assertTrue(browser.driver.getCurrentUrl().endsWith("#ev-home-0001-" + deployment.confirmedPositiveSeq));

        for (WebElement row : rows) {
            assertTrue(row.getText().contains("✓ tarkistettu"), "every signature verified: " + row.getText());
            assertTrue(row.getText().contains("laite home-0001, avain 1"), row.getText());
        }
        assertTrue(browser.find("table.compliance").getText().contains("Viikko"), "weekly compliance at a glance");
        assertTrue(browser.find("a[href^='/api/v1/clients/client-a/report.pdf']").isDisplayed());
        browser.screenshot("timeline-substance-abuse-worker-fi");
        browser.screenshotOfTop("doc-timeline-top-fi");
        browser.screenshotOf("doc-timeline-chart-fi", "section[aria-labelledby='chart-heading']");

        browser.language("sv");
        assertEquals("sv", browser.find("html").getAttribute("lang"));
        assertTrue(browser.text().contains("Alla händelser"), browser.text());
        assertTrue(browser.find("#ev-home-0001-" + deployment.unsyncedSeq).getText().contains("inte inställd: tiden osäker"));
        browser.screenshot("timeline-substance-abuse-worker-sv");
        browser.language("en");
        assertEquals("en", browser.find("html").getAttribute("lang"));
        assertTrue(browser.find("#ev-home-0001-" + deployment.confirmingRetestSeq).getText().contains("0.230"), "English decimal point");
        browser.screenshot("timeline-substance-abuse-worker-en");
        browser.language("fi");
        assertEquals("fi", browser.find("html").getAttribute("lang"));
    }

    @Test
    void a_child_protection_worker_sees_results_but_never_support_requests_or_tamper_signals() {
        signIn(CP1);
        browser.open("/clients/client-a");
        assertTrue(browser.text().contains("Testissä havaittiin alkoholia"), browser.text());
        assertFalse(browser.text().contains("Pyysi tukea"), "support requests are for the substance-abuse service only");
        // Withheld without a hint: no count of what consent does not cover, a plain sentence instead.
        assertTrue(browser.driver.findElements(By.cssSelector("#withheld")).isEmpty(), "no count of withheld events");
        assertTrue(browser.find("#consent-only").getText().contains("suostumus"), browser.find("#consent-only").getText());
        browser.screenshot("timeline-child-protection-worker-fi");
    }

    // ------------------------------------------------------------------ alerts

    @Test
    void a_worker_acknowledges_an_alert_with_a_note() {
        signIn(SA);
        browser.open("/alerts");
        List<WebElement> cards = browser.driver.findElements(By.cssSelector("article.alert-card"));
        assertFalse(cards.isEmpty(), "the confirmed positive is waiting");
        browser.screenshot("alerts-substance-abuse-worker-fi");
        browser.screenshotOfTop("doc-alerts-top-fi");
        WebElement card = cards.stream().filter(c -> c.getText().contains("Myös uusintatestissä havaittiin alkoholia")).findFirst()
                .orElseThrow(() -> new AssertionError("no confirmed-positive alert: " + browser.text()));
        String note = "Soitin vanhemmalle, tapaaminen huomenna klo 10. <script>alert(1)</script>";
        card.findElement(By.tagName("textarea")).sendKeys(note);
        browser.clickAndWait(card.findElement(By.cssSelector("button[type=submit]")));

        assertEquals("/alerts", browser.path());
        assertEquals("Kuittaus tallennettiin.", browser.find("p.message[role=status]").getText());
        assertTrue(browser.driver.getTitle().startsWith("Kuittaus tallennettiin. – Hälytykset ("),
                "the window title, read first, says it was saved and how many wait: " + browser.driver.getTitle());
        assertTrue(browser.text().contains(note), "the note is shown as text, not run: " + browser.text());
        List<Alert> inbox = deployment.receiver.care().alerts().alertsFor(SA);
        Alert confirmed = inbox.stream().filter(a -> a.kind() == AlertKind.CONFIRMED_POSITIVE).findFirst().orElseThrow();
        assertEquals(AlertStatus.ACKNOWLEDGED, confirmed.status());
        assertEquals(note, confirmed.acknowledgement().note());
        assertEquals(SA.userId(), confirmed.acknowledgement().by());
    }

    // ------------------------------------------------------------------ consent

    @Test
    void revoking_a_consent_takes_the_child_protection_workers_access_away() {
        signIn(SA);
        browser.open("/clients/client-a/consents");
        new org.openqa.selenium.support.ui.Select(browser.find("#unit")).selectByValue("cp-2");
        browser.find("#scope-alerts").click();
        browser.clickAndWait(browser.find("form[action='/clients/client-a/consents'] button[type=submit]"));
        assertEquals("Tallennettu.", browser.find("p.message[role=status]").getText());
        browser.screenshot("consents-substance-abuse-worker-fi");

        signIn(CP2);
        browser.open("/clients/client-a");
        assertEquals("Parent A Aikajana", browser.find("h1").getText().replace('\n', ' '));

        signIn(SA);
        browser.open("/clients/client-a/consents");
        WebElement consent = browser.driver.findElements(By.cssSelector("article.consent")).stream()
                .filter(a -> a.findElement(By.tagName("h3")).getText().startsWith("Lastensuojelu, tiimi 2") && a.getText().contains("voimassa"))
                .findFirst().orElseThrow(() -> new AssertionError(browser.text()));
        consent.findElement(By.cssSelector("input[name=confirm]")).click();
        browser.clickAndWait(consent.findElement(By.cssSelector("form.revoke button")));
        List<WebElement> unit2 = browser.driver.findElements(By.cssSelector("article.consent")).stream()
                .filter(a -> a.findElement(By.tagName("h3")).getText().startsWith("Lastensuojelu, tiimi 2")).toList();
        assertTrue(unit2.stream().noneMatch(a -> a.getText().contains("voimassa")), "no consent to cp-2 in force");
        assertTrue(unit2.stream().allMatch(a -> a.getText().contains("peruutettu")));
        assertTrue(unit2.stream().anyMatch(a -> a.findElements(By.cssSelector("table.history tbody tr")).size() == 2),
                "the history keeps the consent as given and its withdrawal");

        signIn(CP2);
        assertFalse(browser.text().contains("Parent A"), "gone from the caseload");
        browser.open("/clients/client-a");
        assertEquals("Vanhempi on peruuttanut suostumuksen.", browser.find("p.message").getText());
    }

    @Test
    void a_parent_withdraws_their_own_consent_and_the_unit_loses_access() {
        signIn(SA);
        browser.open("/clients/client-b/consents");
        new org.openqa.selenium.support.ui.Select(browser.find("#unit")).selectByValue("cp-2");
        browser.clickAndWait(browser.find("form[action='/clients/client-b/consents'] button[type=submit]"));
        assertEquals("Tallennettu.", browser.find("p.message[role=status]").getText());
        signIn(CP2);
        assertTrue(browser.text().contains("Parent B"), browser.text());

        // Parent A's consent to cp-1 stays for the other tests; a consent to cp-2 is recorded here for the parent to withdraw.
        signIn(SA);
        browser.open("/clients/client-a/consents");
        new org.openqa.selenium.support.ui.Select(browser.find("#unit")).selectByValue("cp-2");
        browser.clickAndWait(browser.find("form[action='/clients/client-a/consents'] button[type=submit]"));
        signIn(CP2);
        browser.open("/clients/client-a");
        assertTrue(browser.find("h1").getText().startsWith("Parent A"), browser.text());

        signIn(PARENT);
        browser.open("/me/details"); // consents are withdrawn on the details page
        WebElement consent = browser.driver.findElements(By.cssSelector("#access article.consent")).stream()
                .filter(a -> a.findElement(By.tagName("h3")).getText().startsWith("Lastensuojelu, tiimi 2")
                        && a.getText().contains("voimassa")).findFirst().orElseThrow(() -> new AssertionError(browser.text()));
        consent.findElement(By.cssSelector("input[name=confirm]")).click();
        browser.clickAndWait(consent.findElement(By.cssSelector("form.revoke button")));
        assertEquals("/me/details", browser.path());
        assertEquals("Suostumuksesi peruutettiin. Yksikkö ei enää näe tietojasi.", browser.find("p.message[role=status]").getText());
        assertTrue(browser.driver.getTitle().startsWith("Suostumuksesi peruutettiin."), browser.driver.getTitle());

        signIn(CP2);
        assertTrue(browser.text().contains("Parent B"), "the consent for Parent B still holds");
        browser.open("/clients/client-a");
        assertEquals("Vanhempi on peruuttanut suostumuksen.", browser.find("p.message").getText());
    }

    // ------------------------------------------------------------------ report

    @Test
    void the_report_link_downloads_a_pdf_with_the_clients_results() throws Exception {
        signIn(SA);
        browser.open("/clients/client-a");
        String href = browser.find("a[href^='/api/v1/clients/client-a/report.pdf']").getAttribute("href");
        Cookie session = browser.driver.manage().getCookieNamed("__Host-breathgate_session");
        HttpResponse<byte[]> response = http().send(HttpRequest.newBuilder(URI.create(href)).timeout(Duration.ofSeconds(30))
                .header("Cookie", session.getName() + "=" + session.getValue()).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, response.statusCode(), new String(response.body()));
        assertEquals("application/pdf", response.headers().firstValue("Content-Type").orElse("").split(";")[0]);
        try (PDDocument pdf = Loader.loadPDF(response.body())) {
            String text = new PDFTextStripper().getText(pdf);
            assertTrue(text.contains("Parent A"), text);
            assertTrue(text.contains("0,250"), "the confirmed positive's value: " + text);
            assertTrue(text.contains("home-0001"), "which device signed: " + text);
        }
    }

    private HttpClient http() throws Exception {
        return deployment.http();
    }

    // ------------------------------------------------------------------ keyboard

    @Test
    void signing_in_works_with_the_keyboard_alone_and_focus_is_visible() {
        browser.driver.manage().deleteAllCookies();
        browser.open("/login");
        Actions keys = new Actions(browser.driver);
        keys.sendKeys(Keys.TAB).perform();
        WebElement first = browser.driver.switchTo().activeElement();
        assertEquals("skip-link", first.getAttribute("class"), "the skip link comes first");
        assertNotEquals("none", first.getCssValue("outline-style"), "focus is visible");
        keys.sendKeys(Keys.ENTER).perform();
        // From the skip link's target (main), the next Tab stops in the form.
        WebElement username = null;
        for (int i = 0; i < 10 && username == null; i++) {
            keys.sendKeys(Keys.TAB).perform();
            WebElement active = browser.driver.switchTo().activeElement();
            if ("username".equals(active.getAttribute("id"))) {
                username = active;
            }
        }
        assertTrue(username != null, "Tab reaches the user name field");
        assertNotEquals("none", username.getCssValue("outline-style"));
        keys.sendKeys(SA.userId()).sendKeys(Keys.TAB).perform();
        assertEquals("password", browser.driver.switchTo().activeElement().getAttribute("id"));
        keys.sendKeys(PASSWORD).sendKeys(Keys.ENTER).perform();
        new org.openqa.selenium.support.ui.WebDriverWait(browser.driver, Duration.ofSeconds(30)).until(d -> browser.path().equals("/caseload"));
        Object focusable = ((JavascriptExecutor) browser.driver).executeScript(
                "return document.querySelectorAll('a[href], button, input, select, textarea').length");
        assertTrue(((Number) focusable).intValue() > 3);
    }

    @Test
    void the_login_page_looks_right_in_each_language() {
        browser.driver.manage().deleteAllCookies();
        browser.open("/login");
        assertEquals("Kirjaudu sisään", browser.find("h1").getText());
        browser.screenshot("login-fi");
        browser.language("sv");
        assertEquals("Logga in", browser.find("h1").getText());
        browser.screenshot("login-sv");
        browser.language("en");
        assertEquals("Sign in", browser.find("h1").getText());
        browser.language("fi");
    }
}
