package org.breathgate.demo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The demo's data folder. Kept apart from {@link Demo} (and free of logging) so it can be emptied before the
 * log file inside it is opened.
 */
public final class DemoFolder {

    /** Written into a demo folder, so that a fresh start only ever empties a folder the demo made. */
    static final String MARKER = "breathgate-demo.txt";

    private DemoFolder() {
    }

    /**
     * Empties (or, with {@code keep}, keeps) the demo folder. Refuses to empty a folder the demo did not make.
     *
     * @throws IOException if the folder holds something else, or cannot be written
     */
    public static void prepare(DemoSettings settings) throws IOException {
        Path dir = settings.dataDir();
        if (Files.isDirectory(dir) && !settings.keep()) {
            boolean empty;
            try (Stream<Path> s = Files.list(dir)) {
                empty = s.findAny().isEmpty();
            }
            if (!empty && !Files.exists(dir.resolve(MARKER))) {
                throw new IOException(dir.toAbsolutePath() + " is not empty and was not made by the demo; choose another --data-dir");
            }
            try (Stream<Path> walk = Files.walk(dir)) {
                for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                    if (!p.equals(dir)) {
                        Files.delete(p);
                    }
                }
            }
        }
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(MARKER), "A Breathgate demo folder (bin/demo). Demo data only: every login's password is "
                + DemoPeople.PASSWORD + ". Safe to delete.\n");
    }
}
