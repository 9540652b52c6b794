package org.breathgate.agent.prompt;

import java.text.MessageFormat;
import java.util.Locale;
import java.util.MissingResourceException;
import java.util.Objects;
import java.util.ResourceBundle;
import org.breathgate.hardware.Buzzer;
import org.breathgate.hardware.StatusLight;
import org.breathgate.protocol.ConfigUpdate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Shows a {@link Prompt} by light, buzzer and voice in the parent's language. Returns at once:
 * light, buzzer and voice each work on their own threads. Thread-safe.
 */
public final class Prompter {

    private static final Logger LOG = LoggerFactory.getLogger(Prompter.class);
    private static final String BUNDLE = "org.breathgate.agent.prompt.prompts";

    private final StatusLight light;
    private final Buzzer buzzer;
    private final Voice voice;
    private volatile String language;

    public Prompter(StatusLight light, Buzzer buzzer, Voice voice, String language) {
        this.light = Objects.requireNonNull(light, "light");
        this.buzzer = Objects.requireNonNull(buzzer, "buzzer");
        this.voice = Objects.requireNonNull(voice, "voice");
        setLanguage(language);
    }

    /** Switches the language of spoken prompts: {@code fi}, {@code sv} or {@code en}. */
    public void setLanguage(String language) {
        if (!ConfigUpdate.LANGUAGES.contains(language)) {
            throw new IllegalArgumentException("prompt language must be fi, sv or en, was '" + language + "'");
        }
        this.language = language;
    }

    public String language() {
        return language;
    }

    /** Shows {@code prompt}; {@code args} fill its text (e.g. minutes). */
    public void show(Prompt prompt, Object... args) {
        String text = text(prompt, language, args);
        LOG.info("Prompt {}: {}", prompt, text);
        light.show(prompt.colour(), prompt.pattern());
        if (prompt.beep() != null) {
            buzzer.play(prompt.beep());
        }
        voice.speak(text, language);
    }

    /**
     * Shows {@code prompt} and, in the same breath, the reminder not to eat, drink or smoke for
     * {@code abstainMinutes} first (not spoken when that is 0).
     */
    public void showWithAbstain(Prompt prompt, int abstainMinutes, Object... args) {
        String text = text(prompt, language, args);
        if (abstainMinutes > 0) {
            text = text + " " + text(Prompt.ABSTAIN, language, abstainMinutes);
        }
        LOG.info("Prompt {}: {}", prompt, text);
        light.show(prompt.colour(), prompt.pattern());
        if (prompt.beep() != null) {
            buzzer.play(prompt.beep());
        }
        voice.speak(text, language);
    }

    /** Turns the light off and silences the buzzer: nothing is asked of the parent. */
    public void idle() {
        light.off();
        buzzer.silence();
    }

    /** The text of {@code prompt} in {@code language} with {@code args} filled in. */
    public static String text(Prompt prompt, String language, Object... args) {
        ResourceBundle bundle = ResourceBundle.getBundle(BUNDLE, Locale.forLanguageTag(language),
                ResourceBundle.Control.getNoFallbackControl(ResourceBundle.Control.FORMAT_PROPERTIES));
        try {
            return new MessageFormat(bundle.getString(prompt.name()), Locale.forLanguageTag(language)).format(args);
        } catch (MissingResourceException e) {
            throw new IllegalStateException("prompt " + prompt + " has no " + language + " text in " + BUNDLE, e);
        }
    }
}
