package org.breathgate.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Every command explains itself, and shell completion can be generated. */
class CliHelpTest {

    private static final List<String> COMMANDS = List.of("run", "setup", "status", "test", "doctor", "rotate-key", "deprovision",
            "generate-completion");

    @Test
    void every_command_has_help() {
        for (String command : COMMANDS) {
            Cli.Run run = Cli.run("", command, "--help");
            assertEquals(0, run.exitCode(), command + ": " + run);
            assertTrue(run.out().contains("Usage: breathgate-agent " + command), command + ": " + run.out());
        }
        Cli.Run top = Cli.run("", "--help");
        assertEquals(0, top.exitCode());
        COMMANDS.forEach(c -> assertTrue(top.out().contains(c), c));
    }

    @Test
    void bash_completion_is_generated_for_every_command() {
        Cli.Run run = Cli.run("", "generate-completion");
        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(run.out().contains("complete -F"), run.out());
        COMMANDS.forEach(c -> assertTrue(run.out().contains(c), c));
    }

    @Test
    void a_command_on_a_device_that_is_not_set_up_says_to_run_setup() {
        Cli.Run run = Cli.run("", "status", "--config-dir", "/nonexistent/etc", "--data-dir", "/nonexistent/var");
        assertEquals(Exit.REFUSED, run.exitCode(), run.toString());
        assertTrue(run.err().contains("breathgate-agent setup"), run.err());
    }

    @Test
    void an_unknown_option_is_a_usage_error() {
        Cli.Run run = Cli.run("", "setup", "--colour", "blue");
        assertEquals(2, run.exitCode(), run.toString());
    }
}
