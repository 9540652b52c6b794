package org.breathgate.agent.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The technician's side: short plain prompts on standard output, answers read line by line from
 * standard input (so a script or a test can pipe them in), errors on standard error.
 */
final class Terminal {

    private final BufferedReader in;
    private final PrintWriter out;
    private final PrintWriter err;

    Terminal(InputStream in, PrintStream out, PrintStream err) {
        this.in = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        this.out = new PrintWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), true);
        this.err = new PrintWriter(new OutputStreamWriter(err, StandardCharsets.UTF_8), true);
    }

    PrintWriter out() {
        return out;
    }

    void say(String line) {
        out.println(line);
    }

    void error(String message) {
        err.println("breathgate-agent: " + message);
    }

    void flush() {
        out.flush();
        err.flush();
    }

    /**
     * Asks {@code question}; an empty answer gives {@code fallback} (shown in brackets; null for none).
     *
     * @param flag the option that answers this without asking, named when input has ended
     */
    String ask(String question, String fallback, String flag) {
        out.print(question + (fallback == null || fallback.isEmpty() ? "" : " [" + fallback + "]") + ": ");
        out.flush();
        String line;
        try {
            line = in.readLine();
        } catch (IOException e) {
            throw new CliException(Exit.USAGE, "cannot read standard input: " + e.getMessage(), e);
        }
        if (line == null) {
            out.println();
            throw new CliException(Exit.USAGE, "standard input ended before '" + question + "' was answered; give " + flag
                    + " on the command line (see --help)");
        }
        line = line.strip();
        return line.isEmpty() && fallback != null ? fallback : line;
    }

    /** A yes/no question whose default is no; end of input is no. */
    boolean confirm(String question) {
        out.print(question + " [y/N]: ");
        out.flush();
        try {
            String line = in.readLine();
            if (line == null) {
                out.println();
                return false;
            }
            String a = line.strip().toLowerCase(Locale.ROOT);
            return a.equals("y") || a.equals("yes") || a.equals("k") || a.equals("kyllä") || a.equals("j") || a.equals("ja");
        } catch (IOException e) {
            throw new CliException(Exit.USAGE, "cannot read standard input: " + e.getMessage(), e);
        }
    }
}
