package org.breathgate.agent.clock;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks systemd ({@code timedatectl show -p NTPSynchronized --value}) whether the clock is
 * synchronised, at most once per {@code cacheFor}, so that a heartbeat or reading does not fork a
 * process each time. Answers false when timedatectl is missing or does not answer within two
 * seconds: an unknown sync state is reported as unsynchronised, never as synchronised.
 */
public final class TimedatectlSyncProbe implements SyncProbe {

    private static final Logger LOG = LoggerFactory.getLogger(TimedatectlSyncProbe.class);

    private final Duration cacheFor;
    private long checkedAtNanos;
    private boolean cached;
    private boolean everChecked;
    private boolean warned;

    /** A probe that re-asks at most once per {@code cacheFor} (60 s is plenty: sync changes rarely). */
    public TimedatectlSyncProbe(Duration cacheFor) {
        this.cacheFor = cacheFor;
    }

    @Override
    public synchronized boolean synced() {
        long now = System.nanoTime();
        if (everChecked && now - checkedAtNanos < cacheFor.toNanos()) {
            return cached;
        }
        cached = ask();
        checkedAtNanos = now;
        everChecked = true;
        return cached;
    }

    private boolean ask() {
        try {
            Process p = new ProcessBuilder("timedatectl", "show", "-p", "NTPSynchronized", "--value")
                    .redirectErrorStream(true).start();
            try (InputStream in = p.getInputStream()) {
                if (!p.waitFor(2, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    return unknown("timedatectl did not answer within 2 s");
                }
                String out = new String(in.readAllBytes(), StandardCharsets.US_ASCII).strip();
                if (p.exitValue() != 0) {
                    return unknown("timedatectl exited " + p.exitValue() + ": " + out);
                }
                return out.equals("yes");
            }
        } catch (IOException e) {
            return unknown("timedatectl could not be run (" + e.getMessage() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private boolean unknown(String why) {
        if (!warned) {
            LOG.warn("Clock sync state unknown, reporting the clock as unsynchronised: {}", why);
            warned = true;
        }
        return false;
    }
}
