package org.breathgate.agent.prompt;

import java.util.List;
import java.util.Objects;
import org.breathgate.protocol.ConfigUpdate;

/**
 * What the device says at one time: sentences in order, each with its text in the speech language and,
 * where a recording could exist, the name of the recording.
 *
 * @param language      the language of the texts and of synthesised speech: {@code fi}, {@code sv} or {@code en}
 * @param audioLanguage the language recordings are looked for in (e.g. {@code se}); the same as
 *                      {@code language} unless the service supplies recordings in another
 * @param sentences     said one after the other
 * @param interrupt     true to stop what is being said now (the parent pressed a button and waits for the
 *                      answer); false to wait for it to end. Either way anything still waiting is dropped
 */
public record Speech(String language, String audioLanguage, List<Sentence> sentences, boolean interrupt) {

    public Speech {
        if (!ConfigUpdate.LANGUAGES.contains(language)) {
            throw new IllegalArgumentException("speech language must be fi, sv or en, was '" + language + "'");
        }
        if (!ConfigUpdate.AUDIO_LANGUAGE.matcher(audioLanguage).matches()) {
            throw new IllegalArgumentException("audio language must be 2-3 letters a-z, was '" + audioLanguage + "'");
        }
        sentences = List.copyOf(sentences);
    }

    /** The texts joined, as a log line shows them and a test compares them. */
    public String text() {
        return String.join(" ", sentences.stream().map(Sentence::text).toList());
    }

    /**
     * One sentence.
     *
     * @param audioKey the recording's name without language and extension (e.g. {@code window_open},
     *                 {@code reminder-15}); null when none can exist (the sentence holds a day or a time)
     * @param text     the sentence in the speech language, for espeak-ng when there is no recording
     */
    public record Sentence(String audioKey, String text) {
        public Sentence {
            Objects.requireNonNull(text, "text");
            if (audioKey != null && !audioKey.matches("[a-z0-9_-]{1,64}")) {
                throw new IllegalArgumentException("an audio key is 1-64 of a-z 0-9 _ -, was '" + audioKey + "'");
            }
        }
    }
}
