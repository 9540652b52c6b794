package org.breathgate.demo;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code bin/demo}: the whole of Breathgate on this machine, with three simulated homes. */
@Command(name = "bin/demo", mixinStandardHelpOptions = true, sortOptions = false, version = "Breathgate demo 0.1.0",
        description = {"Runs Breathgate on this machine: the receiver (embedded MQTT broker, SQLite,",
            "the HTTPS web UI), demo workers and parents with their logins, and three",
            "simulated homes, each a device agent with a simulated breathalyser on a",
            "pseudo-terminal, on a schedule that runs 60 times faster than real time.",
            "Prints the web address, the logins and a line for each reading and alert.",
            "Stop with Ctrl-C. Needs socat (sudo apt-get install socat). See docs/demo.md.", ""},
        footer = {"", "Exit codes: 0 stopped with Ctrl-C, 1 could not start, 2 bad option,", "3 socat is missing."})
public final class DemoMain implements Callable<Integer> {

    @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "demo-data",
            description = "The demo's folder; emptied at start unless --keep (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--keep", description = "Keep the data of the last run: its readings, alerts and enrolled devices.")
    boolean keep;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "8443", description = "HTTPS port of the web UI (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--speed", paramLabel = "N", defaultValue = "60",
            description = "Schedule minutes per real minute (default: ${DEFAULT-VALUE}: a schedule minute lasts a second).")
    int speed;

    private final PrintStream out;
    private final PrintStream err;

    DemoMain(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs the command line; returns the exit code (for {@code --help}, at once). */
    static int run(String[] args, PrintStream out, PrintStream err) {
        CommandLine cli = new CommandLine(new DemoMain(out, err));
        cli.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
        cli.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
        return cli.execute(args);
    }

    @Override
    public Integer call() {
        DemoSettings defaults = DemoSettings.defaults();
        DemoSettings settings;
        try {
            settings = new DemoSettings(dataDir, keep, port, speed, defaults.offlineMinutes(), true, defaults.progressEvery());
        } catch (IllegalArgumentException e) {
            err.println("bin/demo: " + e.getMessage());
            return 2;
        }
        if (!socatInstalled()) {
            err.println("bin/demo: socat is not installed. The simulated breathalysers and the broker's TLS run on it.");
            err.println("Install it with:  sudo apt-get install socat   (Debian, Ubuntu)   and run bin/demo again.");
            return 3;
        }
        try {
            DemoFolder.prepare(settings);
        } catch (IOException e) {
            err.println("bin/demo: " + e.getMessage());
            return 1;
        }
        // Before the first logger is made: the components' logs go to a file, the terminal shows the demo's own lines.
        System.setProperty("org.slf4j.simpleLogger.logFile", settings.dataDir().resolve("demo.log").toString());
        System.setProperty("org.slf4j.simpleLogger.showDateTime", "true");
        System.setProperty("org.slf4j.simpleLogger.dateTimeFormat", "yyyy-MM-dd HH:mm:ss.SSS");
        out.println("Starting the Breathgate demo" + (keep ? " (keeping the last run's data)" : "") + " ...");
        Demo demo = new Demo(settings, out);
        CountDownLatch stopped = new CountDownLatch(1);
        AtomicBoolean failed = new AtomicBoolean();
        // Registered before anything starts: Ctrl-C during the start stops whatever has started by then.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (failed.get()) {
                return; // already closed and explained
            }
            out.println();
            out.println("Stopping the demo ...");
            demo.close();
            out.println("Stopped. The data is in " + settings.dataDir().toAbsolutePath() + "; bin/demo --keep continues with it.");
            stopped.countDown();
        }, "demo-shutdown"));
        try {
            demo.startAll();
        } catch (Exception e) {
            failed.set(true);
            demo.close();
            err.println("bin/demo: the demo could not start: " + e.getMessage());
            err.println("Details are in " + settings.dataDir().resolve("demo.log"));
            return 1;
        }
        try {
            while (!stopped.await(1, TimeUnit.HOURS)) {
                // runs until Ctrl-C
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    private static boolean socatInstalled() {
        try {
            Process p = new ProcessBuilder("socat", "-V").redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return p.waitFor(Duration.ofSeconds(10).toMillis(), TimeUnit.MILLISECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
