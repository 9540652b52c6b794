package org.breathgate.agent.prompt;

/** Speaks to the parent, for parents who do not read easily. {@link #say} must return at once. */
public interface Voice extends AutoCloseable {

    /** Says {@code speech}: a recording of each sentence where one is installed, synthesised speech otherwise. */
    void say(Speech speech);

    /** Whether this voice makes any sound. */
    boolean audible();

    @Override
    void close();

    /** A voice that says nothing: when speech is off or nothing can speak. */
    static Voice silent() {
        return new Voice() {
            @Override
            public void say(Speech speech) {
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
