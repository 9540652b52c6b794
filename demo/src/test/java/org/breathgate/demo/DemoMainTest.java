package org.breathgate.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bin/demo}'s command line, without starting the demo. */
class DemoMainTest {

    @TempDir
    Path dir;

    private record Run(int exit, String out, String err) {
    }

    private static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = DemoMain.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void help_explains_the_demo_and_its_options_and_exits_0() {
        Run help = run("--help");
        assertEquals(0, help.exit(), help.err());
        for (String word : new String[] {"Usage: bin/demo", "--data-dir", "--keep", "--port", "--speed", "Ctrl-C", "socat", "docs/demo.md"}) {
            assertTrue(help.out().contains(word), word + " missing in:\n" + help.out());
        }
    }

    @Test
    void a_speed_out_of_range_is_a_usage_error() {
        Run bad = run("--speed", "0", "--data-dir", dir.resolve("d").toString());
        assertEquals(2, bad.exit(), bad.out() + bad.err());
        assertTrue(bad.err().contains("speed must be"), bad.err());
    }

    @Test
    void a_fresh_start_never_empties_a_folder_the_demo_did_not_make() throws Exception {
        Path other = Files.createDirectories(dir.resolve("precious"));
        Files.writeString(other.resolve("thesis.txt"), "do not delete");
        DemoSettings settings = new DemoSettings(other, false, 0, 60, 60, false, java.time.Duration.ofSeconds(5));
        java.io.IOException refused = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class, () -> DemoFolder.prepare(settings));
        assertTrue(refused.getMessage().contains("not made by the demo"), refused.getMessage());
        assertTrue(Files.exists(other.resolve("thesis.txt")));
    }

    @Test
    void a_demo_folder_is_emptied_on_a_fresh_start_and_kept_with_keep() throws Exception {
        DemoSettings fresh = new DemoSettings(dir.resolve("demo-data"), false, 0, 60, 60, false, java.time.Duration.ofSeconds(5));
        DemoFolder.prepare(fresh);
        Files.writeString(dir.resolve("demo-data/old.txt"), "last run");
        DemoSettings keep = new DemoSettings(dir.resolve("demo-data"), true, 0, 60, 60, false, java.time.Duration.ofSeconds(5));
        DemoFolder.prepare(keep);
        assertTrue(Files.exists(dir.resolve("demo-data/old.txt")));
        DemoFolder.prepare(fresh);
        assertTrue(Files.notExists(dir.resolve("demo-data/old.txt")));
        assertTrue(Files.exists(dir.resolve("demo-data").resolve(DemoFolder.MARKER)));
    }

    @Test
    void the_certificate_fingerprint_is_printed_whole_as_a_browser_shows_it() {
        String hex = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
        String shown = Demo.certificateFingerprint("sha256:" + hex);
        assertEquals(95, shown.length(), "32 pairs and 31 colons: nothing cut off");
        assertEquals(hex.toUpperCase(java.util.Locale.ROOT), shown.replace(":", ""));
        assertTrue(shown.startsWith("9F:86:D0:81"), shown);
    }
}
