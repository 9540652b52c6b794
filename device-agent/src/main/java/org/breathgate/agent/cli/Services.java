package org.breathgate.agent.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** The agent's systemd unit, when this system runs systemd. */
final class Services {

    static final String UNIT = "breathgate-agent";

    private Services() {
    }

    /**
     * Restarts the agent if systemd runs it, so it picks up new files; otherwise says how.
     *
     * @return what happened, for the technician
     */
    static String restartIfRunning() {
        if (!Files.isDirectory(Path.of("/run/systemd/system"))) {
            return "Restart the agent so it uses the new files: sudo systemctl restart " + UNIT;
        }
        try {
            Process p = new ProcessBuilder("systemctl", "try-restart", UNIT).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).strip();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return "systemctl did not finish in 60 s; restart the agent yourself: sudo systemctl restart " + UNIT;
            }
            return p.exitValue() == 0 ? "The agent was restarted (if it was running)."
                    : "Restarting failed (" + out + "); run: sudo systemctl restart " + UNIT;
        } catch (IOException e) {
            return "Restart the agent so it uses the new files: sudo systemctl restart " + UNIT;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "Interrupted; restart the agent yourself: sudo systemctl restart " + UNIT;
        }
    }
}
