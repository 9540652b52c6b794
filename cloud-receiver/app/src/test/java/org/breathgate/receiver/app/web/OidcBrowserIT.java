package org.breathgate.receiver.app.web;

import org.breathgate.care.access.Actor;
import org.breathgate.care.account.Totp;
import org.breathgate.receiver.care.signin.IdentityBindings;
import org.breathgate.receiver.care.signin.Accounts;
import org.breathgate.receiver.evidence.db.Sql;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The whole sign-in in Debian's headless Chromium against a running receiver and a real OpenID Connect provider
 * (mock-oauth2-server): a worker through their organisation's single sign-on and out again (there too); a parent's first
 * sign-in with a one-time code and strong identification, and their "who looked" in Finnish, Swedish and English; an
 * administrator's audit page; a technician's invitation link, password and authenticator set-up (TOTP) with recovery codes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OidcBrowserIT {

    private static final Map<String, Object> MFA = Map.of("amr", List.of("pwd", "mfa"));
    private OidcDeployment d;
    private Browser browser;

    @BeforeAll
    void start() throws Exception {
        d = new OidcDeployment();
        Path build = Path.of(System.getProperty("bg.build.directory", "target"));
        browser = new Browser(d.baseUrl, build.resolve("screenshots"));
    }

    @AfterAll
    void stop() {
        try {
            if (browser != null) {
                browser.close();
            }
        } finally {
            if (d != null) {
                d.close();
            }
        }
    }

    private void waitForPath(String path) {
        new WebDriverWait(browser.driver, Duration.ofSeconds(30)).until(x -> {
            try {
                return browser.path().equals(path) && "complete".equals(((org.openqa.selenium.JavascriptExecutor) x)
                        .executeScript("return document.readyState"));
            } catch (org.openqa.selenium.WebDriverException navigating) {
                return false;
            }
        });
    }

    @Test
    void a_worker_signs_in_through_the_organisations_single_sign_on_and_signs_out_there_too() {
        browser.driver.manage().deleteAllCookies();
        d.next("staff-idp", OidcDeployment.ANNA_SUB, MFA);
        browser.open("/login");
        browser.screenshot("login-with-providers-fi");
        browser.find("#provider-staff").click();
        waitForPath("/caseload");
        assertTrue(browser.text().contains("anna"), browser.text());
        browser.open("/account");
        assertTrue(browser.text().contains("staff"), "the account page says how they signed in: " + browser.text());
        browser.find("form.logout button").click();
        waitForPath("/login");
        assertTrue(browser.driver.getCurrentUrl().contains("signed_out=1"), browser.driver.getCurrentUrl());
        assertTrue(d.idp.takeRequest(5, java.util.concurrent.TimeUnit.SECONDS) != null);
        browser.open("/caseload");
        assertEquals("/login", browser.path(), "signed out here");
    }

    @Test
    void a_worker_without_multi_factor_sees_a_clear_refusal() {
        browser.driver.manage().deleteAllCookies();
        d.next("staff-idp", OidcDeployment.ANNA_SUB, Map.of("amr", List.of("pwd")));
        browser.open("/login");
        browser.find("#provider-staff").click();
        waitForPath("/login/oidc/callback");
        assertEquals("mfa_missing", browser.find("#refusal").getAttribute("data-reason"));
        assertTrue(browser.text().contains("toista tunnistustekijää"), browser.text());
        browser.screenshot("signin-refused-mfa-fi");
        browser.open("/caseload");
        assertEquals("/login", browser.path(), "nothing signed in");
    }

    @Test
    void a_parent_binds_strong_identification_with_a_code_and_sees_who_looked_in_finnish_swedish_and_english() throws Exception {
        browser.driver.manage().deleteAllCookies();
        // A worker looks at the parent's results, and makes a report of them.
        Instant now = Instant.now();
        d.receiver.care().timelines().timeline(OidcDeployment.ANNA, "client-a", now.minus(Duration.ofDays(7)), now);
        String code = d.newParentCode("client-a");
        browser.open("/login");
        browser.clickAndWait(browser.find("#parent-code-link"));
        browser.find("#code").sendKeys(code.toUpperCase());
        browser.screenshot("parent-code-fi");
        d.next("suomifi", "suomifi-parent-a", Map.of("urn:oid:1.2.246.21", "131052-308T"));
        browser.find("form[action='/login/parent'] button").click();
        waitForPath("/me");
        browser.open("/me/details#who-looked");
        String fi = browser.find("#who-looked").getText();
        assertTrue(fi.contains("Päihdetyöntekijä, Sodankylän päihdepalvelut, katsoi tuloksiasi, koska olet hänen palvelunsa asiakas"), fi);
        browser.screenshotOf("who-looked-fi", "#who-looked");
        browser.language("sv");
        String sv = browser.find("#who-looked").getText();
        assertTrue(sv.contains("En missbrukarvårdsarbetare vid Sodankylän päihdepalvelut tittade på dina resultat, eftersom du är klient hos deras tjänst"),
                sv);
        browser.screenshotOf("who-looked-sv", "#who-looked");
        browser.language("en");
        String en = browser.find("#who-looked").getText();
        assertTrue(en.contains("A substance-abuse worker of Sodankylän päihdepalvelut looked at your results, because you are a client of their service"),
                en);
        browser.screenshotOf("who-looked-en", "#who-looked");
        assertFalse(en.contains("anna"), "no worker names unless the service allows them");
        browser.language("fi");
    }

    @Test
    void an_administrator_sees_the_audit_log_with_filters_and_the_chains_state() {
        browser.driver.manage().deleteAllCookies();
        Actor admin = Actor.administrator("aino.admin");
        Sql.write(d.receiver.database(), "an administrator bound to the staff provider", c -> {
            org.breathgate.receiver.care.people.Users.insertWithoutPassword(c, admin, "fi", Instant.now());
            IdentityBindings.bind(c, "staff", "sub", "aino-sub", admin.userId(), "test", Instant.now());
            return null;
        });
        d.next("staff-idp", "aino-sub", MFA);
        browser.open("/login");
        browser.find("#provider-staff").click();
        waitForPath("/admin"); // an administrator lands on their own page, Administration
        browser.open("/audit?action=login.");
        assertEquals("true", browser.find("#chain-state").getAttribute("data-intact"));
        List<String> actions = browser.driver.findElements(By.cssSelector("#audit-entries tbody td:nth-child(4)")).stream()
                .map(e -> e.getText()).toList();
        assertFalse(actions.isEmpty());
        assertTrue(actions.stream().allMatch(a -> a.startsWith("login.")), actions.toString());
        browser.screenshot("audit-log-fi");
        assertTrue(browser.find("#audit-export").getAttribute("href").contains("/audit/export.csv?action=login."));
    }

    @Test
    void a_technician_accepts_an_invitation_sets_up_an_authenticator_and_gets_recovery_codes() {
        browser.driver.manage().deleteAllCookies();
        Accounts.Invited invited = d.receiver.gate().runAsReceiver("cli:test", "inviting a technician",
                visit -> Accounts.createInvited(visit, Actor.technician("teemu.tech"), null, "fi", null));
        browser.open("/invite?code=" + invited.code());
        browser.find("#password").sendKeys("kolme iloista kirahvia");
        browser.find("#again").sendKeys("kolme iloista kirahvia");
        browser.clickAndWait(browser.find("form[action='/invite'] button"));
        assertEquals("/login/second-factor/setup", browser.path());
        browser.screenshot("totp-setup-fi");
        String secret = browser.find("#totp-secret").getText().replace(" ", "");
        byte[] key = org.bouncycastle.util.encoders.Base32.decode(secret + "=".repeat((8 - secret.length() % 8) % 8));
        browser.find("#code").sendKeys(new Totp().code(key, Totp.stepOf(Instant.now())));
        browser.clickAndWait(browser.find("form[action='/login/second-factor/setup'] button"));
        assertEquals(10, browser.driver.findElements(By.cssSelector("#recovery-codes li")).size());
        browser.screenshot("recovery-codes-fi");
        browser.clickAndWait(browser.find("#continue"));
        assertEquals("/devices", browser.path());

        browser.open("/invite?code=" + invited.code());
        assertTrue(browser.find("#invite-unusable").isDisplayed(), "a used invitation link is refused");
    }
}
