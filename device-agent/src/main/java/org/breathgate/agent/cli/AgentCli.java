package org.breathgate.agent.cli;

import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.breathgate.agent.DeviceAgent;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code breathgate-agent}: the daemon ({@code run}) and the technician's tools ({@code setup},
 * {@code status}, {@code test}, {@code doctor}, {@code rotate-key}, {@code deprovision}). Exit codes
 * are listed in {@link Exit} and in {@code docs/install.md}.
 */
@Command(name = "breathgate-agent", mixinStandardHelpOptions = true, version = "breathgate-agent " + DeviceAgent.VERSION,
        description = "The Breathgate device agent and the technician's tools.",
        subcommands = {RunCommand.class, SetupCommand.class, StatusCommand.class, TestCommand.class, DoctorCommand.class,
            RotateKeyCommand.class, DeprovisionCommand.class, AutoComplete.GenerateCompletion.class},
        footer = {"", "Start with: sudo breathgate-agent setup   (docs/install.md)"})
public final class AgentCli implements Runnable {

    private final Terminal terminal;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    AgentCli(Terminal terminal) {
        this.terminal = terminal;
    }

    Terminal terminal() {
        return terminal;
    }

    @Override
    public void run() {
        spec.commandLine().usage(terminal.out());
    }

    public static void main(String[] args) {
        System.exit(execute(args, System.in, System.out, System.err));
    }

    /** Runs one command line with the given streams (tests drive the wizard through {@code in}); returns the exit code. */
    public static int execute(String[] args, InputStream in, PrintStream out, PrintStream err) {
        Terminal terminal = new Terminal(in, out, err);
        CommandLine cli = new CommandLine(new AgentCli(terminal));
        cli.setOut(new java.io.PrintWriter(new java.io.OutputStreamWriter(out, StandardCharsets.UTF_8), true));
        cli.setErr(new java.io.PrintWriter(new java.io.OutputStreamWriter(err, StandardCharsets.UTF_8), true));
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof CliException c) {
                terminal.error(c.getMessage());
                return c.exitCode();
            }
            terminal.error("unexpected error: " + e);
            e.printStackTrace(err);
            return Exit.SOFTWARE;
        });
        int code = cli.execute(args);
        terminal.flush();
        return code;
    }
}
