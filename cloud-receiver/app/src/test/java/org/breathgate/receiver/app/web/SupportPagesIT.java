package org.breathgate.receiver.app.web;

import static org.breathgate.receiver.app.web.UiDeployment.CP1;
import static org.breathgate.receiver.app.web.UiDeployment.DEVICE;
import static org.breathgate.receiver.app.web.UiDeployment.PARENT;
import static org.breathgate.receiver.app.web.UiDeployment.PASSWORD;
import static org.breathgate.receiver.app.web.UiDeployment.SA;
import static org.breathgate.receiver.app.web.UiDeployment.TECH;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.breathgate.protocol.Ack;
import org.breathgate.protocol.KeyResolver;
import org.breathgate.protocol.MessageVerifier;
import org.breathgate.protocol.SupportNeed;
import org.breathgate.protocol.SupportReply;
import org.breathgate.protocol.SupportRequest;
import org.breathgate.receiver.app.FakeDevice;
import org.breathgate.testkit.SampleMessages;
import org.breathgate.testkit.TestKeys;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;

/**
 * The parent's support request through the web in headless Chromium, every page checked with axe-core (the
 * {@link Browser} does that on each load): the device sends "call me" and "the device has a problem"; the parent's
 * page says each arrived and waits; the worker finds both in the support requests and opens "call me", and the device
 * receives a signed, retained {@code support_reply} saying a worker has seen it (verified as the device verifies it);
 * the worker closes it and the device is told; the parent's page says it was dealt with. A technician sees the device
 * problem only, without the client's name; a child-protection worker is told the page is not theirs. The tests run in
 * order, each seeing what the one before did. Screenshots go to {@code <build dir>/screenshots/}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SupportPagesIT {

    private static final Duration WAIT = Duration.ofSeconds(20);

    private UiDeployment deployment;
    private Browser browser;
    private MqttClient deviceSide;
    private final LinkedBlockingQueue<byte[]> replies = new LinkedBlockingQueue<>();
    private long callMe;
    private long deviceProblem;

    @BeforeAll
    void start() throws Exception {
        deployment = new UiDeployment();
        Path build = Path.of(System.getProperty("bg.build.directory", "target"));
        browser = new Browser(deployment.baseUrl, build.resolve("screenshots"));
        callMe = deployment.sent.keySet().stream().mapToLong(Long::longValue).max().orElse(0) + 1;
        deviceProblem = callMe + 1;
        Instant at = Instant.now().minus(Duration.ofMinutes(3)).truncatedTo(ChronoUnit.SECONDS);
        SampleMessages device = SampleMessages.of(DEVICE).at(at);
        try (FakeDevice fake = FakeDevice.loggedIn(deployment.receiver, TestKeys.device(DEVICE))) {
            for (SupportRequest r : List.of(new SupportRequest(DEVICE, callMe, device.clockFacts(), SupportNeed.CALL_ME, true),
                    new SupportRequest(DEVICE, deviceProblem, device.clockFacts(), SupportNeed.DEVICE_PROBLEM, true))) {
                fake.send(r);
                Ack.Entry ack = fake.nextAck(WAIT);
                assertEquals(Ack.Result.STORED, ack.result());
            }
        }
        deployment.receiver.awaitCareIdle(WAIT);
        // The device's side of the downlink: what a device subscribed to its support_reply topic receives.
        // It logs in as the device (client id and user name: the device id), as the broker lets only a device read its own downlink.
        deviceSide = new MqttClient(deployment.receiver.brokerUri(), DEVICE, new MemoryPersistence());
        MqttConnectOptions options = FakeDevice.login(deployment.receiver, DEVICE);
        options.setCleanSession(true);
        deviceSide.connect(options);
        deviceSide.subscribe("breathgate/v1/devices/" + DEVICE + "/down/support_reply", 1, (topic, message) -> replies.add(message.getPayload()));
    }

    @AfterAll
    void stop() throws Exception {
        if (deviceSide != null) {
            deviceSide.disconnect();
            deviceSide.close();
        }
        if (browser != null) {
            browser.close();
        }
        if (deployment != null) {
            deployment.close();
        }
    }

    /** The next reply the device receives, verified as the agent verifies it: the receiver's key, owner {@code receiver}. */
    private SupportReply nextReply() throws Exception {
        byte[] payload = replies.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertTrue(payload != null, "no support_reply reached the device's topic");
        return (SupportReply) new MessageVerifier(KeyResolver.of(deployment.receiver.receiverKey())).verify(payload, "receiver").message();
    }

    /** Contact times as the receiver computes them with the default office hours and holidays in Helsinki (the deployment's). */
    private static org.breathgate.receiver.care.support.ContactTimes officeHours() {
        return new org.breathgate.receiver.care.support.ContactTimes(org.breathgate.receiver.app.config.ReceiverConfig.Alerting.defaults()
                .officeHoursIn(java.time.ZoneId.of("Europe/Helsinki")));
    }

    @Test
    @Order(1)
    void the_parents_page_says_each_request_arrived_and_waits_and_to_call_112_in_an_emergency() {
        browser.signIn(PARENT.userId(), PASSWORD);
        browser.open("/me");
        String mine = browser.find("#support").getText();
        assertTrue(mine.contains("Pyyntö on perillä. Se odottaa työntekijää."), mine);
        assertTrue(mine.contains("Hätätilanteessa soita 112."), mine);
        browser.screenshot("support-parent-waiting-fi");
    }

    @Test
    @Order(2)
    void the_worker_opens_call_me_and_the_device_is_told_a_worker_has_seen_it() throws Exception {
        assertTrue(replies.isEmpty(), "nothing is sent before someone opens a request");
        browser.signIn(SA.userId(), PASSWORD);
        browser.open("/support");
        String waiting = browser.find("section[aria-labelledby='support-waiting']").getText();
        assertTrue(waiting.contains("Soittakaa minulle · Parent A"), waiting);
        assertTrue(waiting.contains("Laitteessa on vika · Parent A"), waiting);
        browser.screenshot("support-list-worker-fi");
        Instant before = Instant.now();
        browser.clickAndWait(browser.find("#support-" + DEVICE + "-" + callMe + " a"));
        Instant after = Instant.now();
        assertTrue(browser.find("#support-state").getText().startsWith("Nähty "), browser.find("#support-state").getText());
        String contact = browser.find("#support-contact").getText();
        browser.screenshot("support-request-seen-fi");

        // Nobody is named for the client: the service's workers stand in; contact times from the default office hours.
        SupportReply seen = nextReply();
        org.breathgate.receiver.care.support.ContactTimes times = officeHours();
        List<SupportReply.Entry> expected = new java.util.ArrayList<>();
        for (Instant at : List.of(before, after)) {
            var w = times.of(org.breathgate.care.support.SupportRouting.Route.WORKER, SupportReply.Role.WORKER, at);
            expected.add(SupportReply.Entry.seen(callMe, SupportReply.Role.WORKER, w.from(), w.before()));
        }
        assertTrue(expected.contains(seen.requests().get(0)), seen.requests() + " is none of " + expected);
        assertEquals(1, seen.requests().size());
        assertTrue(contact.startsWith(seen.requests().get(0).contactFrom() == null ? "ennen " : ""), contact);
        assertEquals(DEVICE, seen.deviceId());
    }

    @Test
    @Order(3)
    void closing_it_tells_the_device_it_was_dealt_with_and_the_parent_reads_so() throws Exception {
        browser.driver.findElement(By.id("close-note")).sendKeys("Soitin, sovittiin tapaaminen huomenna.");
        browser.clickAndWait(browser.find("form[action$='/close'] button[type=submit]"));
        assertTrue(browser.text().contains("Pyyntö on suljettu. Vanhemman laitteelle kerrottiin."), browser.text());
        SupportReply closed = nextReply();
        assertEquals(List.of(SupportReply.Entry.closed(callMe, SupportReply.Role.WORKER)), closed.requests());

        browser.signIn(PARENT.userId(), PASSWORD);
        browser.open("/me");
        String mine = browser.find("#my-support-" + callMe).getText();
        assertTrue(mine.endsWith("Asia on hoidettu."), mine);
        browser.screenshot("support-parent-handled-fi");
    }

    @Test
    @Order(4)
    void a_technician_sees_the_device_problem_without_the_clients_name_and_nothing_else() throws Exception {
        browser.signIn(TECH.userId(), PASSWORD);
        browser.open("/support");
        String all = browser.find("main").getText();
        assertTrue(all.contains("Laitteessa on vika · " + DEVICE + " (laite)"), all);
        assertFalse(all.contains("Parent A"), all);
        assertFalse(all.contains("Soittakaa minulle"), all);
        browser.openUnchecked("/support/" + DEVICE + "/" + callMe);
        assertTrue(browser.text().contains("Sinulle ei ole tällaista tukipyyntöä."), browser.text());
        Instant before = Instant.now();
        browser.open("/support/" + DEVICE + "/" + deviceProblem);
        Instant after = Instant.now();
        SupportReply both = nextReply();
        List<List<SupportReply.Entry>> expected = new java.util.ArrayList<>();
        for (Instant at : List.of(before, after)) {
            var w = officeHours().of(org.breathgate.care.support.SupportRouting.Route.TECHNICIAN, SupportReply.Role.TECHNICIAN, at);
            expected.add(List.of(SupportReply.Entry.seen(deviceProblem, SupportReply.Role.TECHNICIAN, w.from(), w.before()),
                    SupportReply.Entry.closed(callMe, SupportReply.Role.WORKER)));
        }
        assertTrue(expected.contains(both.requests()), both.requests() + " is none of " + expected);
    }

    @Test
    @Order(5)
    void a_child_protection_worker_is_told_support_requests_are_not_theirs() {
        browser.signIn(CP1.userId(), PASSWORD);
        browser.open("/support");
        assertTrue(browser.text().contains("Tukipyynnöt menevät vanhemman päihdepalvelun työntekijöille"), browser.text());
        assertTrue(browser.driver.findElements(By.cssSelector("a[href='/support']")).isEmpty(), "not in their menu");
    }
}
