package org.breathgate.agent.it;

import org.breathgate.testkit.TestBroker;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.breathgate.agent.DeviceAgent;
import org.breathgate.agent.Hardware;
import org.breathgate.agent.clock.SystemClockSource;
import org.breathgate.agent.prompt.Voice;
import org.breathgate.hardware.Breathalyser;
import org.breathgate.hardware.Breathalysers;
import org.breathgate.hardware.LightColour;
import org.breathgate.hardware.LineProtocolConfig;
import org.breathgate.hardware.sim.FakeBreathalyser;
import org.breathgate.hardware.sim.Scenario;
import org.breathgate.hardware.sim.SimulatedBreathalyser;
import org.breathgate.hardware.sim.SoftPanel;
import org.breathgate.protocol.BreathAlcohol;
import org.breathgate.protocol.ConfigUpdate;
import org.breathgate.protocol.EvidenceEvent;
import org.breathgate.protocol.MessageSigner;
import org.breathgate.protocol.MessageType;
import org.breathgate.protocol.Outcome;
import org.breathgate.protocol.Reading;
import org.breathgate.protocol.Schedule;
import org.breathgate.protocol.SupportRequest;
import org.breathgate.protocol.TamperEvent;
import org.breathgate.protocol.TamperKind;
import org.breathgate.protocol.TestReason;
import org.breathgate.testkit.TestKeys;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The agent against a real broker and a test receiver that verifies and acks, with a fake and a simulated breathalyser. */
@Timeout(60)
class AgentEndToEndIT {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    static Path shared;

    static TestBroker broker;

    @TempDir
    Path dir;

    private TestReceiver receiver;
    private DeviceAgent agent;
    private SoftPanel panel;

