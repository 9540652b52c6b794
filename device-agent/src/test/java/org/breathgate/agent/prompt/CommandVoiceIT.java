package org.breathgate.agent.prompt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The voice runs real processes: stand-ins for espeak-ng, aplay and oggdec that log what they were given. */
@Timeout(30)
class CommandVoiceIT {

    private static final String DEVICE = "plughw:CARD=Device,DEV=0"; // a USB sound card, as on a Pi 5

    @TempDir
    Path dir;

    private Speech speech(String language, String audioLanguage, boolean interrupt, Speech.Sentence... sentences) {
        return new Speech(language, audioLanguage, List.of(sentences), interrupt);
    }

    @Test
    void a_recording_is_played_on_the_configured_device_and_a_sentence_without_one_is_synthesised_in_the_speech_language()
            throws Exception {
        StandInAudio audio = new StandInAudio(dir.resolve("bin"));
        Path recordings = Files.createDirectories(dir.resolve("audio"));
        Files.write(recordings.resolve("window_open.se.wav"), new byte[] {'R', 'I', 'F', 'F'});
        try (CommandVoice voice = new CommandVoice(audio.programs(), recordings, DEVICE, "t")) {
            voice.say(speech("fi", "se", false, new Speech.Sentence("window_open", "Nyt on puhallustestin aika."),
                    new Speech.Sentence("abstain-15", "Älä syö, juo tai tupakoi 15 minuuttiin ennen testiä.")));
            List<List<String>> calls = audio.await(3, 10_000);
            assertEquals(List.of("aplay", "-q", "-D", DEVICE, recordings.resolve("window_open.se.wav").toString()), calls.get(0),
                    "the Sámi recording, played first");
            assertEquals(List.of("espeak-ng", "-v", "fi", "-s", "145", "--stdout", "Älä syö, juo tai tupakoi 15 minuuttiin ennen testiä."),
                    calls.get(1), "no Sámi recording of this sentence: Finnish speech");
            assertEquals(List.of("aplay", "-q", "-D", DEVICE, "stdin=" + "RIFF-stand-in-wave".length()), calls.get(2),
                    "the speech is played on the same device, through a pipe");
        }
    }

    @Test
    void an_ogg_recording_is_decoded_by_oggdec_and_played_by_aplay() throws Exception {
        StandInAudio audio = new StandInAudio(dir.resolve("bin"));
        Path recordings = Files.createDirectories(dir.resolve("audio"));
        Files.write(recordings.resolve("emergency_112.fi.ogg"), new byte[] {'O', 'g', 'g', 'S'});
        try (CommandVoice voice = new CommandVoice(audio.programs(), recordings, "default", "t")) {
            voice.say(speech("fi", "fi", false, new Speech.Sentence("emergency_112", "Hätätilanteessa soita 1 1 2.")));
            List<List<String>> calls = audio.await(2, 10_000);
            assertEquals(List.of("oggdec", "-Q", "-o", "-", recordings.resolve("emergency_112.fi.ogg").toString()), calls.get(0));
            assertEquals(List.of("aplay", "-q", "-D", "default", "stdin=" + "RIFF-decoded-ogg".length()), calls.get(1));
            assertEquals(List.of(), audio.spokenTexts(), "nothing synthesised");
        }
    }

    @Test
    void without_aplay_espeak_ng_speaks_through_its_own_output() throws Exception {
        StandInAudio audio = new StandInAudio(dir.resolve("bin"));
        Path recordings = Files.createDirectories(dir.resolve("audio"));
        Files.write(recordings.resolve("window_open.en.wav"), new byte[4]);
        try (CommandVoice voice = new CommandVoice(audio.espeakOnly(), recordings, DEVICE, "t")) {
            voice.say(speech("en", "en", false, new Speech.Sentence("window_open", "It is time for your breath test.")));
            assertEquals(List.of("espeak-ng", "-v", "en", "-s", "145", "It is time for your breath test."), audio.await(1, 10_000).get(0),
                    "a recording cannot be played without aplay: the sentence is synthesised");
        }
    }

    @Test
    void an_answer_to_a_button_stops_what_is_being_said() throws Exception {
        StandInAudio audio = new StandInAudio(dir.resolve("bin"));
        Path recordings = Files.createDirectories(dir.resolve("audio"));
        Files.write(recordings.resolve("missed.en.wav"), new byte[4]);
        // A long recording: the stand-in aplay plays it for 20 s.
        Path slow = dir.resolve("slow");
        Files.createDirectories(slow);
        StandInAudio slowAudio = new StandInAudio(slow);
        Path aplay = slow.resolve("aplay");
        Files.writeString(aplay, Files.readString(aplay).replace("${APLAY_SECONDS:-0}", "20"));
        try (CommandVoice voice = new CommandVoice(slowAudio.programs(), recordings, "default", "t")) {
            voice.say(speech("en", "en", false, new Speech.Sentence("missed", "The test time has ended.")));
            slowAudio.await(1, 10_000);
            long before = System.nanoTime();
            voice.say(speech("en", "en", true, new Speech.Sentence(null, "Your next test is today at 8 pm.")));
            List<List<String>> calls = slowAudio.await(3, 10_000);
            long ms = (System.nanoTime() - before) / 1_000_000;
            assertTrue(ms < 10_000, "answered after " + ms + " ms, not after the 20 s recording");
            assertEquals("Your next test is today at 8 pm.", calls.get(1).get(calls.get(1).size() - 1));
        }
    }
}
