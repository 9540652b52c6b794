package org.breathgate.agent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pi4j.Pi4J;
import com.pi4j.context.Context;
import com.pi4j.io.gpio.digital.DigitalState;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalInput;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalInputProvider;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalOutputProvider;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.breathgate.agent.AgentDaemon;
import org.breathgate.agent.clock.SystemClockSource;
import org.breathgate.agent.config.AgentConfig;
import org.breathgate.agent.prompt.CommandVoice;
import org.breathgate.agent.prompt.Prompt;
import org.breathgate.agent.prompt.Prompter;
import org.breathgate.agent.prompt.SpokenTime;
import org.breathgate.agent.prompt.StandInAudio;
import org.breathgate.protocol.KeyId;
import org.breathgate.protocol.MessageJson;
import org.breathgate.protocol.MessageSigner;
import org.breathgate.protocol.MessageType;
import org.breathgate.protocol.SigningKey;
import org.breathgate.protocol.SupportNeed;
import org.breathgate.protocol.SupportReply;
import org.breathgate.protocol.SupportRequest;
import org.breathgate.testkit.MosquittoBroker;
import org.breathgate.testkit.TestKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The support loop end to end on the device's side, with real parts: the parent presses the help button on
 * GPIO (Pi4J's mock platform), hears the menu (recordings and espeak-ng, both real processes standing in and
 * logging what they were given), chooses "call me" with a second press; the signed {@code support_request}
 * reaches a Mosquitto broker and a test receiver; forged and unsigned replies are ignored; the receiver's
 * genuine signed {@code support_reply} is said aloud and lit; a restart keeps it, and "say it again" says it.
 */
@Timeout(180)
class SupportReplyIT {

    private static final String DEVICE = "home-help-2";
    private static final int TEST_BUTTON = 5;
    private static final int HELP_BUTTON = 6;
    private static final int WHITE = 13;
    private static final int GREEN = 12;
    private static final int AMBER = 16;
    private static final int BLUE = 20;
    private static final String USB_SOUND_CARD = "plughw:CARD=Device,DEV=0";
    private static final ZoneId HELSINKI = ZoneId.of("Europe/Helsinki");

    @TempDir
    Path dir;

    private Map<String, String> settings(String brokerUri, Path recordings) throws Exception {
        Map<String, String> s = AgentFixture.settings(dir, DEVICE, brokerUri);
        s.putAll(Map.of("sensor.driver", "gpio-interlock", "sensor.model", "Interlock X1", "sensor.serial", "IX-1",
                "interlock.ready.pin", "17", "interlock.pass.pin", "27", "interlock.fail.pin", "22", "interlock.active.high", "true"));
        s.putAll(Map.of("panel", "gpio", "panel.start.pin", Integer.toString(TEST_BUTTON), "panel.support.pin", Integer.toString(HELP_BUTTON),
                "panel.led.white.pin", Integer.toString(WHITE), "panel.led.green.pin", Integer.toString(GREEN),
                "panel.led.amber.pin", Integer.toString(AMBER), "panel.led.blue.pin", Integer.toString(BLUE), "panel.buzzer.pin", "19"));
        s.putAll(Map.of("language", "fi", "audio.language", "se", "audio.dir", recordings.toString(), "audio.device", USB_SOUND_CARD,
                "help.menu.step.ms", "2000", "buttons.double.press.ms", "500", "voice", "true"));
        return s;
    }

    private static Context mockPins() {
        return Pi4J.newContextBuilder().add(MockDigitalInputProvider.newInstance(), MockDigitalOutputProvider.newInstance()).build();
    }

    private static void press(Context pi4j, int pin) throws InterruptedException {
        MockDigitalInput in = pi4j.registry().all().values().stream()
                .filter(io -> io instanceof MockDigitalInput m && m.address().intValue() == pin)
                .map(MockDigitalInput.class::cast).findFirst().orElseThrow(() -> new AssertionError("no input on GPIO " + pin));
        in.mockState(DigitalState.LOW);
        Thread.sleep(80); // longer than the 50 ms debounce: a real press
        in.mockState(DigitalState.HIGH);
    }

    private static void release(Context pi4j, int... pins) {
        for (int pin : pins) {
            pi4j.registry().all().values().stream()
                    .filter(io -> io instanceof MockDigitalInput m && m.address().intValue() == pin)
                    .map(MockDigitalInput.class::cast).forEach(m -> m.mockState(DigitalState.HIGH));
        }
    }

