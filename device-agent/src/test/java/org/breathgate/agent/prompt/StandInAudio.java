package org.breathgate.agent.prompt;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;

/**
 * Real processes standing in for espeak-ng, aplay and oggdec (as the camera tests stand in for rpicam-still):
 * shell scripts that write each call, with its arguments and how many bytes arrived on standard input, as one
 * line of a log, so a test sees exactly what text was to be said and which recording was played on which device.
 * Fields of a line are separated by tabs: the program, then each argument, then {@code stdin=<bytes>} for aplay
 * reading a pipe.
 */
public final class StandInAudio {

    private final Path dir;
    private final Path log;

    public StandInAudio(Path dir) throws IOException {
        this.dir = Files.createDirectories(dir);
        this.log = dir.resolve("audio.log");
        Files.writeString(log, "");
        script("espeak-ng", "for a in \"$@\"; do line=\"$line\t$a\"; done\n"
                + "printf 'espeak-ng%s\\n' \"$line\" >> '" + log + "'\n"
                + "case \" $* \" in *' --stdout '*) printf 'RIFF-stand-in-wave' ;; esac");
        script("aplay", "for a in \"$@\"; do line=\"$line\t$a\"; last=\"$a\"; done\n"
                + "case \"$last\" in *.wav) printf 'aplay%s\\n' \"$line\" >> '" + log + "'; sleep \"${APLAY_SECONDS:-0}\" ;;\n"
                + "  *) n=$(cat | wc -c); printf 'aplay%s\\tstdin=%s\\n' \"$line\" \"$n\" >> '" + log + "' ;; esac");
        script("oggdec", "for a in \"$@\"; do line=\"$line\t$a\"; done\n"
                + "printf 'oggdec%s\\n' \"$line\" >> '" + log + "'\n"
                + "printf 'RIFF-decoded-ogg'");
    }

    private void script(String name, String body) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
    }

    /** The three stand-ins. */
    public CommandVoice.Programs programs() {
        return new CommandVoice.Programs(Optional.of(dir.resolve("espeak-ng")), Optional.of(dir.resolve("aplay")),
                Optional.of(dir.resolve("oggdec")));
    }

    /** espeak-ng alone, as on a device without alsa-utils. */
    public CommandVoice.Programs espeakOnly() {
        return new CommandVoice.Programs(Optional.of(dir.resolve("espeak-ng")), Optional.empty(), Optional.empty());
    }

    /** Every call so far, one line each, each line split into its fields. */
    public List<List<String>> calls() throws IOException {
        return Files.readAllLines(log, StandardCharsets.UTF_8).stream().map(l -> List.of(l.split("\t"))).toList();
    }

    /** Waits until at least {@code n} calls were logged; fails after {@code ms}. */
    public List<List<String>> await(int n, long ms) throws IOException, InterruptedException {
        long end = System.currentTimeMillis() + ms;
        while (calls().size() < n) {
            if (System.currentTimeMillis() > end) {
                throw new AssertionError("expected " + n + " calls within " + ms + " ms, had " + calls());
            }
            Thread.sleep(20);
        }
        return calls();
    }

    /** The texts espeak-ng was asked to say, in order. */
    public List<String> spokenTexts() throws IOException {
        return calls().stream().filter(c -> c.get(0).equals("espeak-ng")).map(c -> c.get(c.size() - 1)).toList();
    }

    /** The recordings aplay or oggdec were given, in order (file names only). */
    public List<String> playedFiles() throws IOException {
        return calls().stream().filter(c -> c.get(c.size() - 1).matches(".*\\.(wav|ogg)"))
                .map(c -> Path.of(c.get(c.size() - 1)).getFileName().toString()).toList();
    }
}
