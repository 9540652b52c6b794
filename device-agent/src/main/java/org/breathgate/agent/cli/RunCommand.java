package org.breathgate.agent.cli;

import com.pi4j.Pi4J;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Callable;
import org.breathgate.agent.AgentDaemon;
import org.breathgate.agent.clock.SystemClockSource;
import org.breathgate.agent.clock.TimedatectlSyncProbe;
import org.breathgate.agent.config.AgentConfig;
import org.breathgate.agent.config.AgentConfigLoader;
import org.breathgate.agent.config.ConfigException;
import org.breathgate.agent.evidence.KeyFileException;
import org.breathgate.hardware.DeviceDisconnectedException;
import org.breathgate.hardware.UnsupportedSensorException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code run}: the daemon systemd starts. Stops cleanly on SIGTERM. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Run the agent (what the systemd unit starts). SIGTERM stops it cleanly.",
            "Exit codes: 2 configuration problem (each listed with its key), 3 key file problem, 4 hardware problem."})
final class RunCommand implements Callable<Integer> {

    @ParentCommand
    AgentCli parent;

    @Option(names = "--config", paramLabel = "FILE", defaultValue = "/etc/breathgate/agent.properties",
            description = "Configuration file (default: ${DEFAULT-VALUE}).")
    Path config;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Override a configuration key, e.g. --set language=en.")
    List<String> overrides = new ArrayList<>();

    @Override
    public Integer call() throws InterruptedException {
        List<String> flags = new ArrayList<>();
        for (String o : overrides) {
            flags.add("--" + o);
        }
        AgentConfig c;
        try {
            c = AgentConfigLoader.load(config, flags);
        } catch (ConfigException e) {
            throw new CliException(Exit.USAGE, "cannot start: " + e.getMessage());
        }
        AgentDaemon daemon;
        try {
            daemon = AgentDaemon.start(c, Pi4J::newAutoContext,
                    new SystemClockSource(Clock.systemUTC(), new TimedatectlSyncProbe(Duration.ofSeconds(60))), null);
        } catch (KeyFileException e) {
            throw new CliException(Exit.KEY, "cannot start: " + e.getMessage(), e);
        } catch (UnsupportedSensorException | DeviceDisconnectedException e) {
            throw new CliException(Exit.HARDWARE, "cannot start: " + e.getMessage(), e);
        } catch (java.io.IOException e) {
            throw new CliException(Exit.IO, "cannot start: " + e.getMessage(), e);
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            daemon.close();
            stopped.countDown();
        }, "breathgate-shutdown"));
        stopped.await();
        return Exit.OK;
    }
}
