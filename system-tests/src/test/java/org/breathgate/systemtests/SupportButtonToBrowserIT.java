package org.breathgate.systemtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.breathgate.agent.DeviceAgent;
import org.breathgate.agent.prompt.Prompt;
import org.breathgate.agent.prompt.Prompter;
import org.breathgate.agent.prompt.SpokenTime;
import org.breathgate.care.access.Actor;
import org.breathgate.care.access.Client;
import org.breathgate.care.access.Organisation;
import org.breathgate.care.access.OrganisationKind;
import org.breathgate.care.account.PasswordHasher;
import org.breathgate.hardware.Button;
import org.breathgate.hardware.LightColour;
import org.breathgate.hardware.LightPattern;
import org.breathgate.hardware.sim.SoftPanel;
import org.breathgate.hardware.sim.SoftStatusLight;
import org.breathgate.protocol.SupportNeed;
import org.breathgate.receiver.app.Receiver;
import org.breathgate.receiver.app.config.ReceiverConfig;
import org.breathgate.receiver.care.people.Clients;
import org.breathgate.receiver.care.people.DeviceAssignments;
import org.breathgate.receiver.care.people.Organisations;
import org.breathgate.receiver.care.people.Users;
import org.breathgate.receiver.care.support.SupportRequests;
import org.breathgate.testkit.Ports;
import org.breathgate.testkit.TestKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The support loop as the people in it live it, with real parts: a parent presses the help button on a simulated device
 * (the simulator's panel), waits for "Do you want a worker to call you?" and presses again; the request crosses the
 * receiver's embedded broker and is routed to the family's named worker; the worker signs in with headless Chromium
 * (Debian's chromium and chromedriver), opens it from the list of support requests; the device hears the signed reply
 * and says who saw it and when to expect contact (the voice's text captured), with a steady green light (the light's
 * pattern captured); and the parent's own page says someone has seen it.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class SupportButtonToBrowserIT {

    private static final String DEVICE = "home-0089";
    private static final String PASSWORD = "correct horse battery staple";
    private static final Actor WORKER = Actor.substanceAbuseWorker("worker-sa", "sa-1");
    private static final Actor PARENT = Actor.parent("parent-a", "client-a");
    private static final ZoneId HELSINKI = ZoneId.of("Europe/Helsinki");
    private static final Duration WAIT = Duration.ofSeconds(40);
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    @TempDir
    Path dir;

    private final SystemTestAgent.RecordedVoice voice = new SystemTestAgent.RecordedVoice();
    private final List<String> said = voice.said;

    private DeviceAgent agent(int brokerPort, String receiverKeyPem, SoftPanel panel) throws Exception {
        return SystemTestAgent.start(dir, DEVICE, brokerPort, receiverKeyPem, panel, voice, Map.of("help.menu.step.ms", "2500"));
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long end = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    private boolean heard(String sentence) {
        return voice.heard(sentence);
    }

    private static WebDriver chromium(Path profile) {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage", "--user-data-dir=" + profile,
                "--window-size=1280,1000", "--lang=en-GB", "--accept-lang=en-GB,en");
        options.setExperimentalOption("prefs", Map.of("intl.accept_languages", "en-GB,en"));
        options.setAcceptInsecureCerts(true); // the receiver's own self-signed certificate
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort()
                .build();
        WebDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
        return driver;
    }

    /** Clicks a link or a form's button and waits until the next page has loaded. */
    private static void clickAndWait(WebDriver driver, By what) {
        ((JavascriptExecutor) driver).executeScript("window.__old = true;");
        driver.findElement(what).click();
        new WebDriverWait(driver, Duration.ofSeconds(30)).until(d -> {
            try {
                return Boolean.TRUE.equals(((JavascriptExecutor) d).executeScript(
                        "return window.__old === undefined && document.readyState === 'complete';"));
            } catch (org.openqa.selenium.WebDriverException navigating) {
                return false;
            }
        });
    }

    private static void signIn(WebDriver driver, String url, String user) {
        driver.manage().deleteAllCookies();
        driver.get(url + "/login");
        driver.findElement(By.id("username")).sendKeys(user);
        driver.findElement(By.id("password")).sendKeys(PASSWORD);
        clickAndWait(driver, By.cssSelector("form[action='/login'] button[type=submit]"));
    }

    @Test
    void a_parent_presses_call_me_the_worker_opens_it_in_the_browser_and_the_device_speaks_and_lights_the_answer() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "needs Debian's chromium and chromium-driver (.ci/run installs them)");
        int brokerPort = Ports.free();
        Map<String, String> settings = new HashMap<>();
        settings.put(ReceiverConfig.DATA_DIR, dir.resolve("receiver").toString());
        settings.put(ReceiverConfig.EMBEDDED_PORT, Integer.toString(brokerPort));
        settings.put(ReceiverConfig.EMBEDDED_TLS_PORT, "0");
        settings.put(ReceiverConfig.MQTT_CLIENT_ID, "support-browser-e2e");
        settings.put(ReceiverConfig.SIGNIN_SECOND_FACTOR, "off-demo-only");
        settings.put(ReceiverConfig.WEB_PORT, "0");
        settings.put(ReceiverConfig.DEVICE_API_PORT, "0");
        ReceiverConfig config = ReceiverConfig.from(settings);
        String receiverPem = org.breathgate.receiver.app.config.ReceiverKeys.loadOrCreate(config.receiverKey().file(), 1,
                new SecureRandom()).verificationKey().toPem();

        try (Receiver receiver = Receiver.start(config, Clock.systemUTC(), List.of())) {
            assertTrue(receiver.awaitReady(WAIT));
            String url = "https://127.0.0.1:" + receiver.web().orElseThrow().port();
            Instant lent = Instant.now().minus(Duration.ofDays(1));
            new Organisations(receiver.database()).add(new Organisation("sa-1", "Service", OrganisationKind.SUBSTANCE_ABUSE_SERVICE));
            new Clients(receiver.database()).add(Client.open("client-a", "Parent A", "sa-1"), lent);
            new DeviceAssignments(receiver.database()).assign(DEVICE, "client-a", lent);
            Users users = new Users(receiver.database(), new PasswordHasher(new PasswordHasher.Cost(64, 1, 1), new SecureRandom()));
            users.add(WORKER, PASSWORD.toCharArray(), "worker@example.org", "en", lent);
            Actor colleague = Actor.substanceAbuseWorker("worker-other", "sa-1");
            users.add(colleague, PASSWORD.toCharArray(), "other@example.org", "en", lent);
            users.add(PARENT, PASSWORD.toCharArray(), "parent@example.org", "en", lent);
            receiver.care().routing().setDuties(WORKER, "client-a", List.of(WORKER.userId()), null); // the family's named worker
            receiver.registry().enroll(TestKeys.device(DEVICE).verificationKey());
            Files.writeString(dir.resolve("mqtt-password"), receiver.brokerLogins().issue(DEVICE, "test").password());

            SoftPanel panel = new SoftPanel(Clock.systemUTC());
            DeviceAgent agent = agent(brokerPort, receiverPem, panel);
            Path profile = Files.createTempDirectory("breathgate-chromium-");
            WebDriver browser = chromium(profile);
            try {
                // The parent: the help button, then again while "call me" is offered.
                panel.buttons().press(Button.SUPPORT);
                String offer = Prompter.text(Prompt.SUPPORT_MENU_CALL_ME, "en");
                await(() -> heard(offer), "the menu offering a call");
                panel.buttons().press(Button.SUPPORT);
                await(() -> heard(Prompter.text(Prompt.SUPPORT_SAVED_CALL_ME, "en")), "the device confirming the request");
                await(() -> agent.outboxStats().depth() == 0, "the receiver's ack of the request");
                receiver.awaitCareIdle(WAIT);
                assertEquals(List.of(), receiver.care().support().listFor(colleague), "a call-me is the family's named worker's");

                // The worker, in Chromium: the list of support requests, then the request.
                signIn(browser, url, WORKER.userId());
                browser.get(url + "/support");
                String waiting = browser.findElement(By.cssSelector("section[aria-labelledby='support-waiting']")).getText();
                assertTrue(waiting.contains("Parent A"), waiting);
                SupportRequests.Item request = receiver.care().support().ofParent(PARENT).get(0);
                assertEquals(SupportNeed.CALL_ME, request.need());
                assertTrue(request.needChosen(), "the parent chose it by the buttons");
                clickAndWait(browser, By.cssSelector("#support-" + DEVICE + "-" + request.seq() + " a"));
                String state = browser.findElement(By.id("support-state")).getText();
                assertTrue(state.startsWith("Seen "), state);

                // The device: who saw it and when to expect contact, said aloud in the parent's language, and a steady green light.
                await(() -> heard(Prompter.text(Prompt.SUPPORT_SEEN_WORKER, "en")), "the device saying a worker has seen it");
                SupportRequests.Item seen = receiver.care().support().ofParent(PARENT).get(0);
                assertEquals(SupportRequests.State.SEEN, seen.state());
                String time = SpokenTime.time(seen.contactBefore().atZone(HELSINKI).toLocalTime(), "en");
                await(() -> said.stream().anyMatch(s -> s.contains("They will contact you") && s.contains(time)),
                        "the device saying when to expect contact (" + time + ")");
                SoftStatusLight light = panel.light();
                await(() -> light.history().contains(new SoftStatusLight.Shown(LightColour.GREEN, LightPattern.STEADY)),
                        "a steady green light: someone has seen it; shown " + light.history());
                assertTrue(light.history().contains(new SoftStatusLight.Shown(LightColour.BLUE, LightPattern.DOUBLE_FLASH)),
                        "before it, two flashes: the request on its way; " + light.history());

                System.out.println("the device said: " + said);
                System.out.println("the device's light showed: " + light.history());

                // The parent's own page says it was seen.
                signIn(browser, url, PARENT.userId());
                browser.get(url + "/me");
                String mine = browser.findElement(By.id("my-support-" + request.seq())).getText();
                assertTrue(mine.contains("Someone has seen it."), mine);
                assertTrue(mine.contains("Expect contact"), mine);
            } finally {
                browser.quit();
                agent.close();
            }
        }
    }
}
