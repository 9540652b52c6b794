package org.breathgate.agent.prompt;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Speaks through programs Debian has: a recording the service supplied, played by {@code aplay}
 * (alsa-utils; an OGG file decoded by {@code oggdec}, vorbis-tools); otherwise {@code espeak-ng}, which has
 * Finnish, Swedish and English voices and runs on a Raspberry Pi without a network, its sound also played by
 * {@code aplay}, so that both go to the one ALSA device the configuration names ({@code audio.device}: a USB
 * sound card or HDMI on a Pi without a headphone jack). Without {@code aplay}, espeak-ng plays through its own
 * output (ALSA's default device).
 *
 * <p>Recordings are files {@code <audio dir>/<audio key>.<audio language>.wav} (or {@code .ogg}), e.g.
 * {@code window_open.se.wav}; a sentence without one is synthesised in the speech language. One named thread
 * speaks one {@link Speech} at a time; a newer speech replaces one still waiting, and one that
 * {@linkplain Speech#interrupt() interrupts} stops what is being said, so a parent never hears a backlog of
 * stale prompts and a button press is answered at once. Every program is stopped after 30 s.
 */
public final class CommandVoice implements Voice {

    private static final Logger LOG = LoggerFactory.getLogger(CommandVoice.class);
    /** A sentence longer than this is not a sentence: the program hangs. */
    private static final long SENTENCE_TIMEOUT_S = 30;
    /** espeak-ng's words per minute: a little slower than its 175, for listeners under stress. */
    static final String SPEED = "145";

    /**
     * The programs a voice runs; each may be missing.
     *
     * @param espeak espeak-ng, the speech synthesiser
     * @param aplay  aplay, which plays WAV on an ALSA device
     * @param oggdec oggdec, which decodes an OGG Vorbis recording to WAV
     */
    public record Programs(Optional<Path> espeak, Optional<Path> aplay, Optional<Path> oggdec) {
        public Programs {
            Objects.requireNonNull(espeak, "espeak");
            Objects.requireNonNull(aplay, "aplay");
            Objects.requireNonNull(oggdec, "oggdec");
        }

        /** The programs found on the {@code PATH}. */
        public static Programs onPath() {
            return new Programs(find("espeak-ng"), find("aplay"), find("oggdec"));
        }
    }

    private final Programs programs;
    private final Path audioDir;
    private final String alsaDevice;
    private final Thread thread;
    private final Object lock = new Object();
    // Under lock.
    private Speech next;
    private final List<Process> running = new ArrayList<>();
    private boolean closed;

    /**
     * @param audioDir   the folder of the service's recordings (need not exist)
     * @param alsaDevice the ALSA device {@code aplay} plays on, e.g. {@code default}, {@code plughw:CARD=Device,DEV=0}
     * @param name       names the thread (the device id)
     */
    public CommandVoice(Programs programs, Path audioDir, String alsaDevice, String name) {
        this.programs = Objects.requireNonNull(programs, "programs");
        this.audioDir = Objects.requireNonNull(audioDir, "audioDir");
        this.alsaDevice = Objects.requireNonNull(alsaDevice, "alsaDevice");
        this.thread = new Thread(this::run, "breathgate-voice-" + name);
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /**
     * A voice with the programs on the {@code PATH}, if {@code enabled} and it can make a sound (espeak-ng is
     * installed, or aplay and some recordings are); otherwise a silent voice, with a log line saying why.
     */
    public static Voice create(boolean enabled, Path audioDir, String alsaDevice, String name) {
        if (!enabled) {
            return Voice.silent();
        }
        Programs programs = Programs.onPath();
        if (!canSound(programs, audioDir)) {
            LOG.info("Spoken prompts are off: espeak-ng is not installed and no recordings can be played"
                    + " (apt-get install espeak-ng alsa-utils to turn them on)");
            return Voice.silent();
        }
        if (programs.aplay().isEmpty()) {
            LOG.info("aplay is not installed (apt-get install alsa-utils): espeak-ng speaks on ALSA's default device,"
                    + " audio.device is not used and recordings are not played");
        }
        return new CommandVoice(programs, audioDir, alsaDevice, name);
    }

    private static boolean canSound(Programs programs, Path audioDir) {
        if (programs.espeak().isPresent()) {
            return true;
        }
        if (programs.aplay().isEmpty() || !Files.isDirectory(audioDir)) {
            return false;
        }
        try (Stream<Path> files = Files.list(audioDir)) {
            return files.findAny().isPresent();
        } catch (IOException e) {
            return false;
        }
    }

    static Optional<Path> find(String program) {
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
    public void say(Speech speech) {
        Objects.requireNonNull(speech, "speech");
        synchronized (lock) {
            if (closed) {
                return;
            }
            next = speech;
            if (speech.interrupt()) {
                stopRunning();
            }
            lock.notifyAll();
        }
    }

    @Override
    public boolean audible() {
        return canSound(programs, audioDir);
    }

    private void run() {
        while (true) {
            Speech speech;
            synchronized (lock) {
                while (next == null && !closed) {
                    try {
                        lock.wait();
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                if (closed) {
                    return;
                }
                speech = next;
                next = null;
            }
            for (Speech.Sentence sentence : speech.sentences()) {
                if (interrupted()) {
                    break;
                }
                say(sentence, speech);
            }
        }
    }

    /** Whether a newer speech wants the current one stopped. */
    private boolean interrupted() {
        synchronized (lock) {
            return closed || (next != null && next.interrupt());
        }
    }

    private void say(Speech.Sentence sentence, Speech speech) {
        Optional<Path> recording = recording(sentence.audioKey(), speech.audioLanguage());
        List<ProcessBuilder> pipeline = new ArrayList<>();
        if (recording.isPresent() && programs.aplay().isPresent()) {
            Path file = recording.get();
            if (file.getFileName().toString().endsWith(".ogg")) {
                pipeline.add(command(programs.oggdec().orElseThrow(), "-Q", "-o", "-", file.toString()));
                pipeline.add(command(programs.aplay().get(), "-q", "-D", alsaDevice));
            } else {
                pipeline.add(command(programs.aplay().get(), "-q", "-D", alsaDevice, file.toString()));
            }
            LOG.debug("Playing {}", file);
        } else if (programs.espeak().isPresent()) {
            if (programs.aplay().isPresent()) {
                pipeline.add(command(programs.espeak().get(), "-v", speech.language(), "-s", SPEED, "--stdout", sentence.text()));
                pipeline.add(command(programs.aplay().get(), "-q", "-D", alsaDevice));
            } else {
                pipeline.add(command(programs.espeak().get(), "-v", speech.language(), "-s", SPEED, sentence.text()));
            }
        } else {
            return; // a sentence without a recording on a device without espeak-ng: the light and the log carry it
        }
        run(pipeline);
    }

    /** The recording of {@code key} in {@code language}: WAV first, then OGG if oggdec can decode it. */
    Optional<Path> recording(String key, String language) {
        if (key == null) {
            return Optional.empty();
        }
        Path wav = audioDir.resolve(key + "." + language + ".wav");
        if (Files.isReadable(wav)) {
            return Optional.of(wav);
        }
        Path ogg = audioDir.resolve(key + "." + language + ".ogg");
        if (Files.isReadable(ogg)) {
            if (programs.oggdec().isPresent()) {
                return Optional.of(ogg);
            }
            LOG.warn("{} cannot be played: oggdec is not installed (apt-get install vorbis-tools); synthesised instead", ogg);
        }
        return Optional.empty();
    }

    private static ProcessBuilder command(Path program, String... args) {
        List<String> command = new ArrayList<>();
        command.add(program.toString());
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD);
    }

    private void run(List<ProcessBuilder> pipeline) {
        pipeline.get(pipeline.size() - 1).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        List<Process> processes;
        synchronized (lock) {
            if (closed || (next != null && next.interrupt())) {
                return;
            }
            try {
                processes = pipeline.size() == 1 ? List.of(pipeline.get(0).start()) : ProcessBuilder.startPipeline(pipeline);
            } catch (IOException e) {
                LOG.warn("{} could not be run: {}", pipeline.get(0).command().get(0), e.toString());
                return;
            }
            running.addAll(processes);
        }
        try {
            Process last = processes.get(processes.size() - 1);
            if (!last.waitFor(SENTENCE_TIMEOUT_S, TimeUnit.SECONDS)) {
                LOG.warn("{} did not finish a sentence within {} s; stopped it", pipeline.get(0).command().get(0), SENTENCE_TIMEOUT_S);
            } else if (last.exitValue() != 0 && !interrupted()) {
                LOG.warn("{} exited {} (is audio.device right? aplay -L lists the devices)", last.info().command().orElse("audio"),
                        last.exitValue());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            synchronized (lock) {
                processes.forEach(CommandVoice::stop);
                running.removeAll(processes);
            }
        }
    }

    private void stopRunning() {
        running.forEach(CommandVoice::stop);
    }

    private static void stop(Process p) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
    }

    @Override
    public void close() {
        synchronized (lock) {
            closed = true;
            stopRunning();
            lock.notifyAll();
        }
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
