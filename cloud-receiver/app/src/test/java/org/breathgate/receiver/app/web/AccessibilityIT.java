package org.breathgate.receiver.app.web;

import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.breathgate.receiver.app.web.UiDeployment.CP2;
import static org.breathgate.receiver.app.web.UiDeployment.PASSWORD;
import static org.breathgate.receiver.app.web.UiDeployment.SA;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The accessibility fixes of issue 22 in Chromium, each with the test that showed it first. (Every page these and the other
 * browser tests open is also checked by axe-core at two widths in three languages: {@link AccessibilityCheck}.)
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AccessibilityIT {

    private static final ObjectMapper JSON = new ObjectMapper();
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

    private HttpResponse<String> get(String path, String accept, String language) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(deployment.baseUrl + path)).timeout(Duration.ofSeconds(20)).GET()
                .header("Accept", accept).header("Accept-Language", language);
        Cookie session = browser.driver.manage().getCookieNamed("__Host-breathgate_session");
        if (session != null) {
            b.header("Cookie", session.getName() + "=" + session.getValue());
        }
        return deployment.http().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The page's text without the CSRF token, which differs per request. */
    private static String withoutTokens(String html) {
        return html.replaceAll("name=\"_csrf\" value=\"[^\"]*\"", "");
    }

    @Test
    void an_unknown_address_answers_a_browser_with_a_page_in_its_language_and_the_api_with_json() throws Exception {
        browser.driver.manage().deleteAllCookies();
        browser.open("/no/such/page");
        assertEquals("Sivua ei löydy", browser.find("h1").getText());
        assertEquals("fi", browser.find("html").getAttribute("lang"));
        assertTrue(browser.driver.getTitle().startsWith("Sivua ei löydy"), browser.driver.getTitle());
        browser.screenshot("error-not-found-fi");
        browser.language("sv");
        assertEquals("Sidan finns inte", browser.find("h1").getText());

        HttpResponse<String> page = get("/no/such/page", "text/html,application/xhtml+xml,*/*;q=0.8", "en-GB,en;q=0.9");
        assertEquals(404, page.statusCode());
        assertTrue(page.headers().firstValue("Content-Type").orElse("").startsWith("text/html"), page.headers().toString());
        assertTrue(page.body().contains("<html lang=\"en\">") && page.body().contains("<h1>Page not found</h1>"), page.body());

        HttpResponse<String> api = get("/no/such/page", "application/json", "fi");
        assertEquals(404, api.statusCode());
        assertEquals("not_found", JSON.readTree(api.body()).path("error").asText(), "an API client keeps its JSON");
        HttpResponse<String> apiPath = get("/api/v1/no-such-endpoint", "text/html", "fi");
        assertEquals(404, apiPath.statusCode());
        assertEquals("not_found", JSON.readTree(apiPath.body()).path("error").asText(), "under /api/ always JSON");
    }

    @Test
    void an_unknown_client_is_answered_exactly_like_a_client_one_may_not_know_of_in_one_language() throws Exception {
        browser.signIn(CP2.userId(), PASSWORD);
        for (String lang : List.of("fi", "sv", "en")) {
            browser.language(lang);
            browser.open("/clients/client-a");
            String hidden = browser.find("main").getText();
            browser.open("/clients/no-such-client");
            String unknown = browser.find("main").getText();
            assertEquals(hidden, unknown, lang + ": an unknown client and a client without consent look alike");
            assertEquals(lang, browser.find("html").getAttribute("lang"));
            assertFalse(unknown.contains("no client") || unknown.contains("could not be saved") && !lang.equals("en"), unknown);
        }
        browser.language("fi");
        HttpResponse<String> hidden = get("/clients/client-a", "text/html", "fi");
        HttpResponse<String> unknown = get("/clients/no-such-client", "text/html", "fi");
        assertEquals(404, hidden.statusCode());
        assertEquals(hidden.statusCode(), unknown.statusCode());
        assertEquals(withoutTokens(hidden.body()).replace("client-a", "X"), withoutTokens(unknown.body()).replace("no-such-client", "X"),
                "the same page, byte for byte, but for the address");
        assertTrue(unknown.body().contains("Asiakasta ei löydy"), unknown.body());
        assertFalse(unknown.body().contains("no such client") || unknown.body().contains("<code"), "no English in a Finnish page: " + unknown.body());
    }

    @Test
    void every_page_links_the_accessibility_statement_which_lists_the_known_gaps_and_the_supervising_authority() {
        browser.driver.manage().deleteAllCookies();
        browser.open("/login");
        browser.clickAndWait(browser.find("footer a[href='/accessibility']"));
        assertEquals("Saavutettavuusseloste", browser.find("h1").getText());
        assertTrue(browser.find("#a11y-state").getText().contains("osittain"), "one known gap: partially");
        assertTrue(browser.find("#gap-pdf-report").getText().startsWith("WCAG 1.1.1, 1.3.1:"), browser.find("#gap-pdf-report").getText());
        assertTrue(browser.find("#a11y-authority").getText().contains("Traficom"), browser.find("#a11y-authority").getText());
        assertTrue(browser.find("#a11y-contact").getText().contains("työntekijällesi"), "no contact configured: ask the worker");
        browser.screenshot("accessibility-statement-fi");
        browser.language("en");
        assertEquals("Accessibility statement", browser.find("h1").getText());
        assertTrue(browser.find("#gap-pdf-report").getText().contains("PDF/UA validator"));
        browser.language("fi");

        browser.signIn(SA.userId(), PASSWORD);
        for (String page : List.of("/caseload", "/alerts", "/clients/client-a", "/clients/client-a/consents")) {
            browser.open(page);
            assertEquals(1, browser.driver.findElements(By.cssSelector("footer a[href='/accessibility']")).size(), page);
        }
    }

    @Test
    void wide_tables_scroll_in_a_region_the_keyboard_reaches() {
        browser.signIn(SA.userId(), PASSWORD);
        browser.open("/clients/client-a");
        for (String table : List.of("table.compliance", "table#events")) {
            WebElement region = browser.find(table).findElement(By.xpath(".."));
            assertEquals("region", region.getAttribute("role"), table);
            assertEquals("0", region.getAttribute("tabindex"), table + " is in the tab order");
            assertFalse(region.getAttribute("aria-labelledby").isEmpty(), table + " is named by its heading");
        }
    }

    @Test
    void the_date_field_shows_the_same_focus_ring_as_every_control() throws Exception {
        browser.signIn(SA.userId(), PASSWORD);
        browser.open("/clients/client-a");
        WebElement from = browser.find("#from");
        ((JavascriptExecutor) browser.driver).executeScript("arguments[0].scrollIntoView({block: 'center'})", from);
        // Tab through the field's stops until the focus leaves it: at every one the field shows the ring. The date is typed in
        // the page's order (d.M.yyyy, issue 19: a browser's date input followed the browser's locale, US order beside Finnish
        // dates), so it is one text field with one stop; a calendar button, when a field had one, lost the ring to it.
        ((JavascriptExecutor) browser.driver).executeScript("arguments[0].focus()", from);
        Actions keys = new Actions(browser.driver);
        int stops = 0;
        while ("from".equals(browser.driver.switchTo().activeElement().getAttribute("id")) && stops < 8) {
            String shadow = from.getCssValue("box-shadow");
            assertTrue(shadow.contains("255, 191, 71") && !"none".equals(from.getCssValue("outline-style")),
                    "stop " + (stops + 1) + " of the date field shows the focus ring: outline " + from.getCssValue("outline-style") + ", " + shadow);
            stops++;
            keys.sendKeys(Keys.TAB).perform();
        }
        assertEquals(1, stops, "one text field in the page's date order");
    }
}
