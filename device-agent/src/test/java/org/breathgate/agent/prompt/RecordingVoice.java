package org.breathgate.agent.prompt;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** A voice for tests: remembers each speech it was asked to say (and tells {@code also}, e.g. to note the light then). */
public final class RecordingVoice implements Voice {

    private final List<Speech> said = new ArrayList<>();
    private final Consumer<Speech> also;

    public RecordingVoice() {
        this(s -> { });
    }

    public RecordingVoice(Consumer<Speech> also) {
        this.also = also;
    }

    @Override
    public synchronized void say(Speech speech) {
        said.add(speech);
        also.accept(speech);
        notifyAll();
    }

    /** Every speech, oldest first. */
    public synchronized List<Speech> speeches() {
        return List.copyOf(said);
    }

    /** The text of every speech, oldest first. */
    public synchronized List<String> texts() {
        return said.stream().map(Speech::text).toList();
    }

    /** The last speech's text, or "" before any. */
    public synchronized String last() {
        return said.isEmpty() ? "" : said.get(said.size() - 1).text();
    }

    /** Waits until a speech's text contains {@code part}, after the first {@code after} speeches; fails after {@code ms}. */
    public synchronized Speech await(String part, int after, long ms) throws InterruptedException {
        long end = System.currentTimeMillis() + ms;
        while (true) {
            for (int i = after; i < said.size(); i++) {
                if (said.get(i).text().contains(part)) {
                    return said.get(i);
                }
            }
            long left = end - System.currentTimeMillis();
            if (left <= 0) {
                throw new AssertionError("never said '" + part + "'; said: " + texts());
            }
            wait(Math.min(left, 100));
        }
    }

    /** How many speeches so far. */
    public synchronized int count() {
        return said.size();
    }

    @Override
    public boolean audible() {
        return true;
    }

    @Override
    public void close() {
    }
}
