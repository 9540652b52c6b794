package org.breathgate.agent.prompt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.breathgate.hardware.BeepPattern;
import org.breathgate.hardware.LightColour;
import org.breathgate.hardware.LightPattern;
import org.breathgate.hardware.sim.SoftPanel;
import org.breathgate.hardware.sim.SoftStatusLight;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PrompterTest {

    /** Remembers what it was asked to say. */
    static final class RecordingVoice implements Voice {
        final List<String> said = new ArrayList<>();

        @Override
        public void speak(String text, String language) {
            said.add(language + ": " + text);
        }

        @Override
        public boolean audible() {
            return true;
        }

        @Override
        public void close() {
        }
    }

    private final SoftPanel panel = new SoftPanel(Clock.systemUTC());
    private final RecordingVoice voice = new RecordingVoice();

    @Test
    void a_positive_is_told_calmly_with_the_retest_delay_in_english() {
        new Prompter(panel.light(), panel.buzzer(), voice, "en").show(Prompt.RESULT_POSITIVE, 20);
        assertEquals(List.of("en: The test showed alcohol. Please test again in 20 minutes."), voice.said);
    }

    @Test
    void a_positive_is_told_in_finnish() {
        new Prompter(panel.light(), panel.buzzer(), voice, "fi").show(Prompt.RESULT_POSITIVE, 20);
        assertEquals(List.of("fi: Testissä näkyi alkoholia. Tee uusi testi 20 minuutin kuluttua."), voice.said);
    }

    @Test
    void light_and_buzzer_carry_the_prompt_for_a_parent_who_does_not_read() {
        new Prompter(panel.light(), panel.buzzer(), voice, "sv").show(Prompt.BLOW_NOW);
        assertEquals(new SoftStatusLight.Shown(LightColour.WHITE, LightPattern.FAST_BLINK), panel.light().current());
        assertEquals(List.of(BeepPattern.BLOW_NOW), panel.buzzer().played());
    }

    @Test
    void the_window_prompt_includes_the_reminder_not_to_eat_drink_or_smoke() {
        new Prompter(panel.light(), panel.buzzer(), voice, "en").showWithAbstain(Prompt.WINDOW_OPEN, 15);
        assertTrue(voice.said.get(0).endsWith("Please do not eat, drink or smoke for 15 minutes before the test."), voice.said.get(0));
    }

    @ParameterizedTest
    @ValueSource(strings = {"fi", "sv", "en"})
    void every_prompt_has_a_text_in_each_language_and_none_accuses(String language) {
        for (Prompt p : Prompt.values()) {
            String text = Prompter.text(p, language, 20);
            assertFalse(text.isBlank(), p + " in " + language);
            assertFalse(text.toUpperCase(Locale.ROOT).contains("FAIL"), p + " in " + language + ": " + text);
            assertFalse(text.contains("{"), p + " in " + language + " has an unfilled placeholder: " + text);
        }
    }

    @Test
    void no_prompt_shows_red() {
        for (Prompt p : Prompt.values()) {
            assertTrue(List.of(LightColour.values()).contains(p.colour()));
        }
        assertFalse(List.of(LightColour.values()).stream().anyMatch(c -> c.name().equals("RED")));
    }

    @Test
    void an_unknown_language_is_refused() {
        assertThrows(IllegalArgumentException.class, () -> new Prompter(panel.light(), panel.buzzer(), voice, "de"));
    }

    @Test
    void without_espeak_or_when_turned_off_the_voice_is_silent() {
        assertFalse(EspeakVoice.createOrSilent(false, "t").audible());
    }
}
