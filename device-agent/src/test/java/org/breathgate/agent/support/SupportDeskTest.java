package org.breathgate.agent.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;
import org.breathgate.agent.ManualTimer;
import org.breathgate.agent.TestClockSource;
import org.breathgate.agent.evidence.EvidenceRecorder;
import org.breathgate.agent.outbox.Outbox;
import org.breathgate.agent.outbox.SupportRecord;
import org.breathgate.agent.prompt.LightKeeper;
import org.breathgate.agent.prompt.Prompter;
import org.breathgate.agent.prompt.RecordingVoice;
import org.breathgate.hardware.LightColour;
import org.breathgate.hardware.LightPattern;
import org.breathgate.hardware.sim.SoftPanel;
import org.breathgate.hardware.sim.SoftStatusLight;
import org.breathgate.protocol.InvalidMessageException;
import org.breathgate.protocol.KeyResolver;
import org.breathgate.protocol.MessageSigner;
import org.breathgate.protocol.MessageVerifier;
import org.breathgate.protocol.SupportNeed;
import org.breathgate.protocol.SupportReply;
import org.breathgate.protocol.SupportRequest;
import org.breathgate.testkit.TestKeys;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The help menu and the request's life, with time moved by hand and a real outbox file. */
class SupportDeskTest {

    private static final String DEVICE = "home-help-1";
    private static final Duration STEP = Duration.ofSeconds(8);
    private static final Instant WEDNESDAY_10_10 = Instant.parse("2026-11-25T08:10:00Z"); // Helsinki time

    @TempDir
    Path dir;

    private final TestClockSource clock = new TestClockSource(WEDNESDAY_10_10);
    private final ManualTimer timer = new ManualTimer();
    private final SoftPanel panel = new SoftPanel(java.time.Clock.systemUTC());
    private final RecordingVoice voice = new RecordingVoice();
    private Outbox outbox;
    private SupportDesk desk;
    private LightKeeper light;

    @BeforeEach
    void open() {
        outbox = Outbox.open(dir.resolve("outbox.db"), DEVICE, 1_000_000);
        desk = desk();
    }

    private SupportDesk desk() {
        EvidenceRecorder recorder = new EvidenceRecorder(DEVICE, new MessageSigner(TestKeys.device(DEVICE)), clock, outbox);
        SupportDesk[] made = new SupportDesk[1];
        light = new LightKeeper(panel.light(), clock::monotonicMs, () -> made[0].standing());
        Prompter prompter = new Prompter(light, panel.buzzer(), voice, "en", null, false, clock::wall, () -> ZoneId.of("Europe/Helsinki"));
        made[0] = new SupportDesk(DEVICE, recorder, outbox.support(), prompter, light, clock, timer, STEP, () -> ZoneId.of("Europe/Helsinki"));
        return made[0];
    }

    @AfterEach
    void close() {
        outbox.close();
    }

    private void wait(Duration d) {
        clock.advance(d);
        timer.advance(d);
    }

    private SupportRequest sent() throws InvalidMessageException {
        var pending = outbox.pendingAfter(0, 10);
        assertEquals(1, pending.size(), "one request in the outbox");
        return (SupportRequest) new MessageVerifier(KeyResolver.of(TestKeys.device(DEVICE).verificationKey()))
                .verify(pending.get(0).compact(), DEVICE).message();
    }

    @Test
    void the_menu_says_112_first_then_offers_each_need_and_a_press_chooses_the_one_offered() throws Exception {
        desk.helpPressed();
        assertEquals("You pressed the help button. In an emergency, call 1 1 2. To stop, press the test button.", voice.last());
        assertEquals(new SoftStatusLight.Shown(LightColour.BLUE, LightPattern.STEADY), panel.light().current());
        desk.helpPressed();
        assertEquals(0, outbox.stats().depth(), "a press during the introduction chooses nothing");
        wait(STEP);
        assertEquals("Do you need help now? Then press the help button.", voice.last());
        wait(STEP);
        assertEquals("Do you want a worker to call you? Then press the help button.", voice.last());
        desk.helpPressed();
        SupportRequest request = sent();
        assertEquals(SupportNeed.CALL_ME, request.need());
        assertTrue(request.needChosen());
        assertEquals("You asked for a phone call. Your request is saved. It will be sent to the service. In an emergency, call 1 1 2.",
                voice.last());
        assertEquals(new SoftStatusLight.Shown(LightColour.BLUE, LightPattern.DOUBLE_FLASH), panel.light().current());
        assertFalse(desk.menuOpen());
        wait(STEP.multipliedBy(10));
        assertEquals(1, outbox.stats().depth(), "the menu is over: no second request");
    }

