package org.breathgate.agent.cli;

import java.nio.file.Path;
import java.util.List;
import org.breathgate.agent.config.AgentConfig;
import org.breathgate.agent.config.AgentConfigLoader;
import org.breathgate.agent.config.ConfigException;
import picocli.CommandLine.Option;

/** Where the device's files are: the options every technician command shares. */
final class DevicePaths {

    @Option(names = "--config-dir", paramLabel = "DIR", defaultValue = "/etc/breathgate",
            description = "Folder of agent.properties, the broker CA and the receiver keys (default: ${DEFAULT-VALUE}).")
    Path configDir;

    @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "/var/lib/breathgate",
            description = "Folder of the device key, the outbox and the status file (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    Path configFile() {
        return configDir.resolve("agent.properties");
    }

    /** The device's configuration, or a message saying how to get one. */
    AgentConfig load() {
        if (!configFile().toFile().exists()) {
            throw new CliException(Exit.REFUSED, "this device is not set up: " + configFile()
                    + " does not exist. Run: sudo breathgate-agent setup");
        }
        try {
            return AgentConfigLoader.load(configFile(), List.of());
        } catch (ConfigException e) {
            throw new CliException(Exit.USAGE, e.getMessage());
        }
    }
}