    private static void awaitPlayed(StandInAudio audio, String file, int times) throws Exception {
        long end = System.currentTimeMillis() + 20_000;
        while (audio.playedFiles().stream().filter(file::equals).count() < times) {
            if (System.currentTimeMillis() > end) {
                throw new AssertionError(file + " was not played " + times + " times; calls: " + audio.calls());
            }
            Thread.sleep(20);
        }
    }

    private static void awaitSpoken(StandInAudio audio, String text) throws Exception {
        long end = System.currentTimeMillis() + 20_000;
        while (!audio.spokenTexts().contains(text)) {
            if (System.currentTimeMillis() > end) {
                throw new AssertionError("'" + text + "' was never spoken; spoken: " + audio.spokenTexts());
            }
            Thread.sleep(20);
        }
    }

    /** A compact JWS with any header and payload, signed by {@code key}, or unsigned when it is null. */
    private static String raw(String header, byte[] payload, SigningKey key) {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String input = b64.encodeToString(header.getBytes(StandardCharsets.UTF_8)) + "." + b64.encodeToString(payload);
        return input + "." + (key == null ? "" : b64.encodeToString(ed25519(key, input.getBytes(StandardCharsets.US_ASCII))));
    }

    /** Signs as an attacker holding {@code key} would: with the JDK's own Ed25519, not through the protocol module. */
    private static byte[] ed25519(SigningKey key, byte[] data) {
        try {
            byte[] pkcs8 = Base64.getMimeDecoder().decode(key.toPem().replaceAll("-----[A-Z ]+-----", ""));
            java.security.Signature s = java.security.Signature.getInstance("Ed25519");
            s.initSign(java.security.KeyFactory.getInstance("Ed25519").generatePrivate(new java.security.spec.PKCS8EncodedKeySpec(pkcs8)));
            s.update(data);
            return s.sign();
        } catch (java.security.GeneralSecurityException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void the_parent_asks_for_a_call_by_buttons_and_hears_who_saw_it_and_when_to_expect_contact_even_after_a_restart() throws Exception {
        StandInAudio audio = new StandInAudio(dir.resolve("bin"));
        // The service supplied two Northern Sámi recordings; every other sentence is Finnish speech.
        Path recordings = Files.createDirectories(dir.resolve("audio"));
        Files.write(recordings.resolve("support_menu_call_me.se.wav"), new byte[] {'R', 'I', 'F', 'F'});
        Files.write(recordings.resolve("emergency_112.se.wav"), new byte[] {'R', 'I', 'F', 'F'});
        try (MosquittoBroker broker = MosquittoBroker.start(); TestReceiver receiver = new TestReceiver(broker.uri(), DEVICE)) {
            AgentConfig config = AgentFixture.config(settings(broker.uri(), recordings));
            Context pi4j = mockPins();
            SupportReply reply;
            try (AgentDaemon daemon = AgentDaemon.start(config, () -> pi4j, new SystemClockSource(Clock.systemUTC(), () -> true),
                    new CommandVoice(audio.programs(), recordings, USB_SOUND_CARD, DEVICE))) {
                release(pi4j, TEST_BUTTON, HELP_BUTTON);
                press(pi4j, HELP_BUTTON);
                awaitSpoken(audio, Prompter.text(Prompt.SUPPORT_MENU_INTRO, "fi"));
                awaitPlayed(audio, "emergency_112.se.wav", 1); // "in an emergency, call 112", in Sámi
                awaitSpoken(audio, Prompter.text(Prompt.SUPPORT_MENU_HELP_NOW, "fi"));
                awaitPlayed(audio, "support_menu_call_me.se.wav", 1); // "A worker calls you?", in Sámi, is offered: press now
                press(pi4j, HELP_BUTTON);

                receiver.await(() -> receiver.stored(DEVICE).size() == 1, Duration.ofSeconds(20), "the support request");
                SupportRequest request = (SupportRequest) receiver.events(DEVICE).get(0);
                assertEquals(SupportNeed.CALL_ME, request.need());
                assertTrue(request.needChosen(), "the parent chose it");
                awaitSpoken(audio, Prompter.text(Prompt.SUPPORT_SAVED_CALL_ME, "fi"));
                awaitPlayed(audio, "emergency_112.se.wav", 2); // in the introduction, and after "saved"
                assertTrue(PinWatcher.doubleFlash(pi4j, BLUE), "two flashes, again and again: the request is on its way");

                // Forged and unsigned replies, as a compromised broker could publish them: none is believed.
                int before = audio.calls().size();
                byte[] closed = MessageJson.encode(new SupportReply(DEVICE, Instant.now(),
                        List.of(SupportReply.Entry.closed(request.seq(), SupportReply.Role.WORKER))));
                String kid = "{\"alg\":\"EdDSA\",\"kid\":\"receiver:1\"}";
                List<String> forged = List.of(
                        raw(kid, closed, SigningKey.fromSeed(KeyId.receiver(1), new byte[32])),         // an attacker's key
                        raw("{\"alg\":\"EdDSA\",\"kid\":\"" + DEVICE + ":1\"}", closed, TestKeys.device(DEVICE)), // the device's own key
                        raw("{\"alg\":\"none\",\"kid\":\"receiver:1\"}", closed, null),                 // unsigned
                        raw("{\"alg\":\"EdDSA\",\"kid\":\"receiver:2\"}", closed, TestKeys.receiver(2)), // a receiver key it does not know
                        new MessageSigner(TestKeys.receiver()).sign(new SupportReply("home-other", Instant.now(),   // genuine, another device's
                                List.of(SupportReply.Entry.closed(request.seq(), SupportReply.Role.WORKER)))).compact());
                for (String f : forged) {
                    receiver.sendRaw(DEVICE, MessageType.SUPPORT_REPLY, f);
                }
                Thread.sleep(2_000);
                assertEquals(before, audio.calls().size(), "nothing was said of a forged reply: " + audio.calls().subList(before, audio.calls().size()));

                // The receiver's genuine reply: seen by a worker, a call expected within two hours.
                Instant contactBefore = Instant.now().plus(2, ChronoUnit.HOURS).truncatedTo(ChronoUnit.MINUTES);
                reply = new SupportReply(DEVICE, Instant.now(),
                        List.of(SupportReply.Entry.seen(request.seq(), SupportReply.Role.WORKER, null, contactBefore)));
                receiver.send(DEVICE, new MessageSigner(TestKeys.receiver()).sign(reply)); // retained, as the receiver publishes it
                awaitSpoken(audio, Prompter.text(Prompt.SUPPORT_SEEN_WORKER, "fi"));
                String when = Prompter.text(Prompt.CONTACT_BEFORE, "fi",
                        SpokenTime.day(contactBefore.atZone(HELSINKI).toLocalDate(), Instant.now().atZone(HELSINKI).toLocalDate(), "fi"),
                        SpokenTime.time(contactBefore.atZone(HELSINKI).toLocalTime(), "fi"));
                awaitSpoken(audio, when);
                awaitPlayed(audio, "emergency_112.se.wav", 3);
                assertTrue(PinWatcher.steady(pi4j, GREEN, Duration.ofMillis(2500)), "a steady light: someone has seen it");
                assertTrue(audio.calls().stream().allMatch(c -> !c.get(0).equals("aplay") || c.contains(USB_SOUND_CARD)),
                        "every sound went to the USB sound card");
            }

            // A restart: the retained reply arrives again and is not told again; "say it again" tells it.
            int beforeRestart = audio.spokenTexts().size();
            Context pi4jAgain = mockPins();
            try (AgentDaemon daemon = AgentDaemon.start(config, () -> pi4jAgain, new SystemClockSource(Clock.systemUTC(), () -> true),
                    new CommandVoice(audio.programs(), recordings, USB_SOUND_CARD, DEVICE))) {
                release(pi4jAgain, TEST_BUTTON, HELP_BUTTON);
                long lit = System.currentTimeMillis() + 5_000; // the agent's first tick lights it
                while (PinWatcher.output(pi4jAgain, GREEN).state() != DigitalState.HIGH && System.currentTimeMillis() < lit) {
                    Thread.sleep(10);
                }
                assertTrue(PinWatcher.steady(pi4jAgain, GREEN, Duration.ofMillis(2500)), "the light still shows the answer; white "
                        + PinWatcher.stretches(pi4jAgain, WHITE, Duration.ofSeconds(2)) + ", amber " + PinWatcher.stretches(pi4jAgain, AMBER,
                        Duration.ofSeconds(2)) + ", blue " + PinWatcher.stretches(pi4jAgain, BLUE, Duration.ofSeconds(2)) + ", status "
                        + daemon.agent().status());
                assertEquals(beforeRestart, audio.spokenTexts().size(), "the retained reply, known already, was not said again");
                press(pi4jAgain, TEST_BUTTON);
                Thread.sleep(150);
                press(pi4jAgain, TEST_BUTTON); // twice quickly: say it again
                long end = System.currentTimeMillis() + 20_000;
                while (audio.spokenTexts().stream().skip(beforeRestart).noneMatch(Prompter.text(Prompt.SUPPORT_SEEN_WORKER, "fi")::equals)) {
                    assertTrue(System.currentTimeMillis() < end, "never said again: " + audio.spokenTexts());
                    Thread.sleep(20);
                }
                awaitPlayed(audio, "emergency_112.se.wav", 4);
            }
        }
    }
}