    @BeforeAll
    static void startBroker() throws Exception {
        broker = Brokers.mosquitto();
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    @AfterEach
    void stop() throws Exception {
        if (agent != null) {
            agent.close();
        }
        if (receiver != null) {
            receiver.close();
        }
    }

    private DeviceAgent start(String deviceId, Breathalyser breathalyser, Map<String, String> extra) throws Exception {
        return start(deviceId, breathalyser, extra, Voice.silent());
    }

    private DeviceAgent start(String deviceId, Breathalyser breathalyser, Map<String, String> extra, Voice voice) throws Exception {
        receiver = receiver == null ? new TestReceiver(broker.uri(), deviceId) : receiver;
        Map<String, String> s = AgentFixture.settings(dir, deviceId, broker.uri());
        s.putAll(extra);
        panel = new SoftPanel(Clock.systemUTC());
        agent = new DeviceAgent(AgentFixture.config(s), new Hardware(breathalyser, panel), voice,
                new SystemClockSource(Clock.systemUTC(), () -> true), new Random(1));
        agent.start();
        return agent;
    }

    @Test
    void readings_taken_on_demand_reach_the_receiver_signed_in_order_and_leave_the_outbox() throws Exception {
        FakeBreathalyser fake = new FakeBreathalyser(Clock.systemUTC()).thenMeasures(0).thenMeasures(12).thenMeasures(3);
        start("home-e2e-1", fake, Map.of());
        for (int i = 0; i < 3; i++) {
            agent.requestTest();
            int n = i + 1;
            receiver.await(() -> receiver.stored("home-e2e-1").size() >= n, WAIT, "reading " + n);
        }
        List<EvidenceEvent> events = receiver.events("home-e2e-1");
        assertEquals(List.of(1L, 2L, 3L), events.stream().map(EvidenceEvent::seq).toList());
        assertEquals(new BreathAlcohol(12), ((Reading) events.get(1)).breathAlcohol());
        assertInstanceOf(TestReason.OnDemand.class, ((Reading) events.get(0)).reason());
        receiver.await(() -> agent.outboxStats().depth() == 0, WAIT, "the outbox to empty");
        assertEquals(List.of(), receiver.problems());
    }

    @Test
    void a_positive_is_stored_as_a_fail_and_the_light_turns_amber_for_the_retest_prompt() throws Exception {
        start("home-e2e-2", new FakeBreathalyser(Clock.systemUTC()).thenMeasures(380), Map.of());
        agent.requestTest();
        receiver.await(() -> receiver.stored("home-e2e-2").size() == 1, WAIT, "the positive");
        Reading r = (Reading) receiver.events("home-e2e-2").get(0);
        assertEquals(Outcome.FAIL, r.outcome());
        assertEquals(new BreathAlcohol(380), r.breathAlcohol());
        receiver.await(() -> panel.light().current().colour() == LightColour.AMBER, WAIT, "the amber light");
    }

    @Test
    void the_support_button_sends_a_support_request() throws Exception {
        start("home-e2e-3", new FakeBreathalyser(Clock.systemUTC()), Map.of());
        agent.requestSupport(org.breathgate.protocol.SupportNeed.CALL_ME);
        receiver.await(() -> receiver.stored("home-e2e-3").size() == 1, WAIT, "the support request");
        assertInstanceOf(SupportRequest.class, receiver.events("home-e2e-3").get(0));
    }

    @Test
    void a_newer_signed_configuration_is_used_and_an_older_one_is_ignored() throws Exception {
        start("home-e2e-4", new FakeBreathalyser(Clock.systemUTC()).thenMeasures(60).thenMeasures(60), Map.of());
        MessageSigner receiverSigner = new MessageSigner(TestKeys.receiver());
        Schedule schedule = Schedule.withDefaults(ZoneId.of("Europe/Helsinki"), List.of(Schedule.Slot.at(LocalTime.of(8, 0))));
        receiver.send("home-e2e-4", receiverSigner.sign(new ConfigUpdate("home-e2e-4", 3, Instant.now(), schedule,
                new BreathAlcohol(100), "sv", 600)));
        receiver.await(() -> agent.status().configVersion() == 3, WAIT, "config version 3");
        receiver.send("home-e2e-4", receiverSigner.sign(new ConfigUpdate("home-e2e-4", 2, Instant.now(), schedule,
                new BreathAlcohol(10), "fi", 600)));
        agent.requestTest();
        receiver.await(() -> receiver.stored("home-e2e-4").size() == 1, WAIT, "a reading");
        Reading r = (Reading) receiver.events("home-e2e-4").get(0);
        assertEquals(new BreathAlcohol(100), r.threshold(), "threshold of version 3, not the older version 2");
        assertEquals(Outcome.PASS, r.outcome());
        assertEquals(3, agent.status().configVersion());
    }

    @Test
    void a_signed_configuration_may_let_results_be_said_aloud_which_the_device_does_not_by_default() throws Exception {
        org.breathgate.agent.prompt.RecordingVoice voice = new org.breathgate.agent.prompt.RecordingVoice();
        start("home-e2e-7", new FakeBreathalyser(Clock.systemUTC()).thenMeasures(380).thenMeasures(380), Map.of(), voice);
        agent.requestTest();
        voice.await("Thank you. The test is saved.", 0, 20_000);
        assertTrue(voice.texts().stream().noneMatch(t -> t.contains("alcohol")), "by default no result is said: " + voice.texts());
        Schedule schedule = Schedule.withDefaults(ZoneId.of("Europe/Helsinki"), List.of());
        receiver.send("home-e2e-7", new MessageSigner(TestKeys.receiver()).sign(new ConfigUpdate("home-e2e-7", 1, Instant.now(), schedule,
                new BreathAlcohol(100), "en", 600, true, null)));
        receiver.await(() -> agent.status().configVersion() == 1, WAIT, "config version 1");
        int before = voice.count();
        agent.requestTest();
        voice.await("The test showed alcohol.", before, 20_000);
        receiver.sendRaw("home-e2e-7", MessageType.CONFIG, ""); // clear the retained message for later runs
    }

    @Test
    void a_configuration_with_a_bad_signature_is_not_used_and_becomes_a_tamper_event() throws Exception {
        start("home-e2e-5", new FakeBreathalyser(Clock.systemUTC()), Map.of());
        MessageSigner forger = new MessageSigner(TestKeys.key(org.breathgate.protocol.KeyId.receiver(9)));
        Schedule schedule = Schedule.withDefaults(ZoneId.of("Europe/Helsinki"), List.of());
        receiver.send("home-e2e-5", forger.sign(new ConfigUpdate("home-e2e-5", 7, Instant.now(), schedule,
                new BreathAlcohol(100), "en", 600)));
        receiver.await(() -> receiver.stored("home-e2e-5").size() == 1, WAIT, "the tamper event");
        TamperEvent t = (TamperEvent) receiver.events("home-e2e-5").get(0);
        assertEquals(TamperKind.CONFIG_REJECTED, t.kind());
        assertEquals(0, agent.status().configVersion());
        receiver.sendRaw("home-e2e-5", MessageType.CONFIG, ""); // clear the retained message for later runs
    }

    @Test
    void a_quarantined_event_moves_to_the_dead_letter_table_and_is_reported_in_status() throws Exception {
        start("home-e2e-6", new FakeBreathalyser(Clock.systemUTC()), Map.of());
        receiver.quarantineNext(1, "invalid_field");
        agent.requestSupport(org.breathgate.protocol.SupportNeed.CALL_ME);
        receiver.await(() -> agent.outboxStats().deadLetters() == 1, WAIT, "the dead letter");
        assertEquals(0, agent.outboxStats().depth());
        assertTrue(agent.status().warnings().contains("quarantined_events"));
    }

    @Test
    void a_reading_from_the_simulated_breathalyser_on_a_socat_pty_reaches_the_receiver() throws Exception {
        try (SimulatedBreathalyser sim = SimulatedBreathalyser.start(Scenario.mouthAlcoholThenClean(), dir.resolve("pty"))) {
            Breathalyser driver = Breathalysers.create(LineProtocolConfig.defaults(sim.portPath()), Clock.systemUTC());
            start("home-e2e-7", driver, Map.of());
            receiver.await(() -> agent.status().sensorState() == org.breathgate.protocol.SensorState.READY, WAIT, "the sensor");
            agent.requestTest();
            receiver.await(() -> receiver.stored("home-e2e-7").size() == 1, WAIT, "the simulated reading");
            Reading r = (Reading) receiver.events("home-e2e-7").get(0);
            assertEquals(new BreathAlcohol(380), r.breathAlcohol());
            assertEquals(Outcome.FAIL, r.outcome());
            assertEquals(SimulatedBreathalyser.MODEL, r.sensor().model());
        }
    }
}
