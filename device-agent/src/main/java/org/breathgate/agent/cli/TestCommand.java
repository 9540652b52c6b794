package org.breathgate.agent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.breathgate.agent.AgentDaemon;
import org.breathgate.agent.config.AgentConfig;
import org.breathgate.agent.control.ControlServer;
import org.breathgate.agent.status.StatusSnapshot;
import org.breathgate.hardware.BreathResult;
import org.breathgate.hardware.TestEvent;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;

/**
 * {@code test}: one breath test now. With the agent running it asks the agent (which holds the
 * port), so the reading is recorded, signed and sent like any on-demand test; with the agent
 * stopped it talks to the breathalyser itself and records nothing.
 */
@Command(name = "test", mixinStandardHelpOptions = true,
        description = {"Run one breath test now and show the result.",
            "With the agent running, the reading is recorded and sent as an on-demand test.",
            "With the agent stopped, the breathalyser is used directly and nothing is recorded."})
final class TestCommand implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper();

    @ParentCommand
    AgentCli parent;

    @Mixin
    DevicePaths paths;

    @Override
    public Integer call() {
        Terminal t = parent.terminal();
        AgentConfig c = paths.load();
        Path socket = AgentDaemon.controlSocket(c);
        boolean running = StatusCommand.readStatus(c).map(StatusSnapshot::alive).orElse(false);
        if (running && Files.exists(socket)) {
            t.say("Asking the running agent for a breath test. Blow when the device asks (light white, fast blink) ...");
            String answer;
            try {
                answer = ControlServer.ask(socket, "test");
            } catch (IOException e) {
                throw new CliException(Exit.CHECK_FAILED, "cannot reach the running agent through " + socket + ": " + e.getMessage()
                        + " (are you root or the agent's user?)", e);
            }
            JsonNode a;
            try {
                a = JSON.readTree(answer);
            } catch (IOException e) {
                throw new CliException(Exit.SOFTWARE, "the agent's answer is not JSON: " + answer, e);
            }
            if (a.hasNonNull("error")) {
                throw new CliException(Exit.HARDWARE, "no result: " + a.path("message").asText());
            }
            t.say("Result: " + a.path("outcome").asText().toUpperCase(java.util.Locale.ROOT)
                    + (a.has("ugl") ? ", " + a.get("ugl").asInt() + " µg/L (threshold " + a.path("threshold_ugl").asInt() + ")" : "")
                    + (a.hasNonNull("abort_reason") ? " (" + a.get("abort_reason").asText() + ")" : ""));
            t.say("Recorded as reading #" + a.path("seq").asLong() + " (" + a.path("reason").asText().replace('_', ' ') + ") from "
                    + a.path("sensor").asText() + "; it is signed and will be sent to the receiver.");
            return Exit.OK;
        }
        t.say("The agent is not running: testing the breathalyser directly (nothing is recorded or sent).");
        TestEvent.Terminal end = SensorCheck.runOnce(c.breathalyser(), c.sensor().warmUpTimeout(), c.sensor().testTimeout(), e -> {
            if (e instanceof TestEvent.WaitingForBlow) {
                t.say("Blow now, steadily, until the beep ...");
            } else if (e instanceof TestEvent.BlowDetected) {
                t.say("Blow detected, analysing ...");
            }
        });
        if (end instanceof TestEvent.Result r) {
            BreathResult b = r.result();
            t.say("Result: " + b.measurement() + " (not recorded)");
            return Exit.OK;
        }
        if (end instanceof TestEvent.BlowAborted a) {
            t.say("The blow was not usable: " + a.reason() + " (not recorded). Try again.");
            return Exit.CHECK_FAILED;
        }
        TestEvent.Error err = (TestEvent.Error) end;
        throw new CliException(Exit.HARDWARE, "the breathalyser reported a problem: " + err.cause().getMessage());
    }
}