    @Test
    void a_parent_who_chooses_nothing_is_never_stuck_help_now_is_sent_after_two_rounds() throws Exception {
        desk.helpPressed();
        wait(STEP.multipliedBy(6));
        assertEquals(0, outbox.stats().depth(), "still offering the choices, the second time");
        assertEquals("Does the device have a problem? Then press the help button.", voice.last());
        wait(STEP);
        SupportRequest request = sent();
        assertEquals(SupportNeed.HELP_NOW, request.need());
        assertFalse(request.needChosen(), "the worker sees that nobody chose");
        assertTrue(voice.last().startsWith("Your request for help is saved. It will be sent to the service as a request for help now."));
        assertTrue(voice.last().endsWith("In an emergency, call 1 1 2."));
    }

    @Test
    void the_test_button_stops_the_menu_and_nothing_is_sent() {
        desk.helpPressed();
        wait(STEP);
        desk.cancel();
        assertEquals("Nothing was sent. If you need help, press the help button. In an emergency, call 1 1 2.", voice.last());
        wait(STEP.multipliedBy(10));
        assertEquals(0, outbox.stats().depth());
        assertFalse(desk.menuOpen());
    }

    @Test
    void the_service_s_reply_is_said_with_the_contact_time_in_words_and_lights_steady() throws Exception {
        desk.request(SupportNeed.CALL_ME);
        long seq = sent().seq();
        outbox.acknowledge(List.of(seq));
        desk.replyReceived(new SupportReply(DEVICE, WEDNESDAY_10_10.plusSeconds(60), List.of(
                SupportReply.Entry.seen(seq, SupportReply.Role.WORKER, null, Instant.parse("2026-11-25T14:00:00Z")))));
        assertEquals("A worker has seen your request. They will contact you today before 4 pm. In an emergency, call 1 1 2.",
                voice.last());
        assertEquals(new SoftStatusLight.Shown(LightColour.GREEN, LightPattern.STEADY), panel.light().current());
    }

    @Test
    void the_next_working_day_is_said_as_the_day_it_is() throws Exception {
        clock.jumpWallTo(Instant.parse("2026-11-27T15:30:00Z")); // Friday 17:30 in Helsinki
        desk.request(SupportNeed.CALL_ME);
        long seq = sent().seq();
        desk.replyReceived(new SupportReply(DEVICE, Instant.parse("2026-11-27T15:31:00Z"), List.of(SupportReply.Entry.seen(seq,
                SupportReply.Role.WORKER, Instant.parse("2026-11-30T06:00:00Z"), Instant.parse("2026-11-30T14:00:00Z")))));
        assertEquals("A worker has seen your request. They will contact you on Monday between 8 am and 4 pm. In an emergency, call 1 1 2.",
                voice.last());
    }

