package org.breathgate.agent.prompt;

import java.text.MessageFormat;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.MissingResourceException;
import java.util.Objects;
import java.util.ResourceBundle;
import java.util.function.Supplier;
import org.breathgate.hardware.Buzzer;
import org.breathgate.protocol.ConfigUpdate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the parent: a {@link Prompt} by light ({@link LightKeeper}), buzzer and voice, in the parent's
 * language. Decides, in one place, what is said aloud: unless the service allows results to be spoken
 * ({@link #setSpeakResults}), nothing said tells a result — a positive is "Thank you. The test is saved.",
 * like any other, and a retest is asked for as a test — while the light still shows it (children may be
 * listening). Remembers the last thing said, for the parent who presses "say it again". Returns at once:
 * light, buzzer and voice each work on their own threads. Thread-safe.
 */
public final class Prompter {

    private static final Logger LOG = LoggerFactory.getLogger(Prompter.class);
    private static final String BUNDLE = "org.breathgate.agent.prompt.prompts";

    /** A sentence to say: a prompt's text with its arguments. */
    public record Line(Prompt prompt, List<Object> args) {
        public Line {
            Objects.requireNonNull(prompt, "prompt");
            args = List.copyOf(args);
        }

        public static Line of(Prompt prompt, Object... args) {
            return new Line(prompt, List.of(args));
        }
    }

    private final LightKeeper light;
    private final Buzzer buzzer;
    private final Voice voice;
    private final Supplier<Instant> now;
    private final Supplier<ZoneId> zone;
    private volatile String language;
    private volatile String audioLanguage;
    private volatile boolean speakResults;
    private List<Line> lastSaid = List.of();

    /**
     * @param language      fi, sv or en: the texts and synthesised speech
     * @param audioLanguage the language of the service's recordings (e.g. se); null for {@code language}
     * @param speakResults  whether results may be said aloud
     * @param now           the wall clock, and {@code zone} the schedule's time zone: days and times in sentences
     *                      ({@link SpokenTime.Day}, {@link SpokenTime.Time}) are said relative to today, there
     */
    public Prompter(LightKeeper light, Buzzer buzzer, Voice voice, String language, String audioLanguage, boolean speakResults,
                    Supplier<Instant> now, Supplier<ZoneId> zone) {
        this.light = Objects.requireNonNull(light, "light");
        this.buzzer = Objects.requireNonNull(buzzer, "buzzer");
        this.voice = Objects.requireNonNull(voice, "voice");
        this.now = Objects.requireNonNull(now, "now");
        this.zone = Objects.requireNonNull(zone, "zone");
        setLanguage(language);
        setAudioLanguage(audioLanguage);
        this.speakResults = speakResults;
    }

    /** Switches the language of texts and synthesised speech: {@code fi}, {@code sv} or {@code en}. */
    public void setLanguage(String language) {
        if (!ConfigUpdate.LANGUAGES.contains(language)) {
            throw new IllegalArgumentException("prompt language must be fi, sv or en, was '" + language + "'");
        }
        this.language = language;
    }

    /** Switches the language recordings are looked for in; null: the prompt language. */
    public void setAudioLanguage(String audioLanguage) {
        if (audioLanguage != null && !ConfigUpdate.AUDIO_LANGUAGE.matcher(audioLanguage).matches()) {
            throw new IllegalArgumentException("audio language must be 2-3 letters a-z, was '" + audioLanguage + "'");
        }
        this.audioLanguage = audioLanguage;
    }

    /** Whether results may be said aloud. */
    public void setSpeakResults(boolean speakResults) {
        this.speakResults = speakResults;
    }

    public boolean speakResults() {
        return speakResults;
    }

    public String language() {
        return language;
    }

    /** Shows {@code prompt}: its light, its sound, its text; {@code args} fill the text (e.g. minutes). */
    public void show(Prompt prompt, Object... args) {
        tell(prompt, false, true, List.of(Line.of(prompt, args)));
    }

    /**
     * Shows {@code prompt} and, in the same breath, the reminder not to eat, drink or smoke for
     * {@code abstainMinutes} first (not said when that is 0).
     */
    public void showWithAbstain(Prompt prompt, int abstainMinutes, Object... args) {
        List<Line> lines = new ArrayList<>(List.of(Line.of(prompt, args)));
        if (abstainMinutes > 0) {
            lines.add(Line.of(Prompt.ABSTAIN, abstainMinutes));
        }
        tell(prompt, false, true, lines);
    }

    /**
     * Says {@code lines} with {@code lightOf}'s light and sound (none when it has none).
     *
     * @param interrupt stop what is being said: the parent pressed a button and waits for this answer
     * @param remember  what "say it again" repeats (not the help menu's choices, which are offered once more anyway)
     */
    public void tell(Prompt lightOf, boolean interrupt, boolean remember, List<Line> lines) {
        if (lightOf != null && lightOf.light()) {
            light.show(new LightKeeper.Light(lightOf.colour(), lightOf.pattern()));
        }
        if (lightOf != null && lightOf.beep() != null) {
            buzzer.play(lightOf.beep());
        }
        say(lines, interrupt);
        if (remember) {
            synchronized (this) {
                lastSaid = List.copyOf(lines);
            }
        }
    }

    /** Says again what was said last ({@code then} after it), answering at once. */
    public void repeat(List<Line> then) {
        List<Line> lines;
        synchronized (this) {
            lines = new ArrayList<>(lastSaid);
        }
        lines.addAll(then);
        say(lines, true);
    }

    /** Whether anything was said that "say it again" can repeat. */
    public synchronized boolean saidAnything() {
        return !lastSaid.isEmpty();
    }

    /** What "say it again" repeats. */
    public synchronized List<Line> lastSaid() {
        return lastSaid;
    }

    private void say(List<Line> lines, boolean interrupt) {
        if (lines.isEmpty()) {
            return;
        }
        String lang = language;
        Instant at = now.get();
        ZoneId in = zone.get();
        List<Speech.Sentence> sentences = new ArrayList<>();
        for (Line line : lines) {
            Prompt spoken = spoken(line.prompt());
            Object[] args = spoken == line.prompt() || spoken == Prompt.NEXT_TEST_AT ? line.args().toArray() : new Object[0];
            Object[] words = new Object[args.length];
            for (int i = 0; i < args.length; i++) {
                words[i] = SpokenTime.words(args[i], lang, at, in);
            }
            sentences.add(new Speech.Sentence(spoken.audioKey(args), text(spoken, lang, words)));
        }
        Speech speech = new Speech(lang, audioLanguage == null ? lang : audioLanguage, sentences, interrupt);
        LOG.info("Prompt {}: {}", lines.get(0).prompt(), speech.text());
        voice.say(speech);
    }

    /** What is said for {@code prompt}: itself, or, while results are not to be spoken, words that tell no result. */
    Prompt spoken(Prompt prompt) {
        if (speakResults) {
            return prompt;
        }
        return switch (prompt) {
            case RESULT_POSITIVE, RESULT_POSITIVE_NO_RETEST, CHAIN_CLEARED -> Prompt.RESULT_RECORDED;
            case RETEST_DUE -> Prompt.WINDOW_OPEN;
            case NEXT_RETEST_AT -> Prompt.NEXT_TEST_AT;
            default -> prompt;
        };
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
