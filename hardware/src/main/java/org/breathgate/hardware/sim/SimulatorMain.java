package org.breathgate.hardware.sim;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.breathgate.hardware.Button;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The simulator on its own: prints the pseudo-terminal to connect a driver to, then takes commands
 * on standard input to steer the story (type {@code help}). Without a terminal (standard input
 * closed) it serves until stopped.
 */
@Command(name = "breathgate-sim", mixinStandardHelpOptions = true,
        description = "A virtual breathalyser speaking the Breathgate line protocol on a pseudo-terminal (needs socat).")
public final class SimulatorMain implements Callable<Integer> {

    private SimulatorMain() {
    }

    @Option(names = {"-s", "--scenario"}, defaultValue = "sober",
            description = "Story to act out: ${COMPLETION-CANDIDATES}. Default: ${DEFAULT-VALUE}.",
            completionCandidates = ScenarioNames.class)
    String scenarioName;

    @Option(names = {"-r", "--readings"}, split = ",", paramLabel = "UG_PER_L",
            description = "Results of the first tests in µg/L, e.g. 450,0 (replaces the scenario's blows).")
    List<Integer> readings;

    @Option(names = {"-d", "--dir"}, description = "Folder for the pty links (bg-sim-host, bg-sim-device). "
            + "Default: ${DEFAULT-VALUE}.", defaultValue = "${java.io.tmpdir}/breathgate-sim")
    Path dir;

    @Option(names = "--warm-up", defaultValue = "0", paramLabel = "SECONDS", description = "Warm-up time. Default: ${DEFAULT-VALUE}.")
    int warmUpSeconds;

    @Option(names = "--fast", description = "Test phases of tens of milliseconds instead of realistic seconds.")
    boolean fast;

    @Option(names = "--noise", description = "Mix garbage bytes and corrupted lines into the output.")
    boolean noise;

    static final class ScenarioNames implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return Scenario.names().iterator();
        }
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new SimulatorMain()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        Scenario scenario = Scenario.named(scenarioName)
                .withTiming(fast ? Scenario.Timing.fast() : Scenario.Timing.realistic())
                .withWarmUp(Duration.ofSeconds(warmUpSeconds));
        if (noise) {
            scenario = scenario.withLineNoise(true);
        }
        if (readings != null) {
            scenario = scenario.withBlows(readings.stream().map(Blow::reading).toList());
        }
        PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        CountDownLatch stopped = new CountDownLatch(1);
        SimulatedBreathalyser sim = SimulatedBreathalyser.start(scenario, dir);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            sim.close();
            stopped.countDown();
        }, "bg-sim-shutdown"));
        try {
            out.println("Breathalyser simulator, scenario '" + scenario.name() + "'. Connect to:");
            out.println(sim.portPath());
            out.println("Type 'help' for commands.");
            if (!commands(sim, out)) {
                stopped.await();
            }
        } finally {
            sim.close();
        }
        return 0;
    }

    /** Reads commands until quit (true) or end of input (false). */
    private static boolean commands(SimulatedBreathalyser sim, PrintWriter out) throws Exception {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            String[] words = line.strip().split("\\s+");
            try {
                switch (words[0]) {
                    case "" -> {
                    }
                    case "reading" -> {
                        sim.setNextReading(Integer.parseInt(words[1]));
                        out.println("next test measures " + words[1] + " µg/L");
                    }
                    case "short" -> {
                        sim.setNextBlow(Blow.tooShort());
                        out.println("next blow is too short");
                    }
                    case "error" -> {
                        sim.setNextBlow(Blow.sensorError());
                        out.println("next test ends in a sensor fault");
                    }
                    case "start" -> sim.pressButton(Button.START_TEST);
                    case "support" -> sim.pressButton(Button.SUPPORT);
                    case "unplug" -> sim.unplug();
                    case "replug" -> sim.replug();
                    case "status" -> out.println(sim.testsStarted() + " tests started; port " + sim.portPath());
                    case "quit", "exit" -> {
                        return true;
                    }
                    default -> out.println("""
                            reading N   next test measures N µg/L
                            short       next blow is too short
                            error       next test ends in a sensor fault
                            start       press the "start test" button
                            support     press the "I need support" button
                            unplug      pull the cable;  replug  put it back
                            status      tests so far;  quit  stop""");
                }
            } catch (RuntimeException e) {
                out.println("cannot do that: " + e.getMessage());
            }
        }
        return false;
    }
}
