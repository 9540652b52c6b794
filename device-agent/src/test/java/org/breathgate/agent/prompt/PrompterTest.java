package org.breathgate.agent.prompt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.breathgate.hardware.BeepPattern;
import org.breathgate.hardware.LightColour;
import org.breathgate.hardware.LightPattern;
import org.breathgate.hardware.sim.SoftPanel;
import org.breathgate.hardware.sim.SoftStatusLight;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PrompterTest {

    private static final Instant NOW = Instant.parse("2026-11-25T08:10:00Z"); // 10:10 in Helsinki, a Wednesday
    private final SoftPanel panel = new SoftPanel(Clock.systemUTC());
    private final RecordingVoice voice = new RecordingVoice();

    private Prompter prompter(String language, boolean speakResults) {
        return prompter(language, null, speakResults);
    }

    private Prompter prompter(String language, String audioLanguage, boolean speakResults) {
        return new Prompter(new LightKeeper(panel.light(), () -> 0, Optional::empty), panel.buzzer(), voice, language, audioLanguage,
                speakResults, () -> NOW, () -> ZoneId.of("Europe/Helsinki"));
    }

    @Test
    void a_positive_is_told_calmly_with_the_retest_delay_when_the_service_allows_results_aloud() {
        prompter("en", true).show(Prompt.RESULT_POSITIVE, 20);
        assertEquals(List.of("The test showed alcohol. The test is saved. Please test again in 20 minutes. The device will remind you."),
                voice.texts());
    }

    @Test
    void a_positive_is_told_in_finnish() {
        prompter("fi", true).show(Prompt.RESULT_POSITIVE, 20);
        assertEquals(List.of("Testissä näkyi alkoholia. Testi on tallennettu. Tee uusi testi 20 minuutin päästä. Laite muistuttaa sinua."),
                voice.texts());
    }

    @Test
    void by_default_no_result_is_said_aloud_and_the_light_shows_it_instead() {
        Prompter p = prompter("en", false);
        p.show(Prompt.RESULT_POSITIVE, 20);
        assertEquals("Thank you. The test is saved.", voice.last(), "a positive sounds like any result");
        assertEquals(new SoftStatusLight.Shown(LightColour.AMBER, LightPattern.LONG_BLINK), panel.light().current());
        p.show(Prompt.RESULT_RECORDED);
        assertEquals("Thank you. The test is saved.", voice.last());
        assertEquals(new SoftStatusLight.Shown(LightColour.GREEN, LightPattern.STEADY), panel.light().current());
        p.show(Prompt.CHAIN_CLEARED);
        assertEquals("Thank you. The test is saved.", voice.last(), "nothing said tells there was a retest");
        p.showWithAbstain(Prompt.RETEST_DUE, 15);
        assertTrue(voice.last().startsWith("It is time for your breath test."), "a retest is asked for as a test: " + voice.last());
        assertFalse(voice.last().contains("follow-up"));
    }

    @Test
    void light_and_buzzer_carry_the_prompt_for_a_parent_who_does_not_read() {
        prompter("sv", false).show(Prompt.BLOW_NOW);
        assertEquals(new SoftStatusLight.Shown(LightColour.WHITE, LightPattern.FAST_BLINK), panel.light().current());
        assertEquals(List.of(BeepPattern.BLOW_NOW), panel.buzzer().played());
    }

    @Test
    void the_window_prompt_includes_the_reminder_not_to_eat_drink_or_smoke() {
        prompter("en", false).showWithAbstain(Prompt.WINDOW_OPEN, 15);
        assertTrue(voice.last().endsWith("Please do not eat, drink or smoke for 15 minutes before the test."), voice.last());
    }

    @Test
    void each_sentence_names_its_recording_and_one_with_a_time_has_none() {
        Prompter p = prompter("fi", "se", false);
        p.showWithAbstain(Prompt.WINDOW_OPEN, 15);
        Speech s = voice.speeches().get(0);
        assertEquals("se", s.audioLanguage());
        assertEquals("fi", s.language(), "where no Sámi recording is found, Finnish speech");
        assertEquals(List.of("window_open", "abstain-15"), s.sentences().stream().map(Speech.Sentence::audioKey).toList());
        p.tell(null, true, true, List.of(Prompter.Line.of(Prompt.CONTACT_BEFORE, new SpokenTime.Day(NOW.plusSeconds(3600)),
                new SpokenTime.Time(Instant.parse("2026-11-25T14:00:00Z")))));
        Speech contact = voice.speeches().get(1);
        assertEquals(null, contact.sentences().get(0).audioKey());
        assertEquals("Sinuun otetaan yhteyttä tänään ennen kello 16.", contact.text());
        assertTrue(contact.interrupt());
    }

    @Test
    void say_it_again_repeats_the_last_message_and_what_follows() {
        Prompter p = prompter("en", false);
        p.show(Prompt.MISSED);
        p.repeat(List.of(Prompter.Line.of(Prompt.EMERGENCY_112)));
        assertEquals(Prompter.text(Prompt.MISSED, "en") + " In an emergency, call 1 1 2.", voice.last());
        assertTrue(voice.speeches().get(1).interrupt(), "the parent is waiting for it");
    }

    @ParameterizedTest
    @ValueSource(strings = {"fi", "sv", "en"})
    void every_prompt_has_a_text_in_each_language_and_none_accuses(String language) {
        for (Prompt p : Prompt.values()) {
            String text = Prompter.text(p, language, 20, "tänään", "kello 16");
            assertFalse(text.isBlank(), p + " in " + language);
            assertFalse(text.toUpperCase(Locale.ROOT).contains("FAIL"), p + " in " + language + ": " + text);
            assertFalse(text.contains("{"), p + " in " + language + " has an unfilled placeholder: " + text);
            assertFalse(text.contains("!"), p + " in " + language + " raises its voice: " + text);
            for (String word : List.of("must", "wrong", "refuse", "epäonnist", "väärin", "pitää", "misslyck", "måste", "felaktig")) {
                assertFalse(text.toLowerCase(Locale.ROOT).contains(word), p + " in " + language + " says '" + word + "': " + text);
            }
        }
    }

    /**
     * Plain language (selkokieli, lätt svenska): short sentences, few of them. The limits are those of the texts
     * as reviewed: a new text that needs more words is split instead.
     */
    @ParameterizedTest
    @ValueSource(strings = {"fi", "sv", "en"})
    void every_prompt_is_said_in_short_sentences(String language) {
        for (Prompt p : Prompt.values()) {
            String text = Prompter.text(p, language, 20, "tomorrow", "8 am", "4 pm");
            String[] sentences = text.split("(?<=[.?])\\s+");
            assertTrue(sentences.length <= 5, p + " in " + language + " has " + sentences.length + " sentences: " + text);
            for (String sentence : sentences) {
                int words = sentence.split("\\s+").length;
                assertTrue(words <= 14, p + " in " + language + ": " + words + " words in '" + sentence + "'");
            }
        }
    }

    @Test
    void no_prompt_shows_red() {
        for (Prompt p : Prompt.values()) {
            assertTrue(!p.light() || List.of(LightColour.values()).contains(p.colour()));
        }
        assertFalse(List.of(LightColour.values()).stream().anyMatch(c -> c.name().equals("RED")));
    }

    @Test
    void an_unknown_language_is_refused_and_se_is_a_recordings_language_only() {
        assertThrows(IllegalArgumentException.class, () -> prompter("de", false));
        assertThrows(IllegalArgumentException.class, () -> prompter("se", false));
        prompter("fi", "se", false);
    }

    @Test
    void when_speech_is_turned_off_the_voice_is_silent() {
        assertFalse(CommandVoice.create(false, java.nio.file.Path.of("/nonexistent"), "default", "t").audible());
    }
}