    @Test
    void an_old_or_repeated_reply_changes_nothing_and_says_nothing() throws Exception {
        desk.request(SupportNeed.HELP_NOW);
        long seq = sent().seq();
        SupportReply seen = new SupportReply(DEVICE, WEDNESDAY_10_10.plusSeconds(60),
                List.of(SupportReply.Entry.seen(seq, SupportReply.Role.ON_CALL, null, null)));
        desk.replyReceived(seen);
        assertEquals("The on-call social services have seen your request. They will contact you. In an emergency, call 1 1 2.", voice.last());
        int said = voice.count();
        desk.replyReceived(seen); // the retained reply again, at a reconnect
        desk.replyReceived(new SupportReply(DEVICE, WEDNESDAY_10_10.plusSeconds(30),
                List.of(SupportReply.Entry.closed(seq, SupportReply.Role.ON_CALL)))); // issued before the one applied
        assertEquals(said, voice.count(), "nothing more was said");
        assertTrue(outbox.support().find(seq).orElseThrow().seen());
        desk.replyReceived(new SupportReply(DEVICE, WEDNESDAY_10_10.plusSeconds(90), List.of(
                SupportReply.Entry.seen(seq + 100, SupportReply.Role.WORKER, null, null)))); // a request this device never made
        assertEquals(said, voice.count());
    }

    @Test
    void a_closed_request_is_said_handled_and_the_light_goes_back_to_waiting() throws Exception {
        desk.request(SupportNeed.DEVICE_PROBLEM);
        long seq = sent().seq();
        desk.replyReceived(new SupportReply(DEVICE, WEDNESDAY_10_10.plusSeconds(60), List.of(SupportReply.Entry.closed(seq,
                SupportReply.Role.TECHNICIAN))));
        assertEquals("Your request has been handled. In an emergency, call 1 1 2.", voice.last());
        assertEquals(Optional.empty(), desk.standing());
    }

    @Test
    void where_a_request_stands_is_kept_across_a_restart() throws Exception {
        desk.request(SupportNeed.CALL_ME);
        long seq = sent().seq();
        assertEquals(List.of("SUPPORT_STATE_WAITING", "EMERGENCY_112"), prompts(desk.stateLines()));
        outbox.acknowledge(List.of(seq));
        assertEquals(List.of("SUPPORT_STATE_ARRIVED", "EMERGENCY_112"), prompts(desk.stateLines()));
        desk.replyReceived(new SupportReply(DEVICE, WEDNESDAY_10_10.plusSeconds(60), List.of(
                SupportReply.Entry.seen(seq, SupportReply.Role.WORKER, null, Instant.parse("2026-11-25T14:00:00Z")))));
        outbox.close();
        outbox = Outbox.open(dir.resolve("outbox.db"), DEVICE, 1_000_000);
        SupportDesk again = desk();
        assertEquals(List.of("SUPPORT_SEEN_WORKER", "CONTACT_BEFORE", "EMERGENCY_112"), prompts(again.stateLines()));
        assertEquals(Optional.of(new LightKeeper.Light(LightColour.GREEN, LightPattern.STEADY)), again.standing());
        SupportRecord kept = outbox.support().find(seq).orElseThrow();
        assertEquals(List.of(SupportNeed.CALL_ME, true, true), List.of(kept.need(), kept.needChosen(), kept.delivered()));
        clock.advance(Duration.ofHours(25));
        assertEquals(Optional.empty(), again.standing(), "a day after the answer the light no longer shows it");
    }

    @Test
    void a_request_the_receiver_did_not_accept_is_told_plainly() throws Exception {
        desk.request(SupportNeed.CALL_ME);
        long seq = sent().seq();
        outbox.quarantine(seq, "invalid_field");
        desk.refused(seq);
        assertEquals("Your request did not go through. Please phone your worker. In an emergency, call 1 1 2.", voice.last());
        assertEquals(Optional.empty(), desk.standing());
    }

    @Test
    void every_message_about_help_ends_with_112() throws Exception {
        desk.helpPressed();
        desk.cancel();
        desk.request(SupportNeed.HELP_NOW);
        long seq = sent().seq();
        desk.replyReceived(new SupportReply(DEVICE, WEDNESDAY_10_10.plusSeconds(60),
                List.of(SupportReply.Entry.seen(seq, SupportReply.Role.ON_CALL, null, null))));
        for (String said : voice.texts().subList(1, voice.count())) {
            assertTrue(said.endsWith("In an emergency, call 1 1 2."), said);
        }
    }

    private static List<String> prompts(List<Prompter.Line> lines) {
        return lines.stream().map(l -> l.prompt().name()).toList();
    }
}
