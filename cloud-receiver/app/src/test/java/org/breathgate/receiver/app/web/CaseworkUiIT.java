package org.breathgate.receiver.app.web;

import org.breathgate.protocol.ConfigUpdate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;

import static org.breathgate.receiver.app.web.UiDeployment.ADMIN;
import static org.breathgate.receiver.app.web.UiDeployment.CP1;
import static org.breathgate.receiver.app.web.UiDeployment.CP2;
import static org.breathgate.receiver.app.web.UiDeployment.PASSWORD;
import static org.breathgate.receiver.app.web.UiDeployment.SA;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A worker's whole day on the pages, in Debian's headless Chromium (issue 19): a new client set up from nothing (device,
 * schedule said back in plain words in fi/sv/en, threshold, responsible workers, closing), the administrator's own page, and
 * what a newcomer found: alert texts in the reader's language with its decimal sign, counts with plural rules, date fields in
 * the page's order, a missing client answered as a refusal, retests naming the test they answer, a child-protection worker
 * shown no hint of what consent withholds. Screenshots go to {@code <build dir>/screenshots/casework-*}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CaseworkUiIT {

    private UiDeployment deployment;
    private Browser browser;

    @BeforeAll
    void start() throws Exception {
        deployment = new UiDeployment();
        Path build = Path.of(System.getProperty("project.build.directory", "target"));
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

    private void submit(String formAction) {
        browser.clickAndWait(browser.find("form[action='" + formAction + "'] button[type=submit]"));
    }

    private static void type(WebElement field, String text) {
        field.clear();
        field.sendKeys(text);
    }

    @Test
    void a_new_client_is_set_up_from_the_pages_and_the_schedule_is_said_back_in_each_language() throws Exception {
        signIn(SA);
        browser.clickAndWait(browser.find("a[href='/clients/new']"));
        type(browser.find("#client-id"), "case-2026-42");
        type(browser.find("#client-name"), "Áilu Čuđe");
        browser.screenshot("casework-new-client-fi");
        submit("/clients");
        assertEquals("/clients/case-2026-42/case", browser.path());
        assertTrue(browser.text().contains("Asia avattiin"), browser.text());

        new Select(browser.find("#lend-device")).selectByValue(UiDeployment.QUIET_DEVICE);
        submit("/clients/case-2026-42/lend");
        assertTrue(browser.find("#loans").getText().contains(UiDeployment.QUIET_DEVICE), browser.find("#loans").getText());
        ConfigUpdate lent = lastConfig();
        assertEquals(100, lent.threshold().microgramsPerLitre(), "the device has the client's threshold from the first minute");

        type(browser.find("#slots"), "08:00, 20:00");
        type(browser.find("#max-retests"), "1");
        type(browser.find("#random-per-day"), "2");
        type(browser.find("#random-from"), "9.00");
        type(browser.find("#random-until"), "21.00");
        new Select(browser.find("#language")).selectByValue("sv");
        submit("/clients/case-2026-42/schedule");
        ConfigUpdate config = lastConfig();
        assertEquals("sv", config.language(), "the schedule reaches the device in the parent's language");
        assertEquals(3600, config.statusIntervalSeconds());
        assertEquals(new org.breathgate.protocol.Schedule.RandomTests(2, java.time.LocalTime.of(9, 0), java.time.LocalTime.of(21, 0), 30),
                config.schedule().random(), "random tests reach the device as typed, the Finnish way with a dot");
        String words = browser.find("ul.schedule-words").getText();
        assertTrue(words.contains("2 satunnaista testiä päivässä"), words);
        assertTrue(words.contains("Joka päivä klo 8.00 ja 20.00."), words);
        assertTrue(words.contains("enintään kerran"), "ICU plural for one: " + words);
        assertTrue(words.contains("0,100 mg/L"), words);
        assertTrue(words.contains("ruotsi"), words);
        browser.screenshot("casework-case-fi");
        browser.language("sv");
        words = browser.find("ul.schedule-words").getText();
        assertTrue(words.contains("Varje dag kl. 08") && words.contains(" och 20"), words);
        assertTrue(words.contains("högst en gång"), words);
        assertTrue(words.contains("2 slumpmässiga prov per dag"), words);
        browser.screenshot("casework-case-sv");
        browser.language("en");
        words = browser.find("ul.schedule-words").getText();
        assertTrue(words.contains("Every day at"), words);
        assertTrue(words.contains("at most once") && words.contains("15 minutes") && words.contains("0.100 mg/L"), words);
        assertTrue(words.contains("2 random tests a day between") && words.contains("announced only when due"), words);
        browser.screenshot("casework-case-en");
        browser.language("fi");

        submit("/clients/case-2026-42/request-test");
        assertTrue(browser.text().contains("Laitteelle lähetettiin pyyntö testata 30 minuutin kuluessa."), browser.text());
        assertEquals(List.of(UiDeployment.QUIET_DEVICE + " 1 sanna.sa"), deployment.receiver.database().inTransaction(c -> {
            List<String> rows = new java.util.ArrayList<>();
            try (var q = c.prepareStatement("select device_id, request, issued_by from care_test_requests where client_id = 'case-2026-42'");
                 var rs = q.executeQuery()) {
                while (rs.next()) {
                    rows.add(rs.getString(1) + " " + rs.getLong(2) + " " + rs.getString(3));
                }
            }
            return rows;
        }), "the request is stored, numbered and signed for the lent device");
        assertEquals(1L, (long) deployment.receiver.database().inTransaction(c -> {
            try (var q = c.prepareStatement("select count(*) from care_audit_log where action = 'test.requested' and subject_id = 'case-2026-42'");
                 var rs = q.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }), "and audited");

        type(browser.find("#threshold-value"), "0,150");
        submit("/clients/case-2026-42/threshold");
        assertEquals(150, lastConfig().threshold().microgramsPerLitre(), "a new threshold reaches the device at once");
        assertEquals("sv", lastConfig().language(), "and keeps the language");

        new Select(browser.find("#responsible")).selectByValue(SA.userId());
        submit("/clients/case-2026-42/workers");
        assertTrue(browser.text().contains("Vastuutyöntekijä: " + SA.userId()), browser.text());

        browser.find("#close-confirm").click();
        submit("/clients/case-2026-42/close");
        assertTrue(browser.text().contains("palauta laite ensin") || browser.text().contains("take it back first")
                || browser.find("h1").getText().contains("ei voitu"), "closing needs the device back: " + browser.text());
        browser.open("/clients/case-2026-42/case");
        browser.find("#return-confirm").click();
        submit("/clients/case-2026-42/return");
        browser.find("#close-confirm").click();
        submit("/clients/case-2026-42/close");
        assertTrue(browser.text().contains("Asia suljettiin"), browser.text());
        assertTrue(browser.find("#loans").getText().contains(UiDeployment.QUIET_DEVICE));
        browser.screenshot("casework-case-closed-fi");
    }

    private ConfigUpdate lastConfig() throws Exception {
        return deployment.receiver.care().schedules().current(SA, "case-2026-42").orElseThrow().config();
    }

    @Test
    void the_administrator_lands_on_their_own_page_and_keeps_the_contact_lists() {
        signIn(ADMIN);
        assertEquals("/admin", browser.path());
        WebElement onCall = browser.find("#on-call-1");
        type(onCall, SA.userId());
        browser.screenshot("casework-admin-fi");
        browser.clickAndWait(browser.find("form[action='/admin/contacts'] button[type=submit]"));
        assertTrue(browser.text().contains("Listat tallennettiin."), browser.text());
        browser.language("sv");
        assertTrue(browser.find("h1").getText().contains("Administration"));
        browser.screenshot("casework-admin-sv");
        browser.language("en");
        browser.screenshot("casework-admin-en");
        browser.language("fi");
    }

    @Test
    void a_client_that_does_not_exist_is_answered_as_one_the_reader_may_not_know_of() throws Exception {
        signIn(CP2);
        browser.open("/clients/client-a"); // exists; no consent for cp-2
        String refused = browser.find("main").getText();
        int refusedStatus = status("/clients/client-a");
        browser.open("/clients/no-such-client");
        String missing = browser.find("main").getText();
        assertEquals(refused, missing, "the same words: ids cannot be probed");
        assertEquals(refusedStatus, status("/clients/no-such-client"));
        assertEquals(404, refusedStatus);
        browser.screenshot("casework-not-found-fi");
    }

    private int status(String path) throws Exception {
        String cookie = browser.driver.manage().getCookieNamed("__Host-breathgate_session").getValue();
        HttpResponse<Void> r = deployment.http().send(HttpRequest.newBuilder(URI.create(deployment.baseUrl + path))
                .header("Cookie", "__Host-breathgate_session=" + cookie).GET().build(), HttpResponse.BodyHandlers.discarding());
        return r.statusCode();
    }

    @Test
    void alert_texts_follow_the_readers_language_and_decimal_sign_and_counts_their_plural_rules() {
        signIn(SA);
        browser.open("/alerts");
        String fi = cardWithValue();
        assertTrue(fi.contains("0,250 mg/L") && !fi.contains("0.250"), "Finnish decimal comma: " + fi);
        assertFalse(fi.contains("Confirmed positive"), "no English on a Finnish page: " + fi);
        assertTrue(browser.find("h1").getText().equals("Hälytykset"), "hälytys, not ilmoitus");
        browser.screenshot("casework-alerts-fi");
        browser.language("sv");
        String sv = cardWithValue();
        assertTrue(sv.contains("0,250 mg/L"), sv);
        assertEquals("Larm", browser.find("h1").getText());
        browser.screenshot("casework-alerts-sv");
        browser.language("en");
        String en = cardWithValue();
        assertTrue(en.contains("0.250 mg/L"), en);
        browser.open("/caseload");
        browser.screenshot("casework-caseload-en");
        assertTrue(browser.text().matches("(?s).*\\b\\d+ open\\b.*"), browser.text());
        browser.screenshot("casework-alerts-en");
        browser.language("fi");
    }

    /** The card of the alert that rests on measured values (the confirmed positive). */
    private String cardWithValue() {
        return browser.driver.findElements(By.cssSelector("article.alert-card")).stream().map(WebElement::getText)
                .filter(t -> t.contains("mg/L")).findFirst().orElseThrow(() -> new AssertionError(browser.text()));
    }

    @Test
    void dates_are_typed_in_the_pages_order_and_the_period_offers_today_a_week_and_four_weeks() {
        signIn(SA);
        browser.open("/clients/client-a");
        assertFalse(browser.driver.findElements(By.cssSelector("#from")).isEmpty(), browser.text());
        WebElement from = browser.find("#from");
        assertEquals("text", from.getAttribute("type"), "not the browser's own date picker, which follows its locale");
        assertTrue(from.getAttribute("value").matches("\\d{1,2}\\.\\d{1,2}\\.\\d{4}"), from.getAttribute("value"));
        List<String> quick = browser.driver.findElements(By.cssSelector(".quick a")).stream().map(WebElement::getText).toList();
        assertEquals(List.of("tänään", "7 päivää", "28 päivää"), quick);
        type(browser.find("#from"), "1.1.2026");
        browser.clickAndWait(browser.find("form.period button"));
        assertEquals("1.1.2026", browser.find("#from").getAttribute("value"));
        browser.language("en");
        assertTrue(browser.find("#from").getAttribute("value").matches("\\d{1,2}/\\d{1,2}/\\d{4}"), browser.find("#from").getAttribute("value"));
        assertEquals(List.of("today", "7 days", "28 days"),
                browser.driver.findElements(By.cssSelector(".quick a")).stream().map(WebElement::getText).toList());
        browser.language("fi");
    }

    @Test
    void the_devices_page_says_its_figures_come_from_the_last_heartbeat() {
        signIn(UiDeployment.TECH);
        String row = browser.find("table.devices tbody tr").getText();
        assertTrue(row.contains("viimeisestä tilaviestistä"), row);
        browser.language("sv");
        assertTrue(browser.find("table.devices tbody tr").getText().contains("senaste statusmeddelandet"));
        browser.language("en");
        assertTrue(browser.find("table.devices tbody tr").getText().contains("from the last heartbeat at"));
        browser.screenshot("casework-devices-en");
        browser.language("fi");
    }

    @Test
    void a_retest_that_showed_no_alcohol_does_not_say_it_confirms_its_test() {
        signIn(SA);
        browser.open("/clients/client-a");
        long passedRetest = deployment.sent.entrySet().stream()
                .filter(e -> e.getValue() instanceof org.breathgate.protocol.Reading r
                        && r.reason() instanceof org.breathgate.protocol.TestReason.Retest && !r.positive())
                .mapToLong(java.util.Map.Entry::getKey).findFirst().orElseThrow();
        String row = browser.find("#ev-home-0001-" + passedRetest).getText();
        assertFalse(row.contains("varmistaa testin"), row);
        assertTrue(row.contains("se ei varmistanut sitä"), row);
    }

    @Test
    void a_child_protection_worker_gets_no_count_of_what_consent_withholds_and_the_period_of_the_consent() {
        signIn(CP1);
        browser.open("/clients/client-a?days=366");
        assertFalse(browser.driver.findElements(By.cssSelector("#from")).isEmpty(), browser.text());
        assertTrue(browser.driver.findElements(By.cssSelector("#withheld")).isEmpty(), "no withheld count");
        assertTrue(browser.find("#consent-only").isDisplayed());
        assertFalse(browser.find("#from").getAttribute("value").endsWith("2020"), "the period is cut to the consent");
        browser.screenshot("casework-child-protection-timeline-fi");
    }
}
