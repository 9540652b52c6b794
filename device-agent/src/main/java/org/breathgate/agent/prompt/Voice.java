package org.breathgate.agent.prompt;

/** Speaks a prompt aloud, for parents who do not read easily. Must return at once. */
public interface Voice extends AutoCloseable {

    /** Speaks {@code text} in {@code language} ({@code fi}, {@code sv} or {@code en}), replacing anything still queued. */
    void speak(String text, String language);

    /** Whether this voice makes any sound. */
    boolean audible();

    @Override
    void close();

    /** A voice that says nothing: when speech is off or no speech synthesiser is installed. */
    static Voice silent() {
        return new Voice() {
            @Override
            public void speak(String text, String language) {
                // Light and buzzer still carry the prompt.
            }

            @Override
            public boolean audible() {
                return false;
            }

            @Override
            public void close() {
            }
        };
    }
}
