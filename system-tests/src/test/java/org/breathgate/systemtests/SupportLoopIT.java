package org.breathgate.systemtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.breathgate.agent.DeviceAgent;
import org.breathgate.care.access.Actor;
import org.breathgate.care.access.Client;
import org.breathgate.care.access.Organisation;
import org.breathgate.care.access.OrganisationKind;
import org.breathgate.hardware.sim.SoftPanel;
import org.breathgate.protocol.SupportNeed;
import org.breathgate.receiver.app.Receiver;
import org.breathgate.receiver.app.config.ReceiverConfig;
import org.breathgate.receiver.care.people.Clients;
import org.breathgate.receiver.care.people.DeviceAssignments;
import org.breathgate.receiver.care.people.Organisations;
import org.breathgate.receiver.care.support.SupportRequests;
import org.breathgate.testkit.Ports;
import org.breathgate.testkit.TestKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The support loop across both sides with real parts: a device agent asks for "call me"; the request crosses the
 * receiver's embedded MQTT broker (HiveMQ CE), is stored and routed to the family's service; the agent is switched off;
 * a worker opens the request, so the receiver signs a {@code support_reply} and publishes it retained; the agent,
 * started again, receives the retained reply, verifies it with the receiver's key and tells the parent aloud that a
 * worker has seen it. The worker closes it and the running agent says so.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SupportLoopIT {

    private static final String DEVICE = "home-0088";
    private static final Actor WORKER = Actor.substanceAbuseWorker("worker-sa", "sa-1");
    private static final Duration WAIT = Duration.ofSeconds(40);

    @TempDir
    Path dir;

    private final SystemTestAgent.RecordedVoice voice = new SystemTestAgent.RecordedVoice();
    private final List<String> said = voice.said;

    private DeviceAgent agent(int brokerPort, String receiverKeyPem) throws Exception {
        return SystemTestAgent.start(dir, DEVICE, brokerPort, receiverKeyPem, new SoftPanel(Clock.systemUTC()), voice, Map.of());
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long end = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(50);
        }
    }

    private boolean heard(String sentence) {
        return voice.heard(sentence);
    }

    @Test
    void a_call_me_request_is_seen_by_a_worker_and_the_device_tells_the_parent_even_after_being_off() throws Exception {
        int brokerPort = Ports.free();
        Map<String, String> settings = new HashMap<>();
        settings.put(ReceiverConfig.DATA_DIR, dir.resolve("receiver").toString());
        settings.put(ReceiverConfig.EMBEDDED_PORT, Integer.toString(brokerPort));
        settings.put(ReceiverConfig.MQTT_CLIENT_ID, "support-e2e");
        settings.put(ReceiverConfig.WEB_ENABLED, "false");
        ReceiverConfig config = ReceiverConfig.from(settings);
        String receiverPem = org.breathgate.receiver.app.config.ReceiverKeys.loadOrCreate(config.receiverKey().file(), 1,
                new java.security.SecureRandom()).verificationKey().toPem();

        try (Receiver receiver = Receiver.start(config, Clock.systemUTC(), List.of())) {
            assertTrue(receiver.awaitReady(WAIT));
            Instant lent = Instant.now().minus(Duration.ofDays(1));
            new Organisations(receiver.database()).add(new Organisation("sa-1", "Service", OrganisationKind.SUBSTANCE_ABUSE_SERVICE));
            new Clients(receiver.database()).add(Client.open("client-a", "Parent A", "sa-1"), lent);
            new DeviceAssignments(receiver.database()).assign(DEVICE, "client-a", lent);
            receiver.registry().enroll(TestKeys.device(DEVICE).verificationKey());
            Files.writeString(dir.resolve("mqtt-password"), receiver.brokerLogins().issue(DEVICE, "test").password());

            DeviceAgent first = agent(brokerPort, receiverPem);
            try {
                first.requestSupport(SupportNeed.CALL_ME);
                await(() -> heard("You asked for a phone call."), "the device confirming the request");
                await(() -> first.outboxStats().depth() == 0, "the receiver's ack of the request");
            } finally {
                first.close();
            }

            // The device is off; the worker finds the request routed to them and opens it.
            List<SupportRequests.Item> inbox = receiver.care().support().listFor(WORKER);
            assertEquals(1, inbox.size());
            SupportRequests.Item request = inbox.get(0);
            assertEquals(SupportNeed.CALL_ME, request.need());
            assertEquals(SupportRequests.State.SEEN, receiver.care().support().open(WORKER, DEVICE, request.seq()).state());
            assertTrue(said.stream().noneMatch(s -> s.contains("has seen your request")), "nothing said while the device was off");

            // Switched on again: the retained reply reaches it, is verified, and is said aloud.
            DeviceAgent again = agent(brokerPort, receiverPem);
            try {
                await(() -> heard("A worker has seen your request."), "the device saying a worker has seen the request");
                String closed = closedSentence();
                receiver.care().support().close(WORKER, DEVICE, request.seq(), "Called the parent.");
                await(() -> heard(closed), "the device saying the request was dealt with");
            } finally {
                again.close();
            }
            assertEquals(SupportRequests.State.CLOSED,
                    receiver.care().support().ofParent(Actor.parent("parent-a", "client-a")).get(0).state());
        }
    }

    /** The English sentence the agent says for a closed request (its own prompt file, not a copy of its words). */
    private static String closedSentence() throws Exception {
        java.util.Properties p = new java.util.Properties();
        try (var in = org.breathgate.agent.prompt.Prompt.class.getResourceAsStream("prompts_en.properties")) {
            p.load(new java.io.InputStreamReader(in, java.nio.charset.StandardCharsets.UTF_8));
        }
        return p.getProperty("SUPPORT_CLOSED");
    }
}
