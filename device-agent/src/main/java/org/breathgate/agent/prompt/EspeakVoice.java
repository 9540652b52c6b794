package org.breathgate.agent.prompt;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Speaks through {@code espeak-ng}, which has Finnish, Swedish and English voices and runs on a
 * Raspberry Pi without a network. One named thread speaks one prompt at a time; a newer prompt
 * replaces one still waiting, so a parent never hears a backlog of stale prompts.
 */
public final class EspeakVoice implements Voice {

    private static final Logger LOG = LoggerFactory.getLogger(EspeakVoice.class);

    private final Path executable;
    private final BlockingQueue<String[]> queue = new ArrayBlockingQueue<>(1);
    private final Thread thread;
    private volatile boolean closed;

    private EspeakVoice(Path executable, String name) {
        this.executable = executable;
        this.thread = new Thread(this::run, "breathgate-voice-" + name);
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /**
     * An espeak-ng voice if {@code enabled} and the program is on the {@code PATH}; otherwise a
     * silent voice, with a log line saying why.
     */
    public static Voice createOrSilent(boolean enabled, String name) {
        if (!enabled) {
            return Voice.silent();
        }
        Optional<Path> exe = findOnPath("espeak-ng");
        if (exe.isEmpty()) {
            LOG.info("Spoken prompts are off: espeak-ng is not installed (apt-get install espeak-ng to turn them on)");
            return Voice.silent();
        }
        return new EspeakVoice(exe.get(), name);
    }

    static Optional<Path> findOnPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Path.of(dir, program);
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    @Override
    public void speak(String text, String language) {
        if (closed) {
            return;
        }
        String[] item = {text, language};
        queue.clear();
        queue.offer(item);
    }

    @Override
    public boolean audible() {
        return true;
    }

    private void run() {
        while (!closed) {
            String[] item;
            try {
                item = queue.poll(1, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (item != null) {
                say(item[0], item[1]);
            }
        }
    }

    private void say(String text, String language) {
        try {
            Process p = new ProcessBuilder(executable.toString(), "-v", language, "-s", "145", text)
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                LOG.warn("espeak-ng did not finish a prompt within 30 s; stopped it");
            } else if (p.exitValue() != 0) {
                LOG.warn("espeak-ng exited {} speaking a {} prompt", p.exitValue(), language);
            }
        } catch (IOException e) {
            LOG.warn("espeak-ng could not be run: {}", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
